/**
 * Why calls failed: per arm, the most frequent error classes and messages,
 * computed in DuckDB over one stored row per call key, so a call that failed
 * and then succeeded on a retry does not count as an error.
 *
 * @module
 */
import { type ArmErrorSummary, ArmErrorSummarySchema } from "../schema/mod.ts";
import { type AggregateOptions, type AggregateSource, queryLatestResults } from "./aggregate.ts";

/** Class and message pairs listed per arm by default; the rest are summed. */
export const DEFAULT_ERROR_KINDS = 3;

/** Options for {@linkcode summarizeErrors}. */
export interface ErrorSummaryOptions extends Pick<AggregateOptions, "db" | "signal"> {
  /** Class and message pairs listed per arm, a positive integer. Default 3. */
  kinds?: number;
}

/**
 * Groups each arm's failed calls by error class and message and lists the
 * most frequent pairs, most calls first. Ties are ordered by class, then by
 * message. The remaining failed calls are summed in `other_n`.
 *
 * @param source Parquet part files (`store.resultFiles()`) or rows, in write order.
 * @param options Pairs listed per arm, a DuckDB instance and an abort signal.
 * @returns One entry per arm with at least one failed call, sorted by arm id.
 * @throws {RangeError} When `options.kinds` is not a positive integer.
 * @throws {DOMException} `AbortError` when `options.signal` is aborted.
 * @example
 * ```ts
 * const errors = await summarizeErrors({ rows: await store.readResults(test.id) });
 * ```
 */
export async function summarizeErrors(
  source: AggregateSource,
  options: ErrorSummaryOptions = {},
): Promise<ArmErrorSummary[]> {
  const kinds = options.kinds ?? DEFAULT_ERROR_KINDS;
  if (!Number.isInteger(kinds) || kinds < 1) {
    throw new RangeError(`Invalid kinds ${kinds}: expected a positive integer.`);
  }

  // A key's latest row is an error only if the key has an error row, so the
  // ranking runs over those keys alone.
  const rows = await queryLatestResults(source, errorSummarySql(kinds), {
    ...options,
    keysWith: "error_class IS NOT NULL",
  });
  return rows.map((row) =>
    ArmErrorSummarySchema.parse(JSON.parse(JSON.stringify(row, bigintsAsNumbers)))
  );
}

/** Builds the query over `latest_results`; `kinds` is a checked integer, so it is inlined. */
function errorSummarySql(kinds: number): string {
  return `
WITH pairs AS (
  SELECT arm_id, error_class, error_message, count(*) AS n
  FROM latest_results
  WHERE error_class IS NOT NULL
  GROUP BY arm_id, error_class, error_message
), ranked AS (
  SELECT *, row_number() OVER (
    PARTITION BY arm_id ORDER BY n DESC, error_class, error_message NULLS LAST
  ) AS position
  FROM pairs
)
SELECT
  arm_id,
  sum(n) AS errors,
  list({'error_class': error_class, 'error_message': error_message, 'n': n} ORDER BY position)
    FILTER (WHERE position <= ${kinds}) AS most_frequent,
  coalesce(sum(n) FILTER (WHERE position > ${kinds}), 0) AS other_n,
  count(*) FILTER (WHERE position > ${kinds}) AS other_kinds
FROM ranked
GROUP BY arm_id
ORDER BY arm_id`;
}

/** Converts DuckDB BIGINT and HUGEINT values, which `getRowObjectsJS()` returns as bigint, to numbers. */
function bigintsAsNumbers(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}
