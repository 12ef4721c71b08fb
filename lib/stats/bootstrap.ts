/**
 * Seeded percentile bootstrap for differences of a statistic between two arms.
 *
 * @module
 */
import { quantileSorted, sortNumbers } from "./quantile.ts";
import { createRandom, randomInt } from "./random.ts";

/**
 * Resamples drawn by default. The Monte Carlo error of the bounds shrinks
 * with the square root of this count, so raise it when bounds must be stable
 * to more digits.
 */
export const DEFAULT_RESAMPLES = 2000;

/** Options of `bootstrapDifference`. */
export interface BootstrapOptions {
  /** Seed of the generator; the same seed gives the same interval. Default 0. */
  seed?: number;
  /** Number of resamples. Default 2,000. */
  resamples?: number;
  /** Confidence level in (0, 1). Default 0.95. */
  confidence?: number;
  /** Resample (x[i], y[i]) together; `x` and `y` must then have equal lengths. Default false. */
  paired?: boolean;
}

/** A point estimate with its bootstrap interval. */
export interface BootstrapEstimate {
  /** statistic(x) - statistic(y) on the full samples; NaN when a sample is empty. */
  estimate: number;
  /** Percentile interval; [NaN, NaN] when a sample is empty. */
  ci: [number, number];
  resamples: number;
  seed: number;
}

/**
 * Estimates statistic(x) - statistic(y) with a percentile bootstrap interval.
 * Without pairing each sample is resampled on its own; with pairing the index
 * set is resampled once and applied to both.
 *
 * @param x First sample.
 * @param y Second sample.
 * @param statistic Function of an ascending sorted sample, for example a quantile.
 * @param options Seed, resamples, level and pairing.
 * @returns The estimate and its interval.
 * @throws {RangeError} For invalid options or paired samples of different lengths.
 * @example
 * ```ts
 * const median = (sorted: ArrayLike<number>) => quantileSorted(sorted, 0.5);
 * const { ci } = bootstrapDifference([110, 130, 90], [80, 85, 70], median, { seed: 1 });
 * ```
 */
export function bootstrapDifference(
  x: readonly number[],
  y: readonly number[],
  statistic: (sorted: ArrayLike<number>) => number,
  options: BootstrapOptions = {},
): BootstrapEstimate {
  const seed = options.seed ?? 0;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  const paired = options.paired ?? false;
  validateBootstrapOptions(resamples, confidence);
  if (paired && x.length !== y.length) {
    throw new RangeError(
      `Invalid paired samples: lengths ${x.length} and ${y.length} differ; pass matched values.`,
    );
  }

  const estimate = statistic(sortNumbers(x)) - statistic(sortNumbers(y));
  if (x.length === 0 || y.length === 0) {
    return { estimate: Number.NaN, ci: [Number.NaN, Number.NaN], resamples, seed };
  }

  const random = createRandom(seed);
  const bufferX = new Float64Array(x.length);
  const bufferY = new Float64Array(y.length);
  const draws = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < x.length; i++) {
      const index = randomInt(random, x.length);
      bufferX[i] = x[index]!;
      if (paired) bufferY[i] = y[index]!;
    }
    if (!paired) {
      for (let i = 0; i < y.length; i++) bufferY[i] = y[randomInt(random, y.length)]!;
    }
    bufferX.sort();
    bufferY.sort();
    draws[r] = statistic(bufferX) - statistic(bufferY);
  }

  return { estimate, ci: percentileInterval(draws, confidence), resamples, seed };
}

/**
 * Estimates a statistic of one sample with a percentile bootstrap interval.
 *
 * @param values The sample.
 * @param statistic Function of an ascending sorted sample.
 * @param options Seed, resamples and level; `paired` does not apply.
 * @returns The estimate and its interval; NaN for an empty sample.
 */
export function bootstrapStatistic(
  values: readonly number[],
  statistic: (sorted: ArrayLike<number>) => number,
  options: Omit<BootstrapOptions, "paired"> = {},
): BootstrapEstimate {
  const seed = options.seed ?? 0;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  validateBootstrapOptions(resamples, confidence);
  if (values.length === 0) {
    return { estimate: Number.NaN, ci: [Number.NaN, Number.NaN], resamples, seed };
  }

  const random = createRandom(seed);
  const buffer = new Float64Array(values.length);
  const draws = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) buffer[i] = values[randomInt(random, values.length)]!;
    buffer.sort();
    draws[r] = statistic(buffer);
  }
  return {
    estimate: statistic(sortNumbers(values)),
    ci: percentileInterval(draws, confidence),
    resamples,
    seed,
  };
}

/** Computes the equal-tailed percentile interval of bootstrap draws. */
export function percentileInterval(draws: Float64Array, confidence: number): [number, number] {
  const sorted = draws.slice().sort();
  const tail = (1 - confidence) / 2;
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

/** Throws a RangeError for a resample count or confidence level that cannot work. */
export function validateBootstrapOptions(resamples: number, confidence: number): void {
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`Invalid resamples ${resamples}: expected a positive integer.`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`Invalid confidence ${confidence}: expected a number in (0, 1).`);
  }
}
