/**
 * The rule that picks one stored result per call key, as DuckDB SQL and as
 * the same rule in TypeScript for stores that keep rows in memory.
 *
 * A call key can have several stored rows when a run is resumed with
 * `--retry-errors`: the earlier error stays in its Parquet file and the retry
 * appends a new row. The rule keeps a success over an error, then the row
 * that finished last, then the row written last.
 *
 * @module
 */
import type { TestResult } from "../schema/mod.ts";

/**
 * Name of the column that orders rows by write time inside a relation passed
 * to {@linkcode latestResultsSql}. Any orderable type works: FsStore uses a
 * struct of (file name, row number in file), the in-memory path a row index.
 */
export const WRITE_ORDER_COLUMN = "_write_order";

/**
 * `ORDER BY` terms ranking the rows of one call key, best first. Timestamps
 * are stored as ISO 8601 strings, so they are cast to TIMESTAMPTZ here: the
 * string order is wrong when two rows use different fractional precision.
 */
export const LATEST_RESULT_ORDER_SQL =
  `(error_class IS NULL) DESC, CAST(finished_at AS TIMESTAMPTZ) DESC, ${WRITE_ORDER_COLUMN} DESC`;

/**
 * Build a query that keeps one row per call key from `relation` and drops
 * the write-order column. Rows come in no particular order.
 *
 * @param relation A table name or a parenthesized subquery with the
 *   `TestResult` columns plus {@linkcode WRITE_ORDER_COLUMN}.
 * @returns A SELECT statement, usable as a view body.
 * @example
 * ```ts
 * const sql = latestResultsSql("raw_results");
 * ```
 */
export function latestResultsSql(relation: string): string {
  return `SELECT * EXCLUDE (${WRITE_ORDER_COLUMN}) FROM ${relation}
QUALIFY row_number() OVER (PARTITION BY call_key ORDER BY ${LATEST_RESULT_ORDER_SQL}) = 1`;
}

/**
 * Keep one result per call key by the same rule as
 * {@linkcode latestResultsSql}, taking `rows` in write order.
 *
 * @param rows Every stored row, oldest write first.
 * @returns One row per call key, sorted by call key.
 */
export function latestResults(rows: readonly TestResult[]): TestResult[] {
  const best = new Map<string, TestResult>();
  for (const row of rows) {
    const current = best.get(row.call_key);
    if (current === undefined || !ranksBefore(current, row)) best.set(row.call_key, row);
  }
  return [...best.values()].sort((a, b) => compareStrings(a.call_key, b.call_key));
}

/** True when `earlier` (written first) outranks `later`; a full tie goes to the later write. */
function ranksBefore(earlier: TestResult, later: TestResult): boolean {
  const earlierOk = earlier.error_class === null;
  const laterOk = later.error_class === null;
  if (earlierOk !== laterOk) return earlierOk;
  return Date.parse(earlier.finished_at) > Date.parse(later.finished_at);
}

/** Order strings by UTF-8 bytes, as DuckDB orders VARCHAR values. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const bytesA = encoder.encode(a);
  const bytesB = encoder.encode(b);
  const length = Math.min(bytesA.length, bytesB.length);
  for (let i = 0; i < length; i++) {
    const diff = bytesA[i]! - bytesB[i]!;
    if (diff !== 0) return diff;
  }
  return bytesA.length - bytesB.length;
}

const encoder = new TextEncoder();
