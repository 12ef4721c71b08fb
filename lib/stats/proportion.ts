/**
 * Inference on proportions: Wilson score intervals and the exact sign test.
 *
 * @module
 */
import { binomialCdf, normalQuantile } from "./distributions.ts";

/**
 * Computes the Wilson score interval for a proportion, as statsmodels'
 * `proportion_confint(count, n, method="wilson")`. `successes` may be
 * fractional, so a win rate that counts ties as half a win can use it.
 *
 * @param successes Successes, between 0 and `n`.
 * @param n Trials; 0 gives [NaN, NaN].
 * @param options.confidence Level in (0, 1). Default 0.95.
 * @returns The interval [lower, upper].
 * @throws {RangeError} When `successes` is outside [0, n] or `confidence` outside (0, 1).
 */
export function wilsonInterval(
  successes: number,
  n: number,
  options: { confidence?: number } = {},
): [number, number] {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`Invalid confidence ${confidence}: expected a number in (0, 1).`);
  }
  if (!(successes >= 0 && successes <= n)) {
    throw new RangeError(`Invalid successes ${successes}: expected a number in [0, ${n}].`);
  }
  if (n === 0) return [Number.NaN, Number.NaN];

  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const rate = successes / n;
  const denominator = 1 + z2 / n;
  const center = (rate + z2 / (2 * n)) / denominator;
  const halfWidth = z * Math.sqrt(rate * (1 - rate) / n + z2 / (4 * n * n)) / denominator;
  return [center - halfWidth, center + halfWidth];
}

/**
 * Runs the exact two-sided sign test: a binomial test of `wins` out of
 * `wins + losses` against 1/2, as SciPy's `binomtest(wins, n, 0.5)`. Because
 * the null distribution is symmetric, the p-value is twice the smaller tail.
 *
 * @param wins Decisive outcomes for the first arm, a non-negative integer.
 * @param losses Decisive outcomes for the second arm, a non-negative integer.
 * @returns The two-sided p-value; NaN when there is no decisive outcome.
 */
export function signTest(wins: number, losses: number): number {
  if (!Number.isInteger(wins) || !Number.isInteger(losses) || wins < 0 || losses < 0) {
    throw new RangeError(
      `Invalid counts wins=${wins}, losses=${losses}: expected non-negative integers.`,
    );
  }
  const n = wins + losses;
  if (n === 0) return Number.NaN;
  if (wins === losses) return 1;
  return Math.min(1, 2 * binomialCdf(Math.min(wins, losses), n, 0.5));
}
