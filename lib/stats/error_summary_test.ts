import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestResult } from "../schema/mod.ts";
import { FsStore } from "../store/fs_store.ts";
import { draftState, errorRow, resultRow, sampleTest } from "../store/_testing.ts";
import { summarizeErrors } from "./error_summary.ts";

/**
 * Rows in write order. Arm short/m1 has five error kinds over seven call
 * keys, with one error replaced by a later success and one by a later
 * error. Arm short/m2 has one error.
 */
function fixtureRows(): TestResult[] {
  const rateLimit = { error_class: "RateLimitError", error_message: "429 Too Many Requests" };
  return [
    errorRow({ caseId: "c1" }, rateLimit),
    errorRow({ caseId: "c2" }, rateLimit),
    errorRow({ caseId: "c3" }, { ...rateLimit, finished_at: "2026-12-04T10:00:00.100Z" }),
    errorRow({ caseId: "c4" }, { error_class: "TimeoutError", error_message: "timed out" }),
    errorRow({ caseId: "c5" }, { error_class: "ProviderError", error_message: null }),
    errorRow({ caseId: "c6" }, { error_class: "AuthError", error_message: "invalid key" }),
    errorRow({ caseId: "c7" }, rateLimit),
    resultRow({ caseId: "c8" }),
    // A retry of c7 succeeded, so c7 no longer counts as an error.
    resultRow({ caseId: "c7" }, { finished_at: "2026-12-04T10:00:01.000Z" }),
    // A retry of c3 failed again, later and with another error.
    errorRow({ caseId: "c3" }, {
      error_class: "ServerError",
      error_message: "502 Bad Gateway",
      finished_at: "2026-12-04T10:00:02.000Z",
    }),
    errorRow({ caseId: "c1", model: "m2" }),
  ];
}

const EXPECTED = [
  {
    arm_id: "short/m1",
    errors: 6,
    most_frequent: [
      { error_class: "RateLimitError", error_message: "429 Too Many Requests", n: 2 },
      { error_class: "AuthError", error_message: "invalid key", n: 1 },
      { error_class: "ProviderError", error_message: null, n: 1 },
    ],
    other_n: 2,
    other_kinds: 2,
  },
  {
    arm_id: "short/m2",
    errors: 1,
    most_frequent: [
      { error_class: "ProviderError", error_message: "simulated server error", n: 1 },
    ],
    other_n: 0,
    other_kinds: 0,
  },
];

Deno.test("summarizeErrors counts final results on rows", async () => {
  assert.deepEqual(await summarizeErrors({ rows: fixtureRows() }), EXPECTED);
});

Deno.test("summarizeErrors counts final results on Parquet", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_errors_" });
  const store = new FsStore({ root: join(root, "runs") });
  try {
    await store.createTest(sampleTest(), draftState());
    const sink = await store.openResults("t1", { maxRows: 4 });
    for (const row of fixtureRows()) await sink.write(row);
    await sink.close();

    const files = await store.resultFiles("t1");
    assert.ok(files.length > 1, "rows span several part files");
    assert.deepEqual(await summarizeErrors({ files }, { db: await store.duckdb() }), EXPECTED);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("summarizeErrors lists the requested kinds", async () => {
  const [arm] = await summarizeErrors({ rows: fixtureRows() }, { kinds: 1 });
  assert.equal(arm!.most_frequent.length, 1);
  assert.equal(arm!.other_n, 4);
  assert.equal(arm!.other_kinds, 4);
  await assert.rejects(summarizeErrors({ rows: fixtureRows() }, { kinds: 0 }), RangeError);
});

Deno.test("summarizeErrors without errors", async () => {
  assert.deepEqual(await summarizeErrors({ rows: [resultRow()] }), []);
  assert.deepEqual(await summarizeErrors({ rows: [] }), []);
  assert.deepEqual(await summarizeErrors({ files: [] }), []);
});
