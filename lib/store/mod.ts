/**
 * Storage of tests, results, comparisons, ratings and reports: the `Store`
 * interface, the filesystem store (default) and the in-memory store, and the
 * SQL helpers that read stored results.
 *
 * @module
 */
export type * from "./store.ts";
export * from "./errors.ts";
export { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_ROWS, type FlushTimers } from "./buffered_sink.ts";
export * from "./latest_result.ts";
export {
  createResultTableSql,
  loadResults,
  parquetResultsRelation,
  RESULT_COLUMN_TYPES,
  type ResultColumnType,
  toTestResult,
} from "./result_table.ts";
export { type AppendResult, JsonlLog, type JsonlLogOptions } from "./jsonl_log.ts";
export * from "./memory_store.ts";
export * from "./fs_store.ts";
