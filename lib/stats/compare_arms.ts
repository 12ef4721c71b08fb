/**
 * Between-arm comparisons of a per-call metric such as latency or cost:
 * differences of medians and of p95 with bootstrap intervals, rank tests and
 * Welch's t-test, paired by case when the same cases ran on both arms.
 *
 * @module
 */
import { bootstrapDifference, type BootstrapEstimate, DEFAULT_RESAMPLES } from "./bootstrap.ts";
import { mannWhitneyU } from "./mann_whitney.ts";
import { quantileSorted, sortNumbers } from "./quantile.ts";
import { mean, variance, type WelchResult, welchTTest } from "./welch.ts";
import { wilcoxonSignedRank } from "./wilcoxon.ts";

/** Share of the smaller sample that must match by key before the comparison is paired. */
export const PAIRING_MIN_SHARE = 0.8;

/** One arm's values of a metric. */
export interface ArmSample {
  arm_id: string;
  /** Finite metric values, for example latency in ms or cost in USD per call. */
  values: readonly number[];
  /** Optional key per value (for example `case|repeat`) that pairs values across arms. */
  keys?: readonly string[];
}

/** Options of `compareArms`. */
export interface CompareArmsOptions {
  /** Seed of the bootstrap; each pair of arms uses seed + its index. Default 0. */
  seed?: number;
  /** Bootstrap resamples. Default 2,000. */
  resamples?: number;
  /** Confidence level of every interval. Default 0.95. */
  confidence?: number;
  /** `auto` pairs by key when enough keys match; `unpaired` never pairs. Default `auto`. */
  pairing?: "auto" | "unpaired";
}

/** Comparison of one metric between two arms; differences are arm_a minus arm_b. */
export interface ArmComparison {
  arm_a: string;
  arm_b: string;
  n_a: number;
  n_b: number;
  /** True when the values were matched by key and the paired tests were used. */
  paired: boolean;
  /** Matched pairs the paired analysis used; 0 when unpaired. */
  n_pairs: number;
  median_a: number | null;
  median_b: number | null;
  median_difference: BootstrapEstimate;
  p95_difference: BootstrapEstimate;
  /** Welch's t-test on the means of all values. */
  welch: WelchResult;
  /** Primary test behind `p_value`: Wilcoxon signed-rank when paired, otherwise Mann-Whitney U. */
  test: "wilcoxon-signed-rank" | "mann-whitney-u";
  test_method: string;
  /** Two-sided p-value of the primary test; NaN when it cannot run. */
  p_value: number;
  /** Standardized mean difference: Cohen's d (pooled SD) unpaired, d_z of the differences paired. */
  effect_size: number;
  /**
   * Reason the data cannot show a difference: `all-values` when every value
   * of both arms is the same, `matched-cases` when each matched case has the
   * same value on both arms. Null when the data can show one.
   */
  identical: Identical | null;
}

/** Reason two arms' values cannot differ; see `ArmComparison.identical`. */
export type Identical = "all-values" | "matched-cases";

/**
 * Compares every pair of arms on one metric. Pairs appear in input order
 * (first with second, first with third, and so on).
 *
 * @param samples One sample per arm.
 * @param options Bootstrap seed, resamples, level and pairing.
 * @returns One comparison per unordered pair of arms.
 * @throws {RangeError} When a value is not finite or keys and values differ in length.
 */
export function compareArms(
  samples: readonly ArmSample[],
  options: CompareArmsOptions = {},
): ArmComparison[] {
  const seed = options.seed ?? 0;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  const pairing = options.pairing ?? "auto";
  for (const sample of samples) validateSample(sample);

  const comparisons: ArmComparison[] = [];
  let index = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const bootstrap = { seed: seed + index, resamples, confidence };
      comparisons.push(compareTwo(samples[i]!, samples[j]!, pairing, bootstrap));
      index++;
    }
  }
  return comparisons;
}

function compareTwo(
  a: ArmSample,
  b: ArmSample,
  pairing: "auto" | "unpaired",
  bootstrap: { seed: number; resamples: number; confidence: number },
): ArmComparison {
  const matched = pairing === "auto" ? matchByKey(a, b) : undefined;
  const paired = matched !== undefined;
  const x = matched?.x ?? a.values;
  const y = matched?.y ?? b.values;

  const [medianDifference, p95Difference] = bootstrapDifference(
    x,
    y,
    [{ quantile: 0.5 }, { quantile: 0.95 }],
    { ...bootstrap, paired },
  );
  const welch = welchTTest(a.values, b.values, { confidence: bootstrap.confidence });

  let test: ArmComparison["test"];
  let testMethod: string;
  let pValue: number;
  let effectSize: number;
  let identical: Identical | null = allEqual([...a.values, ...b.values]) ? "all-values" : null;
  if (matched) {
    const differences = matched.x.map((value, k) => value - matched.y[k]!);
    const result = wilcoxonSignedRank(differences);
    test = "wilcoxon-signed-rank";
    testMethod = result.method;
    pValue = result.p_value;
    effectSize = standardize(mean(differences), Math.sqrt(variance(differences)));
    if (identical === null && differences.every((difference) => difference === 0)) {
      identical = "matched-cases";
    }
  } else {
    const result = mannWhitneyU(a.values, b.values);
    test = "mann-whitney-u";
    testMethod = result.method;
    pValue = result.p_value;
    effectSize = standardize(welch.mean_difference, pooledStandardDeviation(a.values, b.values));
  }

  return {
    arm_a: a.arm_id,
    arm_b: b.arm_id,
    n_a: a.values.length,
    n_b: b.values.length,
    paired,
    n_pairs: matched ? matched.x.length : 0,
    median_a: finiteOrNull(quantileSorted(sortNumbers(a.values), 0.5)),
    median_b: finiteOrNull(quantileSorted(sortNumbers(b.values), 0.5)),
    median_difference: medianDifference!,
    p95_difference: p95Difference!,
    welch,
    test,
    test_method: testMethod,
    p_value: pValue,
    effect_size: effectSize,
    identical,
  };
}

/** Matches values by key; undefined unless enough of the smaller sample matches. */
function matchByKey(a: ArmSample, b: ArmSample): { x: number[]; y: number[] } | undefined {
  if (!a.keys || !b.keys) return undefined;
  const byKey = new Map<string, number>();
  b.keys.forEach((key, k) => byKey.set(key, b.values[k]!));
  const x: number[] = [];
  const y: number[] = [];
  a.keys.forEach((key, k) => {
    const other = byKey.get(key);
    if (other !== undefined) {
      x.push(a.values[k]!);
      y.push(other);
    }
  });
  const smaller = Math.min(a.values.length, b.values.length);
  if (x.length < 2 || x.length < PAIRING_MIN_SHARE * smaller) return undefined;
  return { x, y };
}

function validateSample(sample: ArmSample): void {
  for (const value of sample.values) {
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `Invalid value ${value} for arm "${sample.arm_id}": expected finite numbers; drop nulls first.`,
      );
    }
  }
  if (sample.keys && sample.keys.length !== sample.values.length) {
    throw new RangeError(
      `Invalid keys for arm "${sample.arm_id}": ${sample.keys.length} keys for ` +
        `${sample.values.length} values; pass one key per value.`,
    );
  }
}

function pooledStandardDeviation(x: readonly number[], y: readonly number[]): number {
  if (x.length + y.length < 3) return Number.NaN;
  const vx = x.length > 1 ? variance(x) : 0;
  const vy = y.length > 1 ? variance(y) : 0;
  return Math.sqrt(((x.length - 1) * vx + (y.length - 1) * vy) / (x.length + y.length - 2));
}

function standardize(difference: number, sd: number): number {
  if (Number.isNaN(difference) || Number.isNaN(sd)) return Number.NaN;
  if (sd === 0) return difference === 0 ? 0 : Math.sign(difference) * Infinity;
  return difference / sd;
}

function allEqual(values: readonly number[]): boolean {
  return values.every((value) => value === values[0]);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
