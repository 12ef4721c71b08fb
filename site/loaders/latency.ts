/**
 * Latency summaries the dashboard ships instead of raw rows: overall
 * percentiles and a shared-bin histogram per arm, so the page stays small for
 * tests with 100,000 results.
 *
 * @module
 */
import { quantileSorted, sortNumbers, type TestResult } from "../../lib/mod.ts";

/** Bins per histogram; enough to show a lognormal shape, small enough to stay readable. */
export const HISTOGRAM_BINS = 40;

/** Upper edge of the histogram as a percentile of every latency; slower calls go in the last bin. */
const HISTOGRAM_UPPER_P = 0.995;

/** One histogram bin of one arm. */
export interface LatencyBin {
  arm_id: string;
  /** Lower edge in milliseconds, inclusive. */
  x0: number;
  /** Upper edge in milliseconds; exclusive except for the last bin. */
  x1: number;
  count: number;
}

/** Latency histogram of every arm over the same bins. */
export interface LatencyHistogram {
  bins: LatencyBin[];
  /** Calls slower than the last bin's upper edge, counted in the last bin. */
  clipped: number;
  /** Upper edge of the last bin in milliseconds. */
  upper_ms: number;
}

/** Overall latency percentiles over successful, uncached calls of every arm. */
export interface OverallLatency {
  n: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

/** Latencies that count: successful calls not served from the response cache. */
export function countedLatencies(results: readonly TestResult[]): Map<string, number[]> {
  const byArm = new Map<string, number[]>();
  for (const row of results) {
    if (row.error_class !== null || row.from_cache || row.latency_ms === null) continue;
    const list = byArm.get(row.arm_id);
    if (list) list.push(row.latency_ms);
    else byArm.set(row.arm_id, [row.latency_ms]);
  }
  return byArm;
}

/** Computes p50, p95 and p99 over every arm's counted latencies. */
export function overallLatency(byArm: ReadonlyMap<string, readonly number[]>): OverallLatency {
  const sorted = sortNumbers([...byArm.values()].flat());
  const at = (p: number) => (sorted.length === 0 ? null : quantileSorted(sorted, p));
  return { n: sorted.length, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99) };
}

/**
 * Counts each arm's latencies into `bins` equal-width bins from 0 to the
 * 99.5th percentile of all latencies.
 */
export function latencyHistogram(
  byArm: ReadonlyMap<string, readonly number[]>,
  bins = HISTOGRAM_BINS,
): LatencyHistogram {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  }

  const sorted = sortNumbers([...byArm.values()].flat());
  if (sorted.length === 0) return { bins: [], clipped: 0, upper_ms: 0 };
  const upper = Math.max(quantileSorted(sorted, HISTOGRAM_UPPER_P), Number.EPSILON);
  const width = upper / bins;

  const out: LatencyBin[] = [];
  let clipped = 0;
  for (const [armId, values] of [...byArm].sort(([a], [b]) => a.localeCompare(b))) {
    const counts = new Array<number>(bins).fill(0);
    for (const value of values) {
      if (value > upper) clipped++;
      const index = Math.min(bins - 1, Math.floor(value / width));
      counts[index]!++;
    }
    counts.forEach((count, i) => {
      out.push({ arm_id: armId, x0: i * width, x1: (i + 1) * width, count });
    });
  }
  return { bins: out, clipped, upper_ms: upper };
}
