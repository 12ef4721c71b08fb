/**
 * The Mann-Whitney U test for two independent samples.
 *
 * @module
 */
import { normalSf } from "./distributions.ts";
import { rankWithTies, tieTerm } from "./rank.ts";

/** Result of a two-sided Mann-Whitney U test. */
export interface MannWhitneyResult {
  /** U statistic of the first sample: the number of (x, y) pairs with x > y, ties counting half. */
  u: number;
  /** Two-sided p-value; NaN when either sample is empty. */
  p_value: number;
  /** Method of the p-value: the exact null distribution or the normal approximation. */
  method: "exact" | "asymptotic";
  /** Probability that a value of x exceeds a value of y, ties counting half: U / (n1 * n2). */
  common_language_effect: number;
}

/**
 * Runs a two-sided Mann-Whitney U test and chooses the method as SciPy 1.10's
 * `mannwhitneyu(method="auto")` does. The exact null distribution is used when
 * either sample has at most 8 values and no value repeats. Otherwise the test
 * uses the normal approximation with the tie-corrected variance and a
 * continuity correction of 0.5.
 *
 * @param x First sample, finite numbers.
 * @param y Second sample, finite numbers.
 * @returns U of `x`, the two-sided p-value and the method; NaN p-value when a sample is empty.
 * @example
 * ```ts
 * const { p_value } = mannWhitneyU([1, 2, 3], [4, 5, 6]);
 * // p_value === 0.1
 * ```
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) {
    return {
      u: Number.NaN,
      p_value: Number.NaN,
      method: "asymptotic",
      common_language_effect: Number.NaN,
    };
  }

  const { ranks, tieSizes } = rankWithTies([...x, ...y]);
  let rankSum = 0;
  for (let i = 0; i < n1; i++) rankSum += ranks[i]!;
  const u1 = rankSum - n1 * (n1 + 1) / 2;
  const u2 = n1 * n2 - u1;
  const uMax = Math.max(u1, u2);
  const useExact = !(n1 > 8 && n2 > 8) && tieSizes.length === 0;

  let p: number;
  if (useExact) {
    p = 2 * exactUpperTail(Math.round(uMax), n1, n2);
  } else {
    const n = n1 + n2;
    const sigma = Math.sqrt(n1 * n2 / 12 * ((n + 1) - tieTerm(tieSizes) / (n * (n - 1))));
    // All values equal: sigma is 0 and U equals its mean, so there is no evidence either way.
    p = sigma === 0 ? 1 : 2 * normalSf((uMax - n1 * n2 / 2 - 0.5) / sigma);
  }

  return {
    u: u1,
    p_value: Math.min(1, Math.max(0, p)),
    method: useExact ? "exact" : "asymptotic",
    common_language_effect: u1 / (n1 * n2),
  };
}

/**
 * Computes P(U >= u) under the null hypothesis for samples of sizes m and n
 * from the Gaussian binomial coefficient [m + n choose m]_q, whose coefficient
 * of q^k counts the arrangements with U = k. Cost O(min(m, n) * m * n).
 */
export function exactUpperTail(u: number, m: number, n: number): number {
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  const degree = small * large;
  const counts = new Float64Array(degree + 1);
  counts[0] = 1;

  // After step i the array contains [large + i choose i]_q: multiply by
  // (1 - q^(large + i)) and then divide by (1 - q^i).
  for (let i = 1; i <= small; i++) {
    const shift = large + i;
    for (let k = degree; k >= shift; k--) counts[k]! -= counts[k - shift]!;
    for (let k = i; k <= degree; k++) counts[k]! += counts[k - i]!;
  }

  let total = 0;
  let tail = 0;
  for (let k = 0; k <= degree; k++) {
    total += counts[k]!;
    if (k >= u) tail += counts[k]!;
  }
  return tail / total;
}
