/**
 * Winner analysis: names a winner per metric only when the corrected tests
 * support it, and otherwise estimates how much more data would be needed.
 *
 * @module
 */
import type { Winner } from "../schema/mod.ts";
import type { ArmComparison } from "./compare_arms.ts";
import { DEFAULT_SIGNIFICANCE, type Metric, type PairwiseTest } from "./pairwise_tests.ts";
import { DEFAULT_ALPHA, DEFAULT_POWER, proportionEffectSize, requiredSampleSize } from "./power.ts";
import type { DimensionStatistics } from "./rating_stats.ts";

/** Extra data needed to detect the observed difference between the leader and its closest rival. */
export interface SampleSizeEstimate {
  arm_a: string;
  arm_b: string;
  /**
   * Observed standardized effect: Cohen's h for quality, Cohen's d (or d_z
   * when paired) otherwise. Infinity when the values do not vary, which
   * report.json stores as null.
   */
  effect_size: number;
  /** Unit of the counts: rated pairs for quality, calls per arm or matched cases otherwise. */
  unit: "rated pairs" | "calls per arm" | "matched cases";
  current: number;
  /** Basis of `needed` at alpha 0.05: an estimate, or the reason none is given. */
  basis: SampleSizeBasis;
  /** Total needed at 80% power and alpha 0.05, rounded up. Null when the effect is 0 or infinite. */
  needed: number | null;
  /** needed - current, or null unless needed is above current. */
  additional: number | null;
  /**
   * Total needed at the Bonferroni level alpha / m for the m tests of the
   * report, which is the strictest level the correction can apply. Null when
   * the effect is 0 or infinite.
   */
  needed_corrected: number | null;
  /** needed_corrected - current, or null unless needed_corrected is above current. */
  additional_corrected: number | null;
}

/**
 * Basis of a sample-size estimate:
 * - `estimated`: the normal approximation needs more than the current count.
 * - `zero-effect`: the observed difference is 0, so no sample size would detect it.
 * - `zero-spread`: the values, or the matched differences, do not vary, so the
 *   standardized effect is infinite and gives no sample size.
 * - `not-above-current`: the approximation needs no more than the current
 *   count although the test is not significant, so it does not fit the data.
 */
export type SampleSizeBasis = "estimated" | "zero-effect" | "zero-spread" | "not-above-current";

/** A winner with the evidence behind it. */
export interface WinnerVerdict extends Winner {
  /** Arms with data on the metric, which the verdict compares. Fewer than two when none. */
  arms: string[];
  /** The leader by point estimate, whether or not it is significant. */
  leader: string | null;
  /** Present when no winner is named and a sample size could be estimated. */
  sample_size: SampleSizeEstimate | null;
}

/** Inputs of `analyzeWinners`. */
export interface WinnerInputs {
  /** Every pairwise test of the report with corrected p-values. */
  tests: readonly PairwiseTest[];
  /** Rating statistics of the dimension that decides quality. */
  quality?: DimensionStatistics;
  latency?: readonly ArmComparison[];
  cost?: readonly ArmComparison[];
  /** Set when the sample ratio check failed; then no winner is named. */
  sampleRatioMismatch?: boolean;
  /** Arms whose every stored call failed, named when fewer than two arms have data. */
  failedArms?: readonly string[];
}

/** Sample-size targets: the planning level and the strictest level of the correction. */
interface Levels {
  alpha: number;
  corrected: number;
}

/** Options of `analyzeWinners`. */
export interface WinnerOptions {
  /** Level the corrected p-values are compared with. Default 0.05. */
  alpha?: number;
  /** Name of the correction, used in statements. Default "Holm". */
  correctionName?: string;
}

/**
 * Names a winner for quality, cost and latency. An arm wins a metric only
 * when its corrected test against every other arm with data is significant
 * in its favour. Otherwise the verdict states that there is no significant
 * difference and estimates the data needed for the leader's closest rival.
 * When the data cannot show a difference (equal values or only tied
 * verdicts), it states that the arms do not differ and estimates nothing.
 *
 * @param inputs Corrected tests and the statistics behind them.
 * @param options Significance level and correction name.
 * @returns One verdict per metric, quality first.
 */
export function analyzeWinners(inputs: WinnerInputs, options: WinnerOptions = {}): WinnerVerdict[] {
  const alpha = options.alpha ?? DEFAULT_SIGNIFICANCE;
  const correction = options.correctionName ?? "Holm";
  return (["quality", "cost", "latency"] as const).map((metric) =>
    verdictFor(metric, inputs, alpha, correction)
  );
}

function verdictFor(
  metric: Metric,
  inputs: WinnerInputs,
  alpha: number,
  correction: string,
): WinnerVerdict {
  // A test that cannot run because the data show no difference at all still
  // compares two arms with data, so it stays in.
  const tests = inputs.tests.filter((test) =>
    test.metric === metric &&
    (metric !== "quality" || test.dimension === (inputs.quality?.dimension ?? null)) &&
    (!Number.isNaN(test.p_value) || test.no_difference !== null)
  );
  const method = tests[0]?.test;
  const arms = [...new Set(tests.flatMap((test) => [test.arm_a, test.arm_b]))];
  let noun: string = metric;
  if (metric === "quality" && inputs.quality) noun = `quality (${inputs.quality.dimension})`;
  const base = { metric, ...(method ? { method } : {}), arms };
  if (arms.length < 2) {
    let statement = `No ${noun} comparison: fewer than two arms have data to compare.`;
    if (inputs.failedArms?.length) statement += ` ${describeFailedArms(inputs.failedArms)}`;
    return {
      ...base,
      arm_id: null,
      statement,
      p_value: null,
      leader: null,
      sample_size: null,
    };
  }

  for (const candidate of arms) {
    const own = tests.filter((test) => test.arm_a === candidate || test.arm_b === candidate);
    const rivals = new Set(own.map((test) => test.arm_a === candidate ? test.arm_b : test.arm_a));
    const winsAll = rivals.size === arms.length - 1 &&
      own.every((test) => test.significant && test.better === candidate);
    if (!winsAll) continue;

    const worst = Math.max(...own.map((test) => test.p_adjusted));
    if (inputs.sampleRatioMismatch) {
      return {
        ...base,
        arm_id: null,
        statement: `"${candidate}" leads on ${noun}, but no winner is named because the traffic ` +
          `split failed the sample ratio mismatch check, so the comparison is not trustworthy.`,
        p_value: worst,
        leader: candidate,
        sample_size: null,
      };
    }
    return {
      ...base,
      arm_id: candidate,
      statement: `"${candidate}" is best on ${noun}: it beats every other arm with ` +
        `${correction}-corrected ${pBound(worst)} (alpha ${alpha}).`,
      p_value: worst,
      leader: candidate,
      sample_size: null,
    };
  }

  if (tests.every((test) => test.no_difference !== null)) {
    const subject = arms.length === 2
      ? `"${arms[0]}" and "${arms[1]}"`
      : `The ${arms.length} arms with data`;
    let statement = `${subject} do not differ on ${noun}: ` +
      `${describeNoDifference(metric, tests, arms.length)}, so no test can tell them apart.`;
    if (inputs.sampleRatioMismatch) {
      statement += " The traffic split also failed the sample ratio mismatch check.";
    }
    const smallest = Math.min(...tests.map((test) => test.p_adjusted));
    return {
      ...base,
      arm_id: null,
      statement,
      p_value: Number.isNaN(smallest) ? null : smallest,
      leader: null,
      sample_size: null,
    };
  }
  return { ...base, ...noWinnerVerdict(metric, noun, inputs, tests, arms, { alpha, correction }) };
}

/**
 * Builds the verdict when no arm wins from the leader's unresolved comparison
 * that needs the most data. A comparison that cannot show a difference comes first.
 */
function noWinnerVerdict(
  metric: Metric,
  noun: string,
  inputs: WinnerInputs,
  tests: readonly PairwiseTest[],
  arms: readonly string[],
  level: { alpha: number; correction: string },
): Omit<WinnerVerdict, "metric" | "method" | "arms"> {
  const leader = leaderOf(metric, inputs, arms);
  const own = tests.filter((test) => test.arm_a === leader || test.arm_b === leader);
  const unresolved = own.filter((test) => !(test.significant && test.better === leader));
  const candidates = (unresolved.length > 0 ? unresolved : own).map((test) => ({
    test,
    size: test.no_difference === null ? estimateSampleSize(metric, inputs, test) : null,
  }));
  const demand = ({ size }: (typeof candidates)[number]) => {
    if (size === null || size.basis === "zero-spread") return -1;
    return size.needed ?? Infinity;
  };
  const { test: closest, size: sampleSize } = candidates.sort((x, y) =>
    Number(y.test.no_difference !== null) - Number(x.test.no_difference !== null) ||
    demand(y) - demand(x) || y.test.p_adjusted - x.test.p_adjusted
  )[0]!;
  const rival = closest.arm_a === leader ? closest.arm_b : closest.arm_a;
  let statement = closest.no_difference === null
    ? `No significant difference in ${noun} between "${leader}" and "${rival}" ` +
      `(${level.correction}-corrected p = ${formatP(closest.p_adjusted)}, alpha ${level.alpha}).`
    : `"${leader}" and "${rival}" do not differ on ${noun}: ` +
      `${describeNoDifference(metric, [closest], 2)}, so no test can tell them apart.`;
  if (sampleSize) {
    const family = inputs.tests.filter((t) => !Number.isNaN(t.p_value)).length;
    statement += ` ${describeSampleSize(sampleSize, family)}`;
  }
  if (inputs.sampleRatioMismatch) {
    statement += " The traffic split also failed the sample ratio mismatch check.";
  }
  return {
    arm_id: null,
    statement,
    p_value: Number.isNaN(closest.p_adjusted) ? null : closest.p_adjusted,
    leader,
    sample_size: sampleSize,
  };
}

/**
 * Describes why tests whose `no_difference` is set cannot separate `armCount`
 * arms, as a clause such as "every measured call of both arms had the same cost".
 */
function describeNoDifference(
  metric: Metric,
  tests: readonly PairwiseTest[],
  armCount: number,
): string {
  const reasons = new Set(tests.map((test) => test.no_difference));
  const armsPhrase = armCount === 2 ? "both arms" : "every arm";
  if (reasons.size === 1 && reasons.has("all-values")) {
    return `every measured call of ${armsPhrase} had the same ${metric}`;
  }
  if (reasons.size === 1 && reasons.has("no-decisive-verdict")) {
    return "every verdict between them was a tie or both bad";
  }
  return `each matched case had the same ${metric} on ${armsPhrase}`;
}

/**
 * States that every call of the given arms failed, as a sentence such as
 * `Every call of "a" and "b" failed.`
 */
export function describeFailedArms(arms: readonly string[]): string {
  const names = arms.map((arm) => `"${arm}"`);
  const list = names.length <= 2
    ? names.join(" and ")
    : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `Every call of ${list} failed.`;
}

/** Picks the arm with the best point estimate: highest win rate, or lowest median. */
function leaderOf(metric: Metric, inputs: WinnerInputs, arms: readonly string[]): string {
  if (metric === "quality") {
    const rates = (inputs.quality?.arms ?? []).filter((arm) => arms.includes(arm.arm_id));
    const best = rates.filter((arm) => !Number.isNaN(arm.win_rate))
      .sort((x, y) => y.win_rate - x.win_rate)[0];
    return best?.arm_id ?? arms[0]!;
  }
  const comparisons = (metric === "latency" ? inputs.latency : inputs.cost) ?? [];
  const medians = new Map<string, number>();
  for (const comparison of comparisons) {
    if (comparison.median_a !== null) medians.set(comparison.arm_a, comparison.median_a);
    if (comparison.median_b !== null) medians.set(comparison.arm_b, comparison.median_b);
  }
  return arms.filter((arm) => medians.has(arm))
    .sort((x, y) => medians.get(x)! - medians.get(y)!)[0] ?? arms[0]!;
}

function estimateSampleSize(
  metric: Metric,
  inputs: WinnerInputs,
  test: PairwiseTest,
): SampleSizeEstimate | null {
  const family = inputs.tests.filter((t) => !Number.isNaN(t.p_value)).length;
  const levels: Levels = { alpha: DEFAULT_ALPHA, corrected: DEFAULT_ALPHA / Math.max(1, family) };
  const base = { arm_a: test.arm_a, arm_b: test.arm_b };
  if (metric === "quality") {
    const pair = inputs.quality?.pairs.find((p) =>
      p.arm_a === test.arm_a && p.arm_b === test.arm_b
    );
    if (!pair || pair.decisive_n === 0) return null;
    // The sign test uses decisive verdicts only, so scale by their share of all rated pairs.
    const effect = proportionEffectSize(pair.decisive_win_rate, 0.5);
    const current = pair.n + pair.both_bad;
    const estimate = { ...base, effect_size: effect, unit: "rated pairs" as const, current };
    return planSampleSize(
      estimate,
      levels,
      (alpha) => requiredSampleSize(effect, { alpha }) * current / pair.decisive_n,
    );
  }

  const comparisons = (metric === "latency" ? inputs.latency : inputs.cost) ?? [];
  const comparison = comparisons.find((c) => c.arm_a === test.arm_a && c.arm_b === test.arm_b);
  if (!comparison || Number.isNaN(comparison.effect_size)) return null;
  const effect = comparison.effect_size;
  const unit = comparison.paired ? "matched cases" : "calls per arm";
  const current = comparison.paired ? comparison.n_pairs : Math.min(comparison.n_a, comparison.n_b);
  const design = comparison.paired ? "one-sample" : "two-sample";
  return planSampleSize(
    { ...base, effect_size: effect, unit, current },
    levels,
    (alpha) => requiredSampleSize(effect, { alpha, design }),
  );
}

/**
 * Solves the sample size at both levels and sets the basis. An infinite
 * effect comes from a zero spread and a zero effect from equal means or win
 * rates: neither gives a size.
 */
function planSampleSize(
  estimate: Pick<SampleSizeEstimate, "arm_a" | "arm_b" | "effect_size" | "unit" | "current">,
  levels: Levels,
  solve: (alpha: number) => number,
): SampleSizeEstimate {
  const unknown = { needed: null, additional: null, needed_corrected: null };
  if (!Number.isFinite(estimate.effect_size)) {
    return { ...estimate, basis: "zero-spread", ...unknown, additional_corrected: null };
  }
  if (estimate.effect_size === 0) {
    return { ...estimate, basis: "zero-effect", ...unknown, additional_corrected: null };
  }

  const needed = Math.ceil(solve(levels.alpha));
  const corrected = Math.ceil(solve(levels.corrected));
  const more = (total: number) => total > estimate.current ? total - estimate.current : null;
  return {
    ...estimate,
    basis: needed > estimate.current ? "estimated" : "not-above-current",
    needed,
    additional: more(needed),
    needed_corrected: corrected,
    additional_corrected: more(corrected),
  };
}

/** States how much more data would detect the observed effect, or why no estimate is given. */
function describeSampleSize(size: SampleSizeEstimate, family: number): string {
  const power = `${DEFAULT_POWER * 100}% power`;
  switch (size.basis) {
    case "zero-effect":
      return "The observed difference is zero, so no sample size would detect it.";
    case "zero-spread": {
      const values = size.unit === "matched cases"
        ? "differences between matched cases"
        : "values within each arm";
      return `The ${values} do not vary, so the data cannot estimate the sample size needed ` +
        "to detect the difference.";
    }
    case "not-above-current":
      return `A normal approximation at ${power} and alpha ${DEFAULT_ALPHA} puts the need at ` +
        `${quantity(size.needed!, size.unit)}, no more than the ${count(size.current)} already ` +
        "there, although the test is not significant. The approximation does not fit these " +
        `data, so the number of ${size.unit} needed is unknown.`;
    case "estimated":
      if (family <= 1) {
        return `Detecting the observed effect at ${power} needs about ` +
          `${count(size.additional!)} more ${size.unit} at alpha ${DEFAULT_ALPHA} ` +
          `(${count(size.needed!)} in total). This is an estimate from a normal approximation.`;
      }
      return `Detecting the observed effect at ${power} needs about ` +
        `${count(size.additional!)} more ${size.unit} at alpha ${DEFAULT_ALPHA} ` +
        `(${count(size.needed!)} in total), or ${count(size.additional_corrected!)} more ` +
        `at alpha ${DEFAULT_ALPHA}/${family}, the strictest level of the correction over ` +
        `${family} tests (${count(size.needed_corrected!)} in total). Both are estimates ` +
        "from a normal approximation.";
  }
}

function count(value: number): string {
  return value.toLocaleString("en-US");
}

const SINGULAR_UNITS: Record<SampleSizeEstimate["unit"], string> = {
  "rated pairs": "rated pair",
  "calls per arm": "call per arm",
  "matched cases": "matched case",
};

/** Formats a count with its unit, singular for 1, such as "1 matched case". */
function quantity(value: number, unit: SampleSizeEstimate["unit"]): string {
  return `${count(value)} ${value === 1 ? SINGULAR_UNITS[unit] : unit}`;
}

/** Formats an upper bound on p-values, such as "p <= 0.0123" or "p < 0.0001". */
function pBound(p: number): string {
  if (p < 1e-4) return "p < 0.0001";
  return `p <= ${formatP(p)}`;
}

/** Formats a p-value with three significant digits, or "< 0.0001". */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return "n/a";
  if (p < 1e-4) return "< 0.0001";
  return p.toPrecision(3).replace(/\.?0+$/, "");
}
