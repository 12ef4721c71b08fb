/**
 * Welch's t-test for the difference of two means with unequal variances.
 *
 * @module
 */
import { studentTQuantile, studentTSf } from "./distributions.ts";

/** Result of a two-sided Welch t-test of mean(x) - mean(y). */
export interface WelchResult {
  /** mean(x) - mean(y). */
  mean_difference: number;
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value; NaN when a sample has fewer than 2 values or both variances are 0. */
  p_value: number;
  /** Confidence interval of the mean difference at the requested level. */
  ci: [number, number];
}

/**
 * Runs Welch's two-sided t-test, as SciPy's `ttest_ind(x, y, equal_var=False)`.
 *
 * @param x First sample.
 * @param y Second sample.
 * @param options.confidence Level of the interval on the mean difference. Default 0.95.
 * @returns t, degrees of freedom, p-value and interval; NaN where undefined.
 */
export function welchTTest(
  x: readonly number[],
  y: readonly number[],
  options: { confidence?: number } = {},
): WelchResult {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`Invalid confidence ${confidence}: expected a number in (0, 1).`);
  }

  const mx = mean(x);
  const my = mean(y);
  const difference = mx - my;
  if (x.length < 2 || y.length < 2) {
    return { mean_difference: difference, t: NaN, df: NaN, p_value: NaN, ci: [NaN, NaN] };
  }

  const vx = variance(x, mx) / x.length;
  const vy = variance(y, my) / y.length;
  const se = Math.sqrt(vx + vy);
  if (se === 0) {
    return { mean_difference: difference, t: NaN, df: NaN, p_value: NaN, ci: [NaN, NaN] };
  }
  const t = difference / se;
  const df = (vx + vy) ** 2 / (vx * vx / (x.length - 1) + vy * vy / (y.length - 1));
  const critical = studentTQuantile(1 - (1 - confidence) / 2, df);
  return {
    mean_difference: difference,
    t,
    df,
    p_value: Math.min(1, 2 * studentTSf(Math.abs(t), df)),
    ci: [difference - critical * se, difference + critical * se],
  };
}

/** Computes the arithmetic mean; NaN for an empty sample. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Computes the sample variance with n - 1 in the denominator, or NaN below 2
 * values. `center` is the mean, when the caller has already computed it.
 */
export function variance(values: readonly number[], center = mean(values)): number {
  if (values.length < 2) return Number.NaN;
  // The summed mean of equal values can miss them by an ulp, which would give
  // a variance near 1e-38 and a standardized effect near 1e16 instead of 0 and Infinity.
  if (values.every((value) => value === values[0])) return 0;
  let sum = 0;
  for (const value of values) sum += (value - center) ** 2;
  return sum / (values.length - 1);
}
