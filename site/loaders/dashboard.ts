/**
 * The dashboard's data for one test: definition, state, per-arm metrics,
 * latency summaries, rating statistics and the traffic split check, shaped
 * for the browser and small enough for tests with 100,000 results.
 *
 * @module
 */
import {
  type ABTest,
  type ABTestReport,
  type AggregateMetrics,
  checkSampleRatio,
  type ComparisonPair,
  DEFAULT_RANKING_RESAMPLES,
  listArms,
  type Rating,
  ratingStatistics,
  type SrmResult,
  type TestResult,
  type TestState,
  type Winner,
} from "../../lib/mod.ts";
import {
  countedLatencies,
  type LatencyHistogram,
  latencyHistogram,
  type OverallLatency,
  overallLatency,
} from "./latency.ts";
import { plannedCalls } from "./tests_index.ts";

/** The test definition as the dashboard shows it; prompts and cases stay out. */
export interface TestSummary {
  id: string;
  name: string;
  description: string | null;
  mode: "factorial" | "split";
  weights: Record<string, number> | null;
  seed: number;
  repeats: number;
  cases: number;
  variants: { id: string; description: string | null }[];
  models: { id: string; provider: string; model: string }[];
  dimensions: { id: string; description: string | null }[];
}

/** Win rate of one arm, or of one arm against another, with its Wilson interval. */
export interface RateView {
  win_rate: number | null;
  low: number | null;
  high: number | null;
  /** Verdicts that enter the win rate (both-bad excluded). */
  n: number;
  wins: number;
  losses: number;
  ties: number;
  both_bad: number;
}

/** Rating statistics of one dimension. */
export interface DimensionView {
  dimension: string;
  verdicts: number;
  arms: (RateView & { arm_id: string })[];
  pairs: (RateView & { arm_a: string; arm_b: string; p_value: number | null })[];
  ranking: {
    arm_id: string;
    rank: number | null;
    estimate: number | null;
    low: number | null;
    high: number | null;
    tied_with: string[];
    comparisons: number;
  }[];
  ranking_method: string;
}

/** The traffic split check; an infinite statistic (traffic to a zero-weight arm) is null. */
export type SrmView = Omit<SrmResult, "chi_square"> & { chi_square: number | null; note: string };

/** Everything the dashboard page reads. */
export interface DashboardData {
  test: TestSummary;
  state: TestState;
  planned_calls: number;
  generated_at: string;
  simulated: boolean;
  quantile_method: string;
  arms: AggregateMetrics[];
  latency: OverallLatency;
  histogram: LatencyHistogram;
  ratings: { pairs: number; ratings: number; dimensions: DimensionView[] } | null;
  srm: SrmView | null;
  winners: Winner[];
  summary: string | null;
}

/** Input of {@linkcode buildDashboard}. */
export interface DashboardInput {
  test: ABTest;
  state: TestState;
  metrics: AggregateMetrics[];
  results: readonly TestResult[];
  pairs: readonly ComparisonPair[];
  ratings: readonly Rating[];
  report: ABTestReport | undefined;
  quantileMethod: string;
  /** Build time; tests pass a fixed one. */
  now?: Date;
}

/** Builds the dashboard data of one test. */
export function buildDashboard(input: DashboardInput): DashboardData {
  const { test, state, metrics, results, report } = input;
  const byArm = countedLatencies(results);

  return {
    test: summarizeTest(test),
    state,
    planned_calls: plannedCalls(test),
    generated_at: (input.now ?? new Date()).toISOString(),
    simulated: metrics.some((arm) => arm.simulated_n > 0),
    quantile_method: input.quantileMethod,
    arms: metrics,
    latency: overallLatency(byArm),
    histogram: latencyHistogram(byArm),
    ratings: ratingsView(test, input.pairs, input.ratings),
    srm: srmView(test, metrics),
    winners: report?.winners ?? [],
    summary: report?.summary ?? null,
  };
}

function summarizeTest(test: ABTest): TestSummary {
  return {
    id: test.id,
    name: test.name,
    description: test.description ?? null,
    mode: test.traffic.mode,
    weights: test.traffic.weights ?? null,
    seed: test.seed,
    repeats: test.repeats,
    cases: test.cases.length,
    variants: test.variants.map((v) => ({ id: v.id, description: v.description ?? null })),
    models: test.models.map((m) => ({ id: m.id, provider: m.provider, model: m.model })),
    dimensions: test.rating_dimensions.map((d) => ({
      id: d.id,
      description: d.description ?? null,
    })),
  };
}

/** NaN and infinities become null, because JSON has no place for them. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function ratingsView(
  test: ABTest,
  pairs: readonly ComparisonPair[],
  ratings: readonly Rating[],
): DashboardData["ratings"] {
  if (ratings.length === 0) return null;
  const stats = ratingStatistics(pairs, ratings, {
    arms: listArms(test).map((arm) => arm.id),
    seed: test.seed,
    // The report uses the same seed and resamples by default, so both show the same intervals.
    resamples: DEFAULT_RANKING_RESAMPLES,
  });

  const dimensions = stats.dimensions.map((dimension): DimensionView => ({
    dimension: dimension.dimension,
    verdicts: dimension.verdicts,
    arms: dimension.arms.map((arm) => ({ arm_id: arm.arm_id, ...rateView(arm) })),
    pairs: dimension.pairs.flatMap((pair) => {
      const forward = {
        arm_a: pair.arm_a,
        arm_b: pair.arm_b,
        p_value: finite(pair.p_value),
        ...rateView(pair),
      };
      return [forward, reversePair(forward)];
    }),
    ranking: dimension.ranking.arms.map((arm) => ({
      arm_id: arm.arm_id,
      rank: arm.rank,
      estimate: arm.strength,
      low: arm.strength_ci?.[0] ?? null,
      high: arm.strength_ci?.[1] ?? null,
      tied_with: arm.tied_with,
      comparisons: arm.comparisons,
    })),
    ranking_method: `${dimension.ranking.method}; ${
      Math.round(dimension.ranking.confidence * 100)
    }% bootstrap intervals from ${dimension.ranking.resamples} resamples (seed ${dimension.ranking.seed}).`,
  }));
  return { pairs: pairs.length, ratings: stats.ratings_used, dimensions };
}

/**
 * Returns a pair's verdicts from the other arm's side. The statistics list
 * each pair of arms once, and the win-rate matrix shows both cells. With
 * ties as half a win the reverse rate is 1 - rate, and the Wilson interval
 * mirrors the same way.
 */
function reversePair(pair: DimensionView["pairs"][number]): DimensionView["pairs"][number] {
  const flip = (value: number | null) => (value === null ? null : 1 - value);
  return {
    ...pair,
    arm_a: pair.arm_b,
    arm_b: pair.arm_a,
    win_rate: flip(pair.win_rate),
    low: flip(pair.high),
    high: flip(pair.low),
    wins: pair.losses,
    losses: pair.wins,
  };
}

function rateView(rate: {
  win_rate: number;
  win_rate_ci: [number, number];
  n: number;
  wins: number;
  losses: number;
  ties: number;
  both_bad: number;
}): RateView {
  return {
    win_rate: finite(rate.win_rate),
    low: finite(rate.win_rate_ci[0]),
    high: finite(rate.win_rate_ci[1]),
    n: rate.n,
    wins: rate.wins,
    losses: rate.losses,
    ties: rate.ties,
    both_bad: rate.both_bad,
  };
}

/**
 * Checks the observed calls per arm against the configured weights. In
 * factorial mode every arm should get every case, so the weights are equal.
 */
function srmView(test: ABTest, metrics: readonly AggregateMetrics[]): SrmView | null {
  const total = metrics.reduce((sum, arm) => sum + arm.n, 0);
  if (total === 0) return null;

  const arms = listArms(test).map((arm) => arm.id);
  const observed = Object.fromEntries(arms.map((id) => [id, 0]));
  for (const arm of metrics) observed[arm.arm_id] = arm.n;
  const split = test.traffic.mode === "split" && test.traffic.weights !== undefined;
  const weights = split ? test.traffic.weights! : Object.fromEntries(arms.map((id) => [id, 1]));
  const result = checkSampleRatio(observed, weights);

  return {
    ...result,
    chi_square: finite(result.chi_square),
    note: test.traffic.mode === "factorial"
      ? "Factorial mode: every arm should have the same number of calls."
      : split
      ? "Split mode: expected counts follow the configured weights."
      : "Split mode with equal weights.",
  };
}
