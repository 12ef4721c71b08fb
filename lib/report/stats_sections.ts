/**
 * The statistics sections of a report: recommendation, variant performance
 * with intervals, pairwise comparisons, ranking, the traffic split check, and
 * methods and assumptions. `statsSections` computes them from stored results,
 * pairs and ratings; `statsReportExtension` plugs them into `writeReport`.
 *
 * @module
 */
import {
  type ABTest,
  type ComparisonPair,
  listArms,
  type Rating,
  type TestResult,
  type Winner,
} from "../schema/mod.ts";
import {
  BOOTSTRAP_DRAW_BUDGET,
  type BootstrapEstimate,
  bootstrapStatistics,
  DEFAULT_RESAMPLES,
  MIN_RESAMPLES,
} from "../stats/bootstrap.ts";
import { type ArmComparison, type ArmSample, compareArms } from "../stats/compare_arms.ts";
import { DEFAULT_RANKING_RESAMPLES } from "../stats/bradley_terry.ts";
import type { CorrectionMethod } from "../stats/multiple_comparisons.ts";
import {
  collectPairwiseTests,
  DEFAULT_SIGNIFICANCE,
  type PairwiseTest,
} from "../stats/pairwise_tests.ts";
import { type Percentile, percentiles, QUANTILE_METHOD } from "../stats/quantile.ts";
import {
  OVERALL_DIMENSION,
  type RatingStatistics,
  ratingStatistics,
} from "../stats/rating_stats.ts";
import { checkSampleRatio, SRM_ALPHA, type SrmResult } from "../stats/srm.ts";
import { analyzeWinners, describeFailedArms, type WinnerVerdict } from "../stats/winner.ts";
import type { ReportSection } from "./build_report.ts";
import { describePairing } from "./pairing.ts";
import { renderStatsSections } from "./stats_markdown.ts";
import { type UnknownCost, unknownCostNote } from "./unknown_cost.ts";
import type { ReportExtension } from "./write_report.ts";

/** Version of the `data` layout of the statistics sections; bumped when a field changes meaning. */
export const STATS_SECTIONS_VERSION = "1.0.0";

/** Data the statistics sections are computed from. */
export interface StatsInputs {
  /** Stored results, one per call key. */
  results: readonly TestResult[];
  pairs: readonly ComparisonPair[];
  ratings: readonly Rating[];
}

/** Options of `statsSections`. */
export interface StatsSectionsOptions {
  /** Seed of every bootstrap. Default: the test's seed. */
  seed?: number;
  /** Bootstrap resamples for latency and cost intervals. Default 2,000. */
  resamples?: number;
  /** Bootstrap resamples for the ranking. Default 1,000. */
  rankingResamples?: number;
  /** Confidence level of every interval. Default 0.95. */
  confidence?: number;
  /** Multiple-comparison correction over all pairwise tests. Default "holm". */
  correction?: CorrectionMethod;
  /** Significance level for corrected p-values. Default 0.05. */
  alpha?: number;
  /**
   * Rating dimension that decides quality. Default: the test's dimension named
   * `overall` when it defines one, else the test's first dimension.
   */
  qualityDimension?: string;
}

/** One arm's figures with intervals. */
export interface ArmIntervals {
  arm_id: string;
  latency_n: number;
  latency_percentiles: Percentile[];
  latency_median: BootstrapEstimate;
  cost_n: number;
  /** Mean cost per call in USD with its bootstrap interval. */
  cost_mean: BootstrapEstimate;
}

/** Everything the statistics sections contain, as stored in `data`. */
export interface StatsData {
  version: string;
  recommendation: string;
  winners: WinnerVerdict[];
  correction: CorrectionMethod;
  alpha: number;
  confidence: number;
  quality_dimension: string | null;
  arms: ArmIntervals[];
  latency: ArmComparison[];
  cost: ArmComparison[];
  ratings: RatingStatistics;
  tests: PairwiseTest[];
  srm: (SrmResult & { applicable: true }) | { applicable: false; reason: string };
  methods: string[];
  assumptions: string[];
  /** Pairing scheme of the comparison pairs, such as every arm against a control arm. */
  pairing: string;
}

/** The sections, the winners for `buildReport` and the data behind them. */
export interface StatsSectionsResult {
  sections: ReportSection[];
  /** Verdicts in the report schema's shape, replacing the descriptive ones. */
  winners: Winner[];
  data: StatsData;
}

/**
 * Computes the statistics sections of a report.
 *
 * @param test The test definition.
 * @param inputs Stored results, comparison pairs and ratings.
 * @param options Seeds, resamples, level, correction and quality dimension.
 * @returns Report sections with Markdown and data, and the winners.
 * @example
 * ```ts
 * const { sections, winners } = statsSections(test, { results, pairs, ratings });
 * ```
 */
export function statsSections(
  test: ABTest,
  inputs: StatsInputs,
  options: StatsSectionsOptions = {},
): StatsSectionsResult {
  const seed = options.seed ?? test.seed;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  const correction = options.correction ?? "holm";
  const alpha = options.alpha ?? DEFAULT_SIGNIFICANCE;
  const armIds = listArms(test).map((arm) => arm.id);
  const results = inputs.results.filter((result) => result.test_id === test.id);

  // Per-arm samples: latency of successful uncached calls, cost of calls with a known cost.
  const latencySamples = armIds.map((arm) =>
    sampleOf(arm, results, (r) => r.error_class === null && !r.from_cache ? r.latency_ms : null)
  );
  const costSamples = armIds.map((arm) => sampleOf(arm, results, (r) => r.cost_usd));
  const bootstrap = { seed, resamples, confidence };
  const arms = armIds.map((arm, k): ArmIntervals => ({
    arm_id: arm,
    latency_n: latencySamples[k]!.values.length,
    latency_percentiles: percentiles(latencySamples[k]!.values),
    latency_median: bootstrapStatistics(latencySamples[k]!.values, [{ quantile: 0.5 }], {
      ...bootstrap,
      seed: seed + k,
    })[0]!,
    cost_n: costSamples[k]!.values.length,
    cost_mean: bootstrapStatistics(costSamples[k]!.values, ["mean"], {
      ...bootstrap,
      seed: seed + k,
    })[0]!,
  }));
  const latency = compareArms(latencySamples.filter((s) => s.values.length > 0), bootstrap);
  // Arms with successful calls of unknown cost could be cheaper or dearer
  // than their known values show, so they are left out of the cost tests.
  const unknownCosts = countUnknownCosts(armIds, results);
  const unknownCostArms = new Set(unknownCosts.map((arm) => arm.arm_id));
  const cost = compareArms(
    costSamples.filter((s) => s.values.length > 0 && !unknownCostArms.has(s.arm_id)),
    bootstrap,
  );

  const ratings = ratingStatistics(inputs.pairs, inputs.ratings, {
    arms: armIds,
    dimensions: ratedDimensions(test, inputs.ratings),
    seed,
    resamples: options.rankingResamples ?? DEFAULT_RANKING_RESAMPLES,
    confidence,
  });
  const qualityDimension = chooseQualityDimension(test, ratings, options.qualityDimension);
  const srm = checkSplit(test, results, armIds);

  const tests = collectPairwiseTests({ ratings, latency, cost }, { correction, alpha });
  const correctionName = correction === "holm" ? "Holm" : "Benjamini-Hochberg";
  const quality = ratings.dimensions.find((d) => d.dimension === qualityDimension);
  const failedArms = armsWithOnlyErrors(armIds, results);
  const winners = analyzeWinners({
    tests,
    ...(quality ? { quality } : {}),
    latency,
    cost,
    sampleRatioMismatch: srm.applicable && srm.mismatch,
    failedArms,
  }, { alpha, correctionName });
  for (const winner of winners) {
    if (winner.metric === "cost" && unknownCosts.length > 0) {
      winner.statement += ` ${unknownCostNote(unknownCosts)}`;
    }
    if (winner.metric === "quality" && (quality === undefined || quality.verdicts === 0)) {
      winner.statement = ratings.ratings_used === 0
        ? "No ratings yet, so no quality comparison is possible. Collect pairwise ratings first."
        : `No verdicts on the quality dimension "${qualityDimension}" yet, so no quality ` +
          "comparison is possible. The other dimensions are reported in their own rows.";
    }
  }

  const data: StatsData = {
    version: STATS_SECTIONS_VERSION,
    recommendation: recommend(winners, srm, failedArms),
    winners,
    correction,
    alpha,
    confidence,
    quality_dimension: qualityDimension,
    arms,
    latency,
    cost,
    ratings,
    tests,
    srm,
    methods: describeMethods(correctionName, resamples, {
      qualityDimension,
      ...(options.rankingResamples === undefined
        ? {}
        : { rankingResamples: options.rankingResamples }),
    }),
    assumptions: ASSUMPTIONS,
    pairing: describePairing(inputs.pairs),
  };
  return {
    sections: renderStatsSections(data),
    winners: winners.map(({ metric, arm_id, statement, p_value, method, leader }) => ({
      metric,
      arm_id,
      statement,
      p_value: p_value === null || p_value === undefined || Number.isNaN(p_value) ? null : p_value,
      ...(method ? { method } : {}),
      leader,
    })),
    data,
  };
}

/**
 * Creates a `writeReport` extension that adds the statistics sections, reading
 * results and comparison pairs from the store.
 *
 * @param options Options passed to `statsSections`.
 * @returns The extension.
 * @example
 * ```ts
 * await writeReport(store, testId, { extensions: [statsReportExtension()] });
 * ```
 */
export function statsReportExtension(options: StatsSectionsOptions = {}): ReportExtension {
  return async (context) => {
    const [results, pairs] = await Promise.all([
      context.store.readResults(context.test.id),
      context.store.listComparisons(context.test.id),
    ]);
    context.signal?.throwIfAborted();
    const { sections, winners, data } = statsSections(context.test, {
      results,
      pairs,
      ratings: context.ratings,
    }, options);
    return { sections, winners, ratings: toJsonValue(data.ratings) };
  };
}

function sampleOf(
  armId: string,
  results: readonly TestResult[],
  pick: (result: TestResult) => number | null,
): ArmSample & { values: number[]; keys: string[] } {
  const values: number[] = [];
  const keys: string[] = [];
  for (const result of results) {
    if (result.arm_id !== armId) continue;
    const value = pick(result);
    if (value === null || !Number.isFinite(value)) continue;
    values.push(value);
    keys.push(`${result.case_id}|${result.repeat}`);
  }
  return { arm_id: armId, values, keys };
}

/** Counts successful calls of unknown cost per arm, in arm order, for the arms that have any. */
function countUnknownCosts(
  armIds: readonly string[],
  results: readonly TestResult[],
): UnknownCost[] {
  const byArm = new Map(armIds.map((arm) => [arm, { successful: 0, unknown: 0, no_usage: 0 }]));
  for (const result of results) {
    const counts = byArm.get(result.arm_id);
    if (counts === undefined || result.error_class !== null) continue;
    counts.successful++;
    if (result.cost_usd !== null) continue;
    counts.unknown++;
    if (result.prompt_tokens === null || result.completion_tokens === null) counts.no_usage++;
  }
  return [...byArm]
    .filter(([, counts]) => counts.unknown > 0)
    .map(([arm, counts]) => ({ arm_id: arm, ...counts }));
}

/** Lists the test's rating dimensions, then any other dimension found in the ratings. */
function ratedDimensions(test: ABTest, ratings: readonly Rating[]): string[] {
  const dimensions = new Set(test.rating_dimensions.map((dimension) => dimension.id));
  for (const rating of ratings) {
    for (const key of Object.keys(rating.choices)) dimensions.add(key);
    if (rating.overall !== undefined) dimensions.add(OVERALL_DIMENSION);
  }
  return [...dimensions];
}

/**
 * Picks the dimension of the quality verdict from the test definition, never
 * from which verdicts happen to be stored, so one rating with the optional
 * `overall` choice cannot switch the verdict to a dimension with fewer verdicts.
 */
function chooseQualityDimension(
  test: ABTest,
  ratings: RatingStatistics,
  requested?: string,
): string | null {
  if (requested !== undefined) {
    if (!ratings.dimensions.some((d) => d.dimension === requested)) {
      throw new RangeError(
        `Invalid qualityDimension "${requested}": expected one of ` +
          `${ratings.dimensions.map((d) => `"${d.dimension}"`).join(", ")}.`,
      );
    }
    return requested;
  }
  const defined = test.rating_dimensions.map((dimension) => dimension.id);
  return defined.find((id) => id === OVERALL_DIMENSION) ?? defined[0] ?? null;
}

/** Runs the SRM check on distinct cases per arm in split mode. Factorial mode sends every case to every arm, so it has no split. */
function checkSplit(
  test: ABTest,
  results: readonly TestResult[],
  armIds: readonly string[],
): StatsData["srm"] {
  if (test.traffic.mode !== "split") {
    return {
      applicable: false,
      reason: "Factorial mode sends every case to every arm, so there is no split to check.",
    };
  }
  const cases = new Map<string, Set<string>>(armIds.map((arm) => [arm, new Set()]));
  for (const result of results) cases.get(result.arm_id)?.add(result.case_id);
  const observed = Object.fromEntries([...cases].map(([arm, set]) => [arm, set.size]));
  const weights = test.traffic.weights ?? Object.fromEntries(armIds.map((arm) => [arm, 1]));
  return { applicable: true, ...checkSampleRatio(observed, weights) };
}

function recommend(
  winners: readonly WinnerVerdict[],
  srm: StatsData["srm"],
  failedArms: readonly string[],
): string {
  if (srm.applicable && srm.mismatch) {
    return `Do not act on this comparison: the traffic split differs from the configured ` +
      `weights (SRM chi-square p < ${SRM_ALPHA}), so the comparison is not trustworthy. ` +
      `Find why arms received unequal traffic, then rerun.`;
  }
  const failed = failedArms.length === 0
    ? ""
    : ` ${describeFailedArms(failedArms)} The Errors section lists why. Fix the cause, then ` +
      "retry those calls: run --resume with --retry-errors while the test is paused, or start " +
      "a new run once it is completed.";
  const named = winners.filter((winner) => winner.arm_id !== null);
  if (named.length > 0) {
    const quality = named.find((winner) => winner.metric === "quality");
    const parts = named.map((winner) => `"${winner.arm_id}" on ${winner.metric}`);
    const lead = quality
      ? `Choose "${quality.arm_id}": it is significantly best on quality.`
      : "No arm is significantly best on quality.";
    return `${lead} Significant winners: ${parts.join(", ")}.${failed}`;
  }

  if (winners.every((winner) => winner.arms.length < 2)) {
    return "No comparison is possible: fewer than two arms have data on quality, cost or " +
      `latency.${failed}`;
  }
  const estimated = winners.some((winner) => winner.sample_size?.basis === "estimated");
  return "No arm is significantly better than every other arm on quality, cost or latency " +
    "after correcting for multiple comparisons. " +
    (estimated
      ? "Keep the current choice or collect more data: the verdicts below estimate how much."
      : "Keep the current choice or collect more data.") +
    failed;
}

/** Lists, in arm order, the arms with stored results of which every one is an error. */
function armsWithOnlyErrors(armIds: readonly string[], results: readonly TestResult[]): string[] {
  return armIds.filter((arm) => {
    const own = results.filter((result) => result.arm_id === arm);
    return own.length > 0 && own.every((result) => result.error_class !== null);
  });
}

function describeMethods(
  correctionName: string,
  resamples: number,
  options: { qualityDimension: string | null; rankingResamples?: number },
): string[] {
  const { qualityDimension, rankingResamples } = options;
  return [
    `Quality verdict: dimension "${qualityDimension ?? "none"}", which is the test's ` +
    `dimension named "${OVERALL_DIMENSION}" when it defines one, otherwise its first rating ` +
    `dimension. Every dimension is reported in its own row, and so is the optional ` +
    `"${OVERALL_DIMENSION}" choice of a rating when the test defines no such dimension.`,
    `Percentiles: ${QUANTILE_METHOD}.`,
    `Intervals on medians, p95 and mean cost: percentile bootstrap with up to ${resamples} ` +
    `seeded resamples (xoshiro128**); samples too large for that many within ` +
    `${BOOTSTRAP_DRAW_BUDGET.toLocaleString("en-US")} draws get fewer, at least ${MIN_RESAMPLES}.`,
    "Latency and cost between arms: Mann-Whitney U (exact when a sample has at most 8 values and no ties, otherwise normal approximation with tie and continuity corrections, as SciPy's default); Wilcoxon signed-rank on per-case differences when the same cases ran on both arms; Welch's t-test for means.",
    "Win rate: (wins + ties / 2) / (wins + losses + ties) with a Wilson score interval; decisive win rate wins / (wins + losses); both-bad verdicts counted separately.",
    "Quality between two arms: exact two-sided sign test on wins against losses.",
    `Ranking: Bradley-Terry with ties (Davidson 1970) by maximum likelihood, up to ${
      rankingResamples ?? DEFAULT_RANKING_RESAMPLES
    } bootstrap resamples of verdicts; arms whose intervals overlap share a rank.`,
    `Multiple comparisons: ${correctionName} correction over every pairwise test in this report.`,
    `Sample ratio mismatch: chi-square goodness of fit of cases per arm against the weights, flagged at p < ${SRM_ALPHA}.`,
    "Sample sizes: two-sided z-test at 80% power and alpha 0.05 on the observed effect (Cohen's h for win rates, Cohen's d for latency and cost).",
  ];
}

const ASSUMPTIONS = [
  "Each rating is treated as an independent verdict, although raters and cases repeat; intervals may be too narrow when one rater or case dominates.",
  "Repeated calls of the same case count as separate values in unpaired latency and cost tests.",
  "Sample sizes use normal approximations at an uncorrected alpha of 0.05, so they are estimates and, with many comparisons, lower bounds.",
  "Simulated results and simulated ratings describe no real model; they only demonstrate the analysis.",
];

/** Converts NaN and infinities to null so the data is the same before and after JSON. */
function toJsonValue(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
