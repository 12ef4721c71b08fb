/**
 * The DuckDB column types of `TestResult` and the helpers that move rows
 * between JavaScript and DuckDB: loading rows into a table through an
 * appender, reading Parquet part files as one relation, and converting query
 * rows back to `TestResult`.
 *
 * Storage types: ids and text are VARCHAR, counts are BIGINT (`repeat` and
 * `attempts` are INTEGER), milliseconds, rates and USD are DOUBLE, flags are
 * BOOLEAN. `started_at` and `finished_at` are VARCHAR containing the ISO 8601
 * UTC string the provider wrote, so values round-trip exactly. To compute with
 * them, cast them with `CAST(finished_at AS TIMESTAMPTZ)`.
 *
 * @module
 */
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  VARCHAR,
} from "@duckdb/node-api";
import { RESULT_COLUMNS, type TestResult } from "../schema/mod.ts";
import { WRITE_ORDER_COLUMN } from "./latest_result.ts";

/** DuckDB type of a result column. */
export type ResultColumnType = "VARCHAR" | "INTEGER" | "BIGINT" | "DOUBLE" | "BOOLEAN";

/** DuckDB type of every `TestResult` column; NOT NULL where the schema forbids null. */
export const RESULT_COLUMN_TYPES: Readonly<
  Record<keyof TestResult, { type: ResultColumnType; nullable: boolean }>
> = {
  test_id: { type: "VARCHAR", nullable: false },
  arm_id: { type: "VARCHAR", nullable: false },
  variant_id: { type: "VARCHAR", nullable: false },
  model_id: { type: "VARCHAR", nullable: false },
  case_id: { type: "VARCHAR", nullable: false },
  repeat: { type: "INTEGER", nullable: false },
  call_key: { type: "VARCHAR", nullable: false },
  provider: { type: "VARCHAR", nullable: false },
  model: { type: "VARCHAR", nullable: false },
  output: { type: "VARCHAR", nullable: true },
  finish_reason: { type: "VARCHAR", nullable: true },
  latency_ms: { type: "DOUBLE", nullable: true },
  ttft_ms: { type: "DOUBLE", nullable: true },
  output_tokens_per_s: { type: "DOUBLE", nullable: true },
  prompt_tokens: { type: "BIGINT", nullable: true },
  completion_tokens: { type: "BIGINT", nullable: true },
  total_tokens: { type: "BIGINT", nullable: true },
  cached_tokens: { type: "BIGINT", nullable: true },
  cache_write_tokens: { type: "BIGINT", nullable: true },
  reasoning_tokens: { type: "BIGINT", nullable: true },
  cost_usd: { type: "DOUBLE", nullable: true },
  error_class: { type: "VARCHAR", nullable: true },
  error_message: { type: "VARCHAR", nullable: true },
  attempts: { type: "INTEGER", nullable: false },
  started_at: { type: "VARCHAR", nullable: false },
  finished_at: { type: "VARCHAR", nullable: false },
  simulated: { type: "BOOLEAN", nullable: false },
  from_cache: { type: "BOOLEAN", nullable: false },
};

/** Quote an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote an SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Build a CREATE TEMP TABLE statement with the result columns in storage
 * order, plus a BIGINT write-order column when `withWriteOrder` is set.
 */
export function createResultTableSql(table: string, withWriteOrder = false): string {
  const columns = RESULT_COLUMNS.map((name) => {
    const { type, nullable } = RESULT_COLUMN_TYPES[name];
    return `${quoteIdentifier(name)} ${type}${nullable ? "" : " NOT NULL"}`;
  });
  if (withWriteOrder) columns.push(`${WRITE_ORDER_COLUMN} BIGINT NOT NULL`);
  return `CREATE TEMP TABLE ${quoteIdentifier(table)} (${columns.join(", ")})`;
}

/** Rows per data chunk: DuckDB's standard vector size, the most a chunk may hold. */
const CHUNK_ROWS = 2048;

/** The DuckDB type object of each storage type, for data chunks. */
const DUCKDB_TYPES: Readonly<Record<ResultColumnType, DuckDBType>> = {
  VARCHAR,
  INTEGER,
  BIGINT,
  DOUBLE,
  BOOLEAN,
};

/**
 * Create a temp table and load `rows` into it through an appender. With
 * `withWriteOrder`, each row also gets its index in `rows` as write order.
 *
 * Rows go in as data chunks of DuckDB's vector size, filled column by
 * column. This makes fewer calls into the native library than appending one
 * value at a time, which matters because it runs on the event loop while
 * calls are in flight.
 */
export async function loadResults(
  connection: DuckDBConnection,
  table: string,
  rows: readonly TestResult[],
  withWriteOrder = false,
): Promise<void> {
  await connection.run(createResultTableSql(table, withWriteOrder));
  const types = RESULT_COLUMNS.map((name) => DUCKDB_TYPES[RESULT_COLUMN_TYPES[name].type]);
  if (withWriteOrder) types.push(BIGINT);
  const appender = await connection.createAppender(table);
  try {
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = rows.slice(start, start + CHUNK_ROWS);
      const columns: DuckDBValue[][] = RESULT_COLUMNS.map((name) => columnValues(slice, name));
      if (withWriteOrder) columns.push(slice.map((_, index) => BigInt(start + index)));
      const chunk = DuckDBDataChunk.create(types, slice.length);
      chunk.setColumns(columns);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Extracts one column of `rows` as DuckDB values, with nulls kept and counts as BigInt. */
function columnValues(rows: readonly TestResult[], name: keyof TestResult): DuckDBValue[] {
  if (RESULT_COLUMN_TYPES[name].type !== "BIGINT") {
    return rows.map((row) => row[name] ?? null);
  }
  return rows.map((row) => {
    const value = row[name];
    return value === null || value === undefined ? null : BigInt(value as number);
  });
}

/**
 * Build a parenthesized subquery over Parquet part files with the result
 * columns plus a write-order column: a struct of (file name, row number) that
 * orders rows by file, then by position. Part file names must therefore sort
 * in write order.
 *
 * @throws {RangeError} When `files` is empty, because DuckDB rejects an empty file list.
 */
export function parquetResultsRelation(files: readonly string[]): string {
  if (files.length === 0) {
    throw new RangeError("Cannot read results from an empty list of Parquet files");
  }
  const list = files.map(quoteLiteral).join(", ");
  return `(SELECT * EXCLUDE (filename, file_row_number),
  struct_pack(part_file := filename, part_row := file_row_number) AS ${WRITE_ORDER_COLUMN}
FROM read_parquet([${list}], filename = true, file_row_number = true, union_by_name = true))`;
}

/** Convert a row read from DuckDB (`getRowObjectsJS`) to a `TestResult`. */
export function toTestResult(row: Record<string, unknown>): TestResult {
  const result: Record<string, unknown> = {};
  for (const name of RESULT_COLUMNS) {
    const value = row[name];
    result[name] = typeof value === "bigint" ? Number(value) : value ?? null;
  }
  return result as TestResult;
}
