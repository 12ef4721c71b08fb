/**
 * Seeded percentile bootstrap of quantiles and means, for one arm or for the
 * difference between two arms.
 *
 * A resample is drawn as a count per original value rather than as a new
 * array, so its quantiles come from one walk over the values in sorted order.
 * A resample then costs O(n) instead of the O(n log n) of sorting it.
 *
 * @module
 */
import { quantileSorted } from "./quantile.ts";
import { createRandom, type RandomSource } from "./random.ts";

/**
 * Resamples drawn by default. The Monte Carlo error of the bounds shrinks
 * with the square root of this count, so raise it when bounds must be stable
 * to more digits.
 */
export const DEFAULT_RESAMPLES = 2000;

/**
 * Values drawn per bootstrap call (resamples times sample size) above which
 * the resample count is reduced, so that a report over large runs stays fast.
 * Measured: 2,000,000 draws (200 resamples of 10,000 values, median) took
 * about 0.2 s on a shared 2-core machine under Deno 2.9.
 */
export const BOOTSTRAP_DRAW_BUDGET = 2_000_000;
/** Minimum number of resamples the draw budget can reduce a bootstrap to. */
export const MIN_RESAMPLES = 200;

/** A statistic the bootstrap can compute: a quantile (DuckDB's `quantile_cont`) or the mean. */
export type BootstrapStatistic = { quantile: number } | "mean";

/** Options of `bootstrapDifference` and `bootstrapStatistics`. */
export interface BootstrapOptions {
  /** Seed of the generator; the same seed gives the same interval. Default 0. */
  seed?: number;
  /**
   * Number of resamples. Default 2,000. Large samples get fewer, so that
   * resamples times sample size stays within `BOOTSTRAP_DRAW_BUDGET`, but never
   * fewer than `MIN_RESAMPLES`. Each estimate reports the count it used.
   */
  resamples?: number;
  /** Confidence level in (0, 1). Default 0.95. */
  confidence?: number;
  /** Resample (x[i], y[i]) together; `x` and `y` must then have equal lengths. Default false. */
  paired?: boolean;
}

/** A point estimate with its bootstrap interval. */
export interface BootstrapEstimate {
  /** The statistic on the full sample, or statistic(x) - statistic(y); NaN when a sample is empty. */
  estimate: number;
  /** Percentile interval; [NaN, NaN] when a sample is empty. */
  ci: [number, number];
  resamples: number;
  seed: number;
}

/**
 * Estimates statistic(x) - statistic(y) for each statistic, with percentile
 * bootstrap intervals from the same resamples. Without pairing each sample is
 * resampled on its own. With pairing one set of indexes is drawn and applied
 * to both samples.
 *
 * @param x First sample, finite numbers.
 * @param y Second sample, finite numbers.
 * @param statistics Quantiles and means to compare.
 * @param options Seed, resamples, level and pairing.
 * @returns One estimate per statistic, in order.
 * @throws {RangeError} For invalid options or paired samples of different lengths.
 * @example
 * ```ts
 * const [median, p95] = bootstrapDifference([110, 130, 90], [80, 85, 70], [
 *   { quantile: 0.5 },
 *   { quantile: 0.95 },
 * ], { seed: 1 });
 * ```
 */
export function bootstrapDifference(
  x: readonly number[],
  y: readonly number[],
  statistics: readonly BootstrapStatistic[],
  options: BootstrapOptions = {},
): BootstrapEstimate[] {
  const paired = options.paired ?? false;
  const { seed, resamples, confidence } = resolveOptions(
    options,
    x.length + (paired ? 0 : y.length),
  );
  if (paired && x.length !== y.length) {
    throw new RangeError(
      `Invalid paired samples: lengths ${x.length} and ${y.length} differ; pass matched values.`,
    );
  }
  if (x.length === 0 || y.length === 0) return statistics.map(() => empty(resamples, seed));

  const sampleX = new SortedSample(x);
  const sampleY = new SortedSample(y);
  const random = createRandom(seed);
  const draws = statistics.map(() => new Float64Array(resamples));
  for (let r = 0; r < resamples; r++) {
    sampleX.resample(random);
    if (paired) sampleY.counts.set(sampleX.counts);
    else sampleY.resample(random);
    statistics.forEach((statistic, s) => {
      draws[s]![r] = sampleX.statistic(statistic, true) - sampleY.statistic(statistic, true);
    });
  }

  return statistics.map((statistic, s) => ({
    estimate: sampleX.statistic(statistic, false) - sampleY.statistic(statistic, false),
    ci: percentileInterval(draws[s]!, confidence),
    resamples,
    seed,
  }));
}

/**
 * Estimates statistics of one sample with percentile bootstrap intervals.
 *
 * @param values The sample, finite numbers.
 * @param statistics Quantiles and means to estimate.
 * @param options Seed, resamples and level; `paired` does not apply.
 * @returns One estimate per statistic; NaN for an empty sample.
 */
export function bootstrapStatistics(
  values: readonly number[],
  statistics: readonly BootstrapStatistic[],
  options: Omit<BootstrapOptions, "paired"> = {},
): BootstrapEstimate[] {
  const { seed, resamples, confidence } = resolveOptions(options, values.length);
  if (values.length === 0) return statistics.map(() => empty(resamples, seed));

  const sample = new SortedSample(values);
  const random = createRandom(seed);
  const draws = statistics.map(() => new Float64Array(resamples));
  for (let r = 0; r < resamples; r++) {
    sample.resample(random);
    statistics.forEach((statistic, s) => draws[s]![r] = sample.statistic(statistic, true));
  }
  return statistics.map((statistic, s) => ({
    estimate: sample.statistic(statistic, false),
    ci: percentileInterval(draws[s]!, confidence),
    resamples,
    seed,
  }));
}

/** A sample with its sorted order and the counts of the current resample. */
class SortedSample {
  /** Indexes of the values in ascending order of value. */
  readonly order: Uint32Array;
  /** Times each original value appears in the current resample. */
  readonly counts: Uint32Array;

  constructor(readonly values: readonly number[]) {
    this.order = Uint32Array.from(values.keys()).sort((i, j) => values[i]! - values[j]!);
    this.counts = new Uint32Array(values.length);
  }

  /** Draws a new resample of the same size, with replacement. */
  resample(random: RandomSource): void {
    const counts = this.counts;
    const n = counts.length;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]!++;
  }

  /** Computes a statistic of the current resample, or of the sample itself when `resampled` is false. */
  statistic(statistic: BootstrapStatistic, resampled: boolean): number {
    const values = this.values;
    const counts = this.counts;
    const order = this.order;
    const n = values.length;
    if (statistic === "mean") {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (resampled ? counts[i]! : 1) * values[i]!;
      return sum / n;
    }
    if (!resampled) {
      return quantileSorted(Array.from(order, (index) => values[index]!), statistic.quantile);
    }

    // Find the values at ranks floor and ceil of (n - 1) * p in the resample, then interpolate.
    const position = (n - 1) * statistic.quantile;
    const lowerRank = Math.floor(position);
    const upperRank = Math.ceil(position);
    let seen = 0;
    let k = 0;
    while (seen <= lowerRank) seen += counts[order[k++]!]!;
    const lower = values[order[k - 1]!]!;
    while (seen <= upperRank) seen += counts[order[k++]!]!;
    const upper = values[order[k - 1]!]!;
    return lower + (upper - lower) * (position - lowerRank);
  }
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

function resolveOptions(options: Omit<BootstrapOptions, "paired">, drawsPerResample: number) {
  const seed = options.seed ?? 0;
  const requested = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  validateBootstrapOptions(requested, confidence);
  const affordable = Math.floor(BOOTSTRAP_DRAW_BUDGET / Math.max(1, drawsPerResample));
  const resamples = Math.min(requested, Math.max(MIN_RESAMPLES, affordable));
  return { seed, resamples, confidence };
}

function empty(resamples: number, seed: number): BootstrapEstimate {
  return { estimate: Number.NaN, ci: [Number.NaN, Number.NaN], resamples, seed };
}
