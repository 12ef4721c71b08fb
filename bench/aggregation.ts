/**
 * Benchmark: the report's per-arm metrics (`aggregateResults`) over N stored
 * results, against the same SQL run directly through DuckDB over the same
 * Parquet files. The files are generated with DuckDB SQL in the result
 * schema, in parts of the store's default size, into a temporary folder.
 *
 * @module
 */
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  aggregateResults,
  DEFAULT_MAX_ROWS,
  latestResultsSql,
  parquetResultsRelation,
} from "../lib/mod.ts";
import { median, REPO } from "./_process.ts";

/** Options for {@linkcode benchAggregation}. */
export interface AggregationOptions {
  /** Result counts to measure, each with freshly generated files. */
  sizes: readonly number[];
  /** Timed runs per method and size, after one warm-up run each. */
  rounds: number;
  log: (line: string) => void;
}

/** Figures for one result count. */
export interface AggregationFigures {
  rows: number;
  parquetFiles: number;
  parquetBytes: number;
  generateMs: number;
  /** Median of `aggregateResults({ files })`. */
  aggregateMs: number;
  /** Median of the same SQL on a plain DuckDB connection. */
  directSqlMs: number;
  /** aggregateMs / directSqlMs. */
  ratio: number;
  /**
   * Median of the metrics SQL straight over the files, without the
   * one-row-per-call-key rule: the cost of that rule, for context.
   */
  noDedupMs: number;
  rounds: number;
}

/**
 * Reads the metrics query out of lib/stats/aggregate.ts, so the direct run
 * executes exactly the SQL that `aggregateResults` runs.
 *
 * @throws {SyntaxError} When the file no longer contains `const METRICS_SQL = \`...\``.
 */
async function readMetricsSql(): Promise<string> {
  const source = await Deno.readTextFile(`${REPO}lib/stats/aggregate.ts`);
  const match = /const METRICS_SQL = `([^`]+)`/.exec(source);
  if (match === null) {
    throw new SyntaxError(
      "METRICS_SQL not found in lib/stats/aggregate.ts: update bench/aggregation.ts to match",
    );
  }
  return match[1]!;
}

/**
 * SQL that generates `count` results of 2 prompts x 2 models, starting at
 * row `offset`: right-skewed latencies, 2% errors, token counts and costs.
 */
function generateSql(offset: number, count: number, file: string): string {
  return `COPY (
  SELECT
    'bench-agg' AS test_id,
    arm AS arm_id,
    split_part(arm, '/', 1) AS variant_id,
    split_part(arm, '/', 2) AS model_id,
    'c' || (i // 4)::VARCHAR AS case_id,
    0::INTEGER AS repeat,
    'bench-agg|' || arm || '|c' || (i // 4)::VARCHAR || '|0' AS call_key,
    'simulated' AS provider,
    split_part(arm, '/', 2) AS model,
    CASE WHEN failed THEN NULL ELSE 'Simulated answer number ' || i::VARCHAR || repeat(' with more words', 12) END AS output,
    CASE WHEN failed THEN NULL ELSE 'stop' END AS finish_reason,
    CASE WHEN failed THEN NULL ELSE 300 + 700 * exp(random()) * (1 + (i % 4)) END AS latency_ms,
    NULL::DOUBLE AS ttft_ms,
    CASE WHEN failed THEN NULL ELSE 40 + 20 * random() END AS output_tokens_per_s,
    CASE WHEN failed THEN NULL ELSE (30 + i % 17)::BIGINT END AS prompt_tokens,
    CASE WHEN failed THEN NULL ELSE (60 + i % 53)::BIGINT END AS completion_tokens,
    CASE WHEN failed THEN NULL ELSE (90 + i % 17 + i % 53)::BIGINT END AS total_tokens,
    NULL::BIGINT AS cached_tokens,
    NULL::BIGINT AS cache_write_tokens,
    NULL::BIGINT AS reasoning_tokens,
    CASE WHEN failed THEN NULL ELSE 0.00001 * (1 + i % 4) END AS cost_usd,
    CASE WHEN failed THEN 'server_error' ELSE NULL END AS error_class,
    CASE WHEN failed THEN 'simulated server error' ELSE NULL END AS error_message,
    1::INTEGER AS attempts,
    strftime(TIMESTAMP '2026-12-01' + to_milliseconds(i), '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
    strftime(TIMESTAMP '2026-12-01' + to_milliseconds(i + 800), '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at,
    true AS simulated,
    false AS from_cache
  FROM (
    SELECT
      i,
      ['short/mini', 'short/nano', 'steps/mini', 'steps/nano'][(i % 4) + 1] AS arm,
      hash(i) % 50 = 0 AS failed
    FROM range(${offset}, ${offset + count}) AS t(i)
  )
) TO '${file}' (FORMAT parquet)`;
}

/** Generates `rows` results as part files of the store's default size in `dir`. */
async function generateParts(db: DuckDBInstance, dir: string, rows: number): Promise<string[]> {
  const connection = await db.connect();
  const files: string[] = [];
  try {
    for (let offset = 0, part = 1; offset < rows; offset += DEFAULT_MAX_ROWS, part++) {
      const file = join(dir, `part-${String(part).padStart(6, "0")}.parquet`);
      await connection.run(generateSql(offset, Math.min(DEFAULT_MAX_ROWS, rows - offset), file));
      files.push(file);
    }
  } finally {
    connection.closeSync();
  }
  return files;
}

/**
 * Runs the metrics SQL through a fresh in-memory DuckDB, as `aggregateResults`
 * does by default; with `dedup` false the view reads the files as they are.
 */
async function directSql(
  files: readonly string[],
  metricsSql: string,
  dedup = true,
): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const view = dedup
      ? latestResultsSql(parquetResultsRelation(files))
      : `SELECT * FROM read_parquet([${
        files.map((file) => `'${file.replaceAll("'", "''")}'`).join(", ")
      }])`;
    await connection.run(`CREATE TEMP VIEW latest_results AS ${view}`);
    const reader = await connection.runAndReadAll(metricsSql);
    return reader.getRowObjectsJS().length;
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** Runs the benchmark for every size in `options.sizes`. */
export async function benchAggregation(options: AggregationOptions): Promise<AggregationFigures[]> {
  const metricsSql = await readMetricsSql();
  const figures: AggregationFigures[] = [];

  for (const rows of options.sizes) {
    const dir = await Deno.makeTempDir({ prefix: "ablab-bench-agg-" });
    try {
      const generator = await DuckDBInstance.create(":memory:");
      const generateStartedAt = performance.now();
      const files = await generateParts(generator, dir, rows);
      generator.closeSync();
      const generateMs = performance.now() - generateStartedAt;
      let parquetBytes = 0;
      for (const file of files) parquetBytes += (await Deno.stat(file)).size;
      options.log(
        `aggregation ${rows} rows: generated ${files.length} files, ` +
          `${(parquetBytes / 2 ** 20).toFixed(0)} MiB in ${(generateMs / 1000).toFixed(1)} s`,
      );

      // One warm-up of each, which also checks that both count every row.
      const arms = await aggregateResults({ files });
      const direct = await directSql(files, metricsSql);
      if (arms.length !== 4 || direct !== 4) {
        throw new Error(`Expected 4 arms, got ${arms.length} and ${direct}`);
      }
      if (arms.reduce((sum, arm) => sum + arm.n, 0) !== rows) {
        throw new Error(`aggregateResults counted other than ${rows} results`);
      }
      const aggregateTimes: number[] = [];
      const directTimes: number[] = [];
      const noDedupTimes: number[] = [];
      const methods: [number[], () => Promise<unknown>][] = [
        [aggregateTimes, () => aggregateResults({ files })],
        [directTimes, () => directSql(files, metricsSql)],
        [noDedupTimes, () => directSql(files, metricsSql, false)],
      ];
      for (let round = 0; round < options.rounds; round++) {
        // Rotate the order each round, so no method always runs first.
        for (let i = 0; i < methods.length; i++) {
          const [times, method] = methods[(round + i) % methods.length]!;
          const startedAt = performance.now();
          await method();
          times.push(performance.now() - startedAt);
        }
      }
      const aggregateMs = median(aggregateTimes);
      const directSqlMs = median(directTimes);
      options.log(
        `aggregation ${rows} rows: aggregateResults ${aggregateMs.toFixed(0)} ms, ` +
          `direct SQL ${directSqlMs.toFixed(0)} ms`,
      );
      figures.push({
        rows,
        parquetFiles: files.length,
        parquetBytes,
        generateMs,
        aggregateMs,
        directSqlMs,
        ratio: aggregateMs / directSqlMs,
        noDedupMs: median(noDedupTimes),
        rounds: options.rounds,
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  return figures;
}
