/**
 * Sample sizes needed to detect an observed effect, from the power of a
 * two-sided z-test.
 *
 * @module
 */
import { normalCdf, normalQuantile, normalSf } from "./distributions.ts";

/** Significance level the sample size is planned for. */
export const DEFAULT_ALPHA = 0.05;
/** Probability of detecting the effect that the sample size is planned for. */
export const DEFAULT_POWER = 0.8;

/** Options of `requiredSampleSize`. */
export interface SampleSizeOptions {
  /** Two-sided significance level. Default 0.05. */
  alpha?: number;
  /** Target power. Default 0.8. */
  power?: number;
  /**
   * `one-sample`: the effect is measured in one sample of n (a win rate
   * against 1/2, or paired differences). `two-sample`: two independent samples
   * of n each. Default `one-sample`.
   */
  design?: "one-sample" | "two-sample";
}

/**
 * Computes the power of a two-sided z-test at standardized effect `effect`,
 * counting both rejection regions, as statsmodels' `NormalIndPower().power`
 * (ratio 0 for one sample, ratio 1 for two samples of n each).
 */
export function normalTestPower(
  effect: number,
  n: number,
  options: SampleSizeOptions = {},
): number {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const effectiveN = options.design === "two-sample" ? n / 2 : n;
  const critical = normalQuantile(1 - alpha / 2);
  const shift = effect * Math.sqrt(effectiveN);
  return normalSf(critical - shift) + normalCdf(-critical - shift);
}

/**
 * Computes the sample size at which a two-sided z-test reaches the target
 * power for a standardized effect (Cohen's d or h), as statsmodels'
 * `NormalIndPower().solve_power`. The result is fractional; round it up.
 *
 * @param effect Standardized effect size; its sign does not matter.
 * @param options Level, power and design.
 * @returns n per sample; Infinity when the effect is 0; NaN when it is NaN.
 * @throws {RangeError} When alpha or power is outside (0, 1), or power is not above alpha.
 * @example
 * ```ts
 * requiredSampleSize(proportionEffectSize(0.6, 0.5)); // about 194 decisive pairs
 * ```
 */
export function requiredSampleSize(effect: number, options: SampleSizeOptions = {}): number {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const power = options.power ?? DEFAULT_POWER;
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`Invalid alpha ${alpha}: expected a number in (0, 1).`);
  }
  if (!(power > alpha && power < 1)) {
    throw new RangeError(`Invalid power ${power}: expected a number in (alpha, 1).`);
  }
  if (Number.isNaN(effect)) return Number.NaN;
  if (effect === 0) return Infinity;

  const size = Math.abs(effect);
  // The one-tail closed form is a close upper bound; bisection adds the far tail.
  const guess = ((normalQuantile(1 - alpha / 2) + normalQuantile(power)) / size) ** 2 *
    (options.design === "two-sample" ? 2 : 1);
  let low = 0;
  let high = guess * 1.01 + 1e-9;
  while (normalTestPower(size, high, options) < power) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-13 * high; i++) {
    const mid = (low + high) / 2;
    if (normalTestPower(size, mid, options) < power) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Computes Cohen's h, the arcsine effect size between two proportions, as
 * statsmodels' `proportion_effectsize(p1, p2)`.
 */
export function proportionEffectSize(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
}
