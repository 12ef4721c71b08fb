/**
 * Results as an Arrow IPC stream for the SQL explorer, which loads it into
 * DuckDB-Wasm without any extension.
 *
 * @module
 */
import {
  Bool,
  type DataType,
  Float64,
  Int32,
  Table,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { RESULT_COLUMNS, type TestResult } from "../../lib/mod.ts";

/**
 * Arrow type per result column. Counts fit in 32 bits; timestamps stay ISO
 * 8601 strings as in the store (cast with `started_at::TIMESTAMP` in SQL).
 */
const COLUMN_TYPES: Record<keyof TestResult, () => DataType> = {
  test_id: () => new Utf8(),
  arm_id: () => new Utf8(),
  variant_id: () => new Utf8(),
  model_id: () => new Utf8(),
  case_id: () => new Utf8(),
  repeat: () => new Int32(),
  call_key: () => new Utf8(),
  provider: () => new Utf8(),
  model: () => new Utf8(),
  output: () => new Utf8(),
  finish_reason: () => new Utf8(),
  latency_ms: () => new Float64(),
  ttft_ms: () => new Float64(),
  output_tokens_per_s: () => new Float64(),
  prompt_tokens: () => new Int32(),
  completion_tokens: () => new Int32(),
  total_tokens: () => new Int32(),
  cached_tokens: () => new Int32(),
  cache_write_tokens: () => new Int32(),
  reasoning_tokens: () => new Int32(),
  cost_usd: () => new Float64(),
  error_class: () => new Utf8(),
  error_message: () => new Utf8(),
  attempts: () => new Int32(),
  started_at: () => new Utf8(),
  finished_at: () => new Utf8(),
  simulated: () => new Bool(),
  from_cache: () => new Bool(),
};

/** Encodes results as an Arrow IPC stream with one column per `TestResult` field. */
export function resultsToArrowIpc(results: readonly TestResult[]): Uint8Array {
  const columns: Record<string, Vector> = {};
  for (const name of RESULT_COLUMNS) {
    const values = results.map((row) => row[name] ?? null);
    columns[name] = vectorFromArray(values, COLUMN_TYPES[name]()) as Vector;
  }
  return tableToIPC(new Table(columns), "stream");
}
