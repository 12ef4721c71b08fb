import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import type { TestResult } from "../schema/mod.ts";
import { latestResults, latestResultsSql } from "./latest_result.ts";
import { loadResults, toTestResult } from "./result_table.ts";
import { errorRow, resultRow } from "./_testing.ts";

/** A small deterministic generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows with few call keys, mixed outcomes and colliding finish times. */
function randomRows(seed: number, count: number): TestResult[] {
  const next = random(seed);
  const finishTimes = [
    "2026-12-04T10:00:01Z",
    "2026-12-04T10:00:01.000Z",
    "2026-12-04T10:00:01.5Z",
    "2026-12-04T10:00:02.250Z",
    "2026-12-04T09:59:59.999Z",
  ];
  return Array.from({ length: count }, (_, i) => {
    const key = { caseId: `c${Math.floor(next() * 6)}`, repeat: Math.floor(next() * 2) };
    const overrides = {
      finished_at: finishTimes[Math.floor(next() * finishTimes.length)]!,
      output: `write ${i}`,
    };
    return next() < 0.5 ? errorRow(key, overrides) : resultRow(key, overrides);
  });
}

async function latestInSql(rows: TestResult[]): Promise<TestResult[]> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    await loadResults(connection, "raw", rows, true);
    const reader = await connection.runAndReadAll(
      `SELECT * FROM (${latestResultsSql("raw")}) ORDER BY call_key`,
    );
    return reader.getRowObjectsJS().map(toTestResult);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

Deno.test("latestResults prefers success, then time", () => {
  const rows = [
    errorRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:09.000Z" }),
    resultRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:01.000Z", output: "ok" }),
    resultRow({ caseId: "c2" }, { finished_at: "2026-12-04T10:00:03.000Z", output: "late" }),
    resultRow({ caseId: "c2" }, { finished_at: "2026-12-04T10:00:02.000Z", output: "early" }),
    errorRow({ caseId: "c3" }, { finished_at: "2026-12-04T10:00:01Z", error_message: "old" }),
    errorRow({ caseId: "c3" }, { finished_at: "2026-12-04T10:00:01.000Z", error_message: "new" }),
  ];

  const latest = latestResults(rows);

  assert.deepEqual(latest.map((row) => row.case_id), ["c1", "c2", "c3"]);
  assert.equal(latest[0]?.output, "ok");
  assert.equal(latest[1]?.output, "late");
  assert.equal(latest[2]?.error_message, "new");
});

Deno.test("latestResultsSql matches latestResults", async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rows = randomRows(seed, 60);
    assert.deepEqual(await latestInSql(rows), latestResults(rows), `seed ${seed}`);
  }
});
