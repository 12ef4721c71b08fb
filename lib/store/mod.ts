/**
 * Storage of tests, results, comparisons, ratings and reports.
 *
 * @module
 */
export type * from "./store.ts";
export * from "./errors.ts";
export * from "./buffered_sink.ts";
export * from "./latest_result.ts";
export * from "./memory_store.ts";
