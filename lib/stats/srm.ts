/**
 * Sample ratio mismatch (SRM) check for split traffic.
 *
 * @module
 */
import { chiSquareSf } from "./distributions.ts";

/** p-value below which the observed split is flagged; a common SRM threshold because checks run often. */
export const SRM_ALPHA = 0.001;

/** Outcome of a sample ratio mismatch check. */
export interface SrmResult {
  /** Observed count per arm. */
  observed: Record<string, number>;
  /** Expected count per arm from the configured weights. */
  expected: Record<string, number>;
  /** Pearson chi-square statistic. */
  chi_square: number;
  /** Degrees of freedom: arms with a positive weight, minus 1. */
  df: number;
  p_value: number;
  /** True when p < `SRM_ALPHA`: the split differs from the weights and comparisons are not trustworthy. */
  mismatch: boolean;
}

/**
 * Tests observed arm counts against configured weights with a chi-square
 * goodness-of-fit test, as SciPy's `chisquare(observed, expected)`. An arm with
 * weight 0 that received traffic is a mismatch with p = 0.
 *
 * @param observed Count per arm id.
 * @param weights Weight per arm id (any positive scale); arms missing from `observed` count 0.
 * @returns Statistic, p-value and the mismatch flag; p is NaN when there are no counts.
 * @throws {RangeError} When a count or weight is negative or not finite, or all weights are 0.
 */
export function checkSampleRatio(
  observed: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
): SrmResult {
  for (const [arm, count] of Object.entries(observed)) {
    if (!(Number.isFinite(count) && count >= 0)) {
      throw new RangeError(`Invalid count ${count} for arm "${arm}": expected a number >= 0.`);
    }
  }
  let weightSum = 0;
  for (const [arm, weight] of Object.entries(weights)) {
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new RangeError(`Invalid weight ${weight} for arm "${arm}": expected a number >= 0.`);
    }
    weightSum += weight;
  }
  if (weightSum === 0) throw new RangeError("Invalid weights: at least one must be positive.");

  const arms = [...new Set([...Object.keys(weights), ...Object.keys(observed)])].sort();
  const total = arms.reduce((sum, arm) => sum + (observed[arm] ?? 0), 0);
  const observedOut: Record<string, number> = {};
  const expectedOut: Record<string, number> = {};
  let chiSquare = 0;
  let positiveArms = 0;
  let trafficWithoutWeight = false;
  for (const arm of arms) {
    const count = observed[arm] ?? 0;
    const expected = total * (weights[arm] ?? 0) / weightSum;
    observedOut[arm] = count;
    expectedOut[arm] = expected;
    if ((weights[arm] ?? 0) > 0) {
      positiveArms++;
      chiSquare += (count - expected) ** 2 / expected;
    } else if (count > 0) trafficWithoutWeight = true;
  }

  const df = positiveArms - 1;
  let pValue: number;
  if (total === 0) pValue = Number.NaN;
  else if (trafficWithoutWeight) {
    chiSquare = Infinity;
    pValue = 0;
  } else pValue = df === 0 ? 1 : chiSquareSf(chiSquare, df);

  return {
    observed: observedOut,
    expected: expectedOut,
    chi_square: total === 0 ? Number.NaN : chiSquare,
    df,
    p_value: pValue,
    mismatch: pValue < SRM_ALPHA,
  };
}
