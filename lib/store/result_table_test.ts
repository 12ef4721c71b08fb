import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import type { TestResult } from "../schema/mod.ts";
import { errorRow, resultRow } from "./_testing.ts";
import { loadResults, toTestResult } from "./result_table.ts";
import { WRITE_ORDER_COLUMN } from "./latest_result.ts";

/** Rows that cross two data-chunk boundaries, with nulls, errors and large counts mixed in. */
function mixedRows(count: number): TestResult[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 7 === 3) {
      return errorRow({ caseId: `c${i}` }, {
        error_class: "TimeoutError",
        error_message: `timed out on case ${i} 'quoted' "twice"`,
        attempts: 3,
      });
    }
    return resultRow({ caseId: `c${i}`, repeat: i % 3 }, {
      output: i % 11 === 0 ? "" : `answer ${i} with unicode é ✓`,
      prompt_tokens: 2 ** 40 + i,
      latency_ms: i + 0.125,
      simulated: i % 2 === 0,
      from_cache: i % 5 === 0,
    });
  });
}

Deno.test("loadResults() round-trips rows across data chunks", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const rows = mixedRows(4_500);
    await loadResults(connection, "loaded", rows, true);
    const reader = await connection.runAndReadAll(
      `SELECT * FROM loaded ORDER BY ${WRITE_ORDER_COLUMN}`,
    );
    const stored = reader.getRowObjectsJS();
    assert.equal(stored.length, rows.length);
    assert.deepEqual(
      stored.map((row) => Number(row[WRITE_ORDER_COLUMN])),
      rows.map((_, index) => index),
    );
    assert.deepEqual(stored.map(toTestResult), rows);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test("loadResults() creates an empty table for no rows", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await loadResults(connection, "empty", []);
    const reader = await connection.runAndReadAll("SELECT count(*) AS n FROM empty");
    assert.equal(Number(reader.getRowObjectsJS()[0]!.n), 0);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});
