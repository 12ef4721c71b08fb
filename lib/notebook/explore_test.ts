import assert from "node:assert/strict";
import { join } from "node:path";
import { TestNotFoundError } from "../store/errors.ts";
import { FsStore } from "../store/fs_store.ts";
import { draftState, resultRow, sampleTest } from "../store/_testing.ts";
import { listRuns, openTest } from "./explore.ts";
import { RUNS_DIR_ENV, runsDir } from "./runs_dir.ts";

/** Stores `sample` tests with the given rows under a fresh temp root. */
async function storeTests(
  tests: { id: string; createdAt: string; rows: ReturnType<typeof resultRow>[] }[],
): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "ablab-explore-" });
  const store = new FsStore({ root });
  try {
    for (const { id, createdAt, rows } of tests) {
      await store.createTest({ ...sampleTest(id), created_at: createdAt }, draftState(id));
      if (rows.length === 0) continue;
      const sink = await store.openResults(id);
      for (const row of rows) await sink.write(row);
      await sink.close();
    }
  } finally {
    await store.close();
  }
  return root;
}

Deno.test("openTest() query keeps one row per call key", async () => {
  const failed = resultRow({ caseId: "c1" }, {
    output: null,
    error_class: "ProviderError",
    error_message: "Simulated server error",
    finished_at: "2026-12-04T10:00:01.000Z",
  });
  const retried = resultRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:05.000Z" });
  const other = resultRow({ caseId: "c2", model: "m2" });
  const root = await storeTests([{
    id: "t1",
    createdAt: "2026-12-04T10:00:00.000Z",
    rows: [failed, retried, other],
  }]);

  const run = await openTest("t1", { root });
  try {
    const latest = await run.query(
      "SELECT call_key, error_class, count(*) OVER () AS n FROM results ORDER BY call_key",
    );
    assert.equal(latest.length, 2);
    assert.equal(latest[0]!.n, 2, "count(*) arrives as a number, not a bigint");
    assert.equal(latest.find((row) => row.call_key === retried.call_key)!.error_class, null);

    const all = await run.query("SELECT count(*) AS n FROM all_results");
    assert.deepEqual(all, [{ n: 3 }]);

    const rows = await run.results();
    assert.deepEqual(rows.map((row) => row.call_key), [retried.call_key, other.call_key].sort());
  } finally {
    await run.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("openTest() queryArrow types columns", async () => {
  const root = await storeTests([{
    id: "t1",
    createdAt: "2026-12-04T10:00:00.000Z",
    rows: [resultRow({ caseId: "c1" }), resultRow({ caseId: "c2" })],
  }]);

  const run = await openTest("t1", { root });
  try {
    const table = await run.queryArrow(
      "SELECT arm_id, count(*) AS n, sum(prompt_tokens) AS prompt_tokens, avg(latency_ms) AS mean " +
        "FROM results GROUP BY arm_id",
    );
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    assert.deepEqual(types, {
      arm_id: "Utf8",
      n: "Int64",
      prompt_tokens: "Float64",
      mean: "Float64",
    });
    assert.equal(table.numRows, 1);
    assert.equal(table.getChild("prompt_tokens")!.get(0), 200);

    const results = await run.resultsArrow();
    assert.equal(results.numRows, 2);
    assert.equal(String(results.schema.fields.find((f) => f.name === "repeat")!.type), "Int32");
    assert.equal(results.getChild("case_id")!.get(0), "c1");
  } finally {
    await run.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("openTest() queries a test without results", async () => {
  const root = await storeTests([{ id: "t1", createdAt: "2026-12-04T10:00:00.000Z", rows: [] }]);

  const run = await openTest("t1", { root });
  try {
    assert.deepEqual(await run.query("SELECT count(*) AS n FROM results"), [{ n: 0 }]);
    assert.deepEqual(await run.query("SELECT count(*) AS n FROM all_results"), [{ n: 0 }]);
    assert.equal((await run.resultsArrow()).numRows, 0);

    const metrics = await run.metrics();
    assert.deepEqual(metrics.map((m) => [m.arm_id, m.n]), [
      ["long/m1", 0],
      ["long/m2", 0],
      ["short/m1", 0],
      ["short/m2", 0],
    ]);
  } finally {
    await run.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("openTest() views follow new part files", async () => {
  const root = await storeTests([{
    id: "t1",
    createdAt: "2026-12-04T10:00:00.000Z",
    rows: [resultRow({ caseId: "c1" })],
  }]);

  const run = await openTest("t1", { root });
  try {
    assert.deepEqual(await run.query("SELECT count(*) AS n FROM results"), [{ n: 1 }]);

    const sink = await run.store.openResults("t1");
    await sink.write(resultRow({ caseId: "c2" }));
    await sink.close();
    assert.deepEqual(await run.query("SELECT count(*) AS n FROM results"), [{ n: 2 }]);
  } finally {
    await run.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("openTest() views follow the first part file", async () => {
  const root = await storeTests([{ id: "t1", createdAt: "2026-12-04T10:00:00.000Z", rows: [] }]);

  const run = await openTest("t1", { root });
  try {
    assert.deepEqual(await run.query("SELECT count(*) AS n FROM results"), [{ n: 0 }]);

    const sink = await run.store.openResults("t1");
    await sink.write(resultRow({ caseId: "c1" }));
    await sink.close();
    assert.deepEqual(await run.query("SELECT count(*) AS n FROM results"), [{ n: 1 }]);
    assert.deepEqual(await run.query("SELECT count(*) AS n FROM all_results"), [{ n: 1 }]);
  } finally {
    await run.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("openTest() rejects an unknown id", async () => {
  const root = await storeTests([]);
  try {
    await assert.rejects(openTest("missing", { root }), TestNotFoundError);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("listRuns() sorts tests by creation time", async () => {
  const root = await storeTests([
    { id: "b-later", createdAt: "2026-12-04T12:00:00.000Z", rows: [] },
    { id: "a-earlier", createdAt: "2026-12-04T09:00:00.000Z", rows: [] },
  ]);
  try {
    const runs = await listRuns({ root });
    assert.deepEqual(runs.map((run) => run.test_id), ["a-earlier", "b-later"]);
    assert.equal(runs[0]!.status, "draft");
    assert.equal(runs[0]!.name, "Sample a-earlier");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("listRuns() returns nothing for a missing folder", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab-explore-" });
  try {
    assert.deepEqual(await listRuns({ root: join(root, "absent") }), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runsDir() prefers ABLAB_RUNS", () => {
  assert.equal(runsDir("../runs", { env: { [RUNS_DIR_ENV]: "/tmp/elsewhere" } }), "/tmp/elsewhere");
  assert.equal(runsDir("../runs", { env: { [RUNS_DIR_ENV]: "" } }), "../runs");
  assert.equal(runsDir("../runs", { env: {} }), "../runs");
  assert.equal(runsDir(undefined, { env: {} }), "runs");
});
