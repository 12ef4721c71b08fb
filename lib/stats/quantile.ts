/**
 * Exact percentiles with the sample size beside every figure and a warning
 * when the sample is too small for the percentile to mean much.
 *
 * @module
 */

/**
 * Name of the quantile method used for every percentile in a report. It is
 * DuckDB's `quantile_cont`, the same as NumPy's default `linear` method and
 * Hyndman and Fan's type 7.
 */
export const QUANTILE_METHOD =
  "quantile_cont: linear interpolation between the closest ranks at (n - 1) * p (Hyndman-Fan type 7)";

/**
 * Computes the exact quantile of sorted values by linear interpolation at
 * position (n - 1) * p, as DuckDB's `quantile_cont` does.
 *
 * @param sorted Values in ascending order.
 * @param p Probability in [0, 1].
 * @returns The quantile; NaN when `sorted` is empty.
 * @throws {RangeError} When `p` is outside [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`Invalid quantile probability ${p}: expected a number in [0, 1].`);
  }
  if (sorted.length === 0) return Number.NaN;

  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  if (upper === lower) return low;
  return low + (sorted[upper]! - low) * (position - lower);
}

/** Computes the quantile of unsorted values; see `quantileSorted`. */
export function quantile(values: readonly number[], p: number): number {
  return quantileSorted(sortNumbers(values), p);
}

/** Returns a sorted copy of the values in ascending numeric order. */
export function sortNumbers(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** One percentile with its sample size and an optional small-sample warning. */
export interface Percentile {
  /** Probability in [0, 1], for example 0.95 for p95. */
  p: number;
  /** Quantile value; null when there are no values. */
  value: number | null;
  /** Number of values the percentile was computed from. */
  n: number;
  /** Smallest n at which at least one value is expected above the percentile. */
  min_n: number;
  /** Set when n is below `min_n`, because the figure is then an interpolation near the maximum. */
  warning: string | null;
}

/**
 * Computes the smallest sample size at which a percentile is more than the
 * sample maximum in disguise: n * (1 - p) >= 1, so 100 for p99 and 20 for p95.
 */
export function minSampleSize(p: number): number {
  if (p >= 1) return Infinity;
  return Math.ceil(1 / (1 - p) - 1e-9);
}

/**
 * Computes percentiles with n beside each and a warning for small samples.
 *
 * @param values Sample; NaN and null are not allowed, filter them first.
 * @param options.percentiles Probabilities to report. Default p50, p95, p99.
 * @returns One `Percentile` per requested probability.
 * @throws {RangeError} When a value is not finite or a probability is outside [0, 1].
 * @example
 * ```ts
 * const [p50] = percentiles([120, 80, 95], { percentiles: [0.5] });
 * // p50.value === 95, p50.n === 3, p50.warning === null
 * ```
 */
/**
 * Rounds a computed statistic to 12 significant digits. DuckDB and this
 * module interpolate quantiles in different operation orders, so the same
 * p95 can come out as 969.85 and 969.8499999999999; rounding off the last
 * bits makes both report the same value.
 */
export function roundStatistic(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

export function percentiles(
  values: readonly number[],
  options: { percentiles?: readonly number[] } = {},
): Percentile[] {
  const probabilities = options.percentiles ?? [0.5, 0.95, 0.99];
  for (const value of values) {
    if (!Number.isFinite(value)) {
      throw new RangeError(`Invalid sample value ${value}: expected finite numbers only.`);
    }
  }

  const sorted = sortNumbers(values);
  return probabilities.map((p) => {
    const value = quantileSorted(sorted, p);
    const minN = minSampleSize(p);
    const label = formatPercentileLabel(p);
    let warning: string | null = null;
    if (sorted.length === 0) warning = `${label} has no values.`;
    else if (sorted.length < minN) {
      warning = `${label} from n=${sorted.length} is unreliable: at least ${minN} values are ` +
        `needed for one value to be expected above it.`;
    }
    return {
      p,
      value: Number.isNaN(value) ? null : roundStatistic(value),
      n: sorted.length,
      min_n: minN,
      warning,
    };
  });
}

/** Formats a probability as a percentile label, for example 0.95 as "p95". */
export function formatPercentileLabel(p: number): string {
  return `p${Number((p * 100).toFixed(6))}`;
}
