/**
 * Per-arm metrics of a test's results, computed in DuckDB over the stored
 * Parquet part files or over rows held in memory. Both inputs go through the
 * store's one-row-per-call-key rule first, so a retried call counts once.
 *
 * @module
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { type AggregateMetrics, AggregateMetricsSchema, type TestResult } from "../schema/mod.ts";
import { latestResultsSql } from "../store/latest_result.ts";
import { loadResults, parquetResultsRelation } from "../store/result_table.ts";
import { roundStatistic } from "./quantile.ts";

/** Results to aggregate: Parquet part files in write order, or rows in write order. */
export type AggregateSource =
  | { files: readonly string[] }
  | { rows: readonly TestResult[] };

/** An arm to report even when it has no stored result. */
export interface ArmRef {
  /** `variant/model`. */
  id: string;
  variant: { id: string };
  model: { id: string };
}

/** Options for {@linkcode aggregateResults}. */
export interface AggregateOptions {
  /**
   * Arms to report even without results, for example `listArms(test)`; such
   * an arm gets n = 0 and null statistics. Default: only arms with results.
   */
  arms?: readonly ArmRef[];
  /** DuckDB instance to run on, such as `FsStore.duckdb()`. Default: a new in-memory instance, closed afterwards. */
  db?: DuckDBInstance;
  /** Interrupts the query when aborted. */
  signal?: AbortSignal;
}

/**
 * The aggregation query over a relation of one row per call key. Latency
 * and streaming (TTFT, output tokens per second) statistics use successful
 * calls not served from the response cache. Token
 * sums and means use the calls that reported the count and are NULL when none
 * did. Cost per 1,000 calls is 1,000 times the mean over calls with a known cost.
 */
const METRICS_SQL = `
SELECT
  arm_id,
  any_value(variant_id) AS variant_id,
  any_value(model_id) AS model_id,
  count(*) AS n,
  count(*) FILTER (WHERE error_class IS NOT NULL) AS errors,
  count(*) FILTER (WHERE error_class IS NOT NULL) / count(*) AS error_rate,
  count(latency_ms) FILTER (WHERE live) AS latency_n,
  avg(latency_ms) FILTER (WHERE live) AS latency_mean_ms,
  quantile_cont(latency_ms, 0.5) FILTER (WHERE live) AS latency_p50_ms,
  quantile_cont(latency_ms, 0.95) FILTER (WHERE live) AS latency_p95_ms,
  quantile_cont(latency_ms, 0.99) FILTER (WHERE live) AS latency_p99_ms,
  count(ttft_ms) FILTER (WHERE live) AS ttft_n,
  quantile_cont(ttft_ms, 0.5) FILTER (WHERE live) AS ttft_p50_ms,
  quantile_cont(ttft_ms, 0.95) FILTER (WHERE live) AS ttft_p95_ms,
  quantile_cont(output_tokens_per_s, 0.5) FILTER (WHERE live) AS output_tokens_per_s_p50,
  sum(prompt_tokens) AS prompt_tokens_sum,
  sum(completion_tokens) AS completion_tokens_sum,
  sum(total_tokens) AS total_tokens_sum,
  avg(prompt_tokens) AS prompt_tokens_mean,
  avg(completion_tokens) AS completion_tokens_mean,
  sum(cost_usd) AS cost_usd_total,
  1000 * avg(cost_usd) AS cost_per_1k_calls_usd,
  count(*) FILTER (WHERE error_class IS NULL AND cost_usd IS NULL) AS cost_unknown_n,
  count(*) FILTER (
    WHERE error_class IS NULL AND cost_usd IS NULL
      AND (prompt_tokens IS NULL OR completion_tokens IS NULL)
  ) AS cost_no_usage_n,
  count(*) FILTER (WHERE from_cache) AS from_cache_n,
  count(*) FILTER (WHERE simulated) AS simulated_n
FROM (SELECT *, error_class IS NULL AND NOT from_cache AS live FROM latest_results)
GROUP BY arm_id
ORDER BY arm_id`;

/**
 * Compute per-arm metrics:
 * - n, errors and error rate;
 * - latency mean and exact p50 / p95 / p99;
 * - streaming TTFT p50 / p95 and median output tokens per second;
 * - token sums and means;
 * - known cost total and per 1,000 calls, null when no call has a known cost;
 * - counts of unknown-cost, cached and simulated calls.
 *
 * The percentiles use DuckDB's `quantile_cont`, which `QUANTILE_METHOD` names.
 *
 * `cost_unknown_n` counts successful calls without a cost, and
 * `cost_no_usage_n` those of them without reported token usage. Failed
 * calls usually have no usage, so they are not counted as unknown.
 *
 * @param source Parquet part files (`store.resultFiles()`) or rows (`store.readResults()`).
 * @param options Arms to include without results, a DuckDB instance, an abort signal.
 * @returns One entry per arm, sorted by arm id.
 * @throws {DOMException} `AbortError` when `options.signal` is aborted.
 * @example
 * ```ts
 * const files = await store.resultFiles(test.id);
 * const metrics = await aggregateResults(
 *   files ? { files } : { rows: await store.readResults(test.id) },
 *   { arms: listArms(test) },
 * );
 * ```
 */
export async function aggregateResults(
  source: AggregateSource,
  options: AggregateOptions = {},
): Promise<AggregateMetrics[]> {
  options.signal?.throwIfAborted();

  const measured = await queryMetrics(source, options);

  const byArm = new Map(measured.map((metrics) => [metrics.arm_id, metrics]));
  for (const arm of options.arms ?? []) {
    if (!byArm.has(arm.id)) byArm.set(arm.id, emptyMetrics(arm));
  }
  return [...byArm.values()].sort(byArmId);
}

async function queryMetrics(
  source: AggregateSource,
  options: AggregateOptions,
): Promise<AggregateMetrics[]> {
  const rows = await queryLatestResults(source, METRICS_SQL, options);
  return rows.map((row) => AggregateMetricsSchema.parse(toNumbers(row)));
}

/**
 * Runs `sql` over a view named `latest_results` that contains one row per
 * call key of `source`, picked by the store's rule (`latestResultsSql`).
 *
 * @param source Parquet part files or rows, in write order.
 * @param sql A query that reads `latest_results`.
 * @param options DuckDB instance and abort signal, as in `aggregateResults`, and
 *   `keysWith`: an SQL condition on a stored row. When given, only the call keys
 *   with at least one row that meets it are kept, which spares the per-key
 *   ranking of every other key.
 * @returns The query's rows, with DuckDB values as `getRowObjectsJS()` returns them;
 *   no rows when the source is empty.
 * @throws {DOMException} `AbortError` when `options.signal` is aborted.
 */
export async function queryLatestResults(
  source: AggregateSource,
  sql: string,
  options: Pick<AggregateOptions, "db" | "signal"> & { keysWith?: string } = {},
): Promise<Record<string, unknown>[]> {
  const hasFiles = "files" in source;
  if (hasFiles ? source.files.length === 0 : source.rows.length === 0) return [];

  const db = options.db ?? (await DuckDBInstance.create(":memory:"));
  const connection = await db.connect();
  const interrupt = () => connection.interrupt();
  options.signal?.addEventListener("abort", interrupt, { once: true });

  try {
    let relation: string;
    if (hasFiles) {
      relation = parquetResultsRelation(source.files);
    } else {
      await loadResults(connection, "raw_results", source.rows, true);
      relation = "raw_results";
    }
    if (options.keysWith !== undefined) {
      relation = `(SELECT * FROM ${relation} WHERE call_key IN ` +
        `(SELECT call_key FROM ${relation} WHERE ${options.keysWith}))`;
    }
    await connection.run(`CREATE TEMP VIEW latest_results AS ${latestResultsSql(relation)}`);
    const reader = await connection.runAndReadAll(sql);
    options.signal?.throwIfAborted();
    return reader.getRowObjectsJS();
  } catch (error) {
    options.signal?.throwIfAborted();
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", interrupt);
    connection.closeSync();
    if (options.db === undefined) db.closeSync();
  }
}

/** Latency and streaming statistics rounded like `percentiles()`, so both layers report the same value. */
const ROUNDED_FIELDS = new Set([
  "latency_mean_ms",
  "latency_p50_ms",
  "latency_p95_ms",
  "latency_p99_ms",
  "ttft_p50_ms",
  "ttft_p95_ms",
  "output_tokens_per_s_p50",
]);

/** Convert DuckDB BIGINT and HUGEINT values (JavaScript bigint) to numbers and round latency and streaming statistics. */
function toNumbers(row: Record<string, unknown>): Record<string, unknown> {
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const number = typeof value === "bigint" ? Number(value) : value;
    converted[key] = ROUNDED_FIELDS.has(key) && typeof number === "number"
      ? roundStatistic(number)
      : number;
  }
  return converted;
}

function emptyMetrics(arm: ArmRef): AggregateMetrics {
  return {
    arm_id: arm.id,
    variant_id: arm.variant.id,
    model_id: arm.model.id,
    n: 0,
    errors: 0,
    error_rate: 0,
    latency_n: 0,
    latency_mean_ms: null,
    latency_p50_ms: null,
    latency_p95_ms: null,
    latency_p99_ms: null,
    ttft_n: 0,
    ttft_p50_ms: null,
    ttft_p95_ms: null,
    output_tokens_per_s_p50: null,
    prompt_tokens_sum: 0,
    completion_tokens_sum: 0,
    total_tokens_sum: 0,
    prompt_tokens_mean: null,
    completion_tokens_mean: null,
    cost_usd_total: null,
    cost_per_1k_calls_usd: null,
    cost_unknown_n: 0,
    cost_no_usage_n: 0,
    from_cache_n: 0,
    simulated_n: 0,
  };
}

/** Order metrics by arm id in UTF-16 code-unit order, which matches DuckDB's order for ASCII ids. */
export function byArmId(a: { arm_id: string }, b: { arm_id: string }): number {
  if (a.arm_id === b.arm_id) return 0;
  return a.arm_id < b.arm_id ? -1 : 1;
}
