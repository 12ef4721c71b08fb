import assert from "node:assert/strict";
import { join } from "node:path";
import type { ComparisonPair, Rating, TestResult } from "../schema/mod.ts";
import { RESULT_COLUMNS } from "../schema/mod.ts";
import { FsStore } from "./fs_store.ts";
import { TestExistsError, TestNotFoundError } from "./errors.ts";
import { RESULT_COLUMN_TYPES } from "./result_table.ts";
import {
  draftState,
  errorRow,
  ManualTimers,
  resultRow,
  sampleTest,
  settleMicrotasks,
} from "./_testing.ts";

async function withStore(
  fn: (store: FsStore, root: string, timers: ManualTimers) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "ablab_fs_store_" });
  const timers = new ManualTimers();
  const store = new FsStore({ root, timers });
  try {
    await store.createTest(sampleTest(), draftState());
    await fn(store, root, timers);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
}

async function listNames(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) names.push(entry.name);
  return names.sort();
}

/** Rows that exercise every column, nulls included. */
function mixedRows(): TestResult[] {
  return [
    resultRow({ caseId: "c1" }),
    errorRow({ caseId: "c2" }),
    resultRow({ caseId: "c3", model: "m2" }, {
      ttft_ms: null,
      output_tokens_per_s: null,
      cached_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: null,
      cost_usd: null,
      from_cache: true,
      simulated: false,
      provider: "openai",
      output: 'quote \' and "double" and\nnewline, émoji 🙂',
      latency_ms: 0,
      prompt_tokens: 9_007_199_254_740_991,
      started_at: "2026-12-04T10:00:00Z",
      finished_at: "2026-12-04T10:00:01.5Z",
    }),
    resultRow({ caseId: "c1", repeat: 3, variant: "long" }, { attempts: 3, output: "" }),
  ];
}

Deno.test("FsStore round-trips results through Parquet", async () => {
  await withStore(async (store) => {
    const rows = mixedRows();
    const sink = await store.openResults("t1");
    for (const row of rows) await sink.write(row);
    await sink.close();

    const read = await store.readResults("t1");
    const expected = [...rows].sort((a, b) => (a.call_key < b.call_key ? -1 : 1));
    assert.equal(read.length, expected.length);
    for (const [index, row] of expected.entries()) {
      for (const column of RESULT_COLUMNS) {
        assert.deepEqual(read[index]?.[column], row[column], `${row.call_key} ${column}`);
      }
    }
    assert.deepEqual(read, expected);
  });
});

Deno.test("FsStore writes typed Parquet columns", async () => {
  await withStore(async (store) => {
    const sink = await store.openResults("t1");
    await sink.write(resultRow());
    await sink.close();

    const [file] = await store.resultFiles("t1");
    const connection = await (await store.duckdb()).connect();
    const reader = await connection.runAndReadAll(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`,
    );
    connection.closeSync();
    const types = Object.fromEntries(
      reader.getRowObjectsJS().map((row) => [row.column_name, row.column_type]),
    );
    for (const column of RESULT_COLUMNS) {
      assert.equal(types[column], RESULT_COLUMN_TYPES[column].type, column);
    }
  });
});

Deno.test("FsStore flushes a part per maxRows", async () => {
  await withStore(async (store, root) => {
    const sink = await store.openResults("t1", { maxRows: 2 });
    for (const caseId of ["c1", "c2", "c3", "c4", "c5"]) await sink.write(resultRow({ caseId }));

    assert.equal((await store.resultFiles("t1")).length, 2);
    assert.equal((await store.readResults("t1")).length, 4);
    await sink.close();

    const files = await store.resultFiles("t1");
    assert.equal(files.length, 3);
    assert.match(files[0]!, /part-000000000-[0-9a-f]{12}\.parquet$/);
    assert.match(files[2]!, /part-000000002-/);
    assert.deepEqual(
      (await listNames(join(root, "t1", "results"))).filter((name) => !name.startsWith("part-")),
      [],
    );
  });
});

Deno.test("FsStore flushes by age", async () => {
  await withStore(async (store, _root, timers) => {
    const sink = await store.openResults("t1", { maxRows: 100, maxAgeMs: 1500 });
    await sink.write(resultRow({ caseId: "c1" }));
    await sink.write(resultRow({ caseId: "c2" }));
    assert.deepEqual(await store.resultFiles("t1"), []);
    assert.deepEqual(timers.pendingDelays, [1500]);

    timers.fire();
    for (let i = 0; i < 200 && (await store.resultFiles("t1")).length === 0; i++) {
      await settleMicrotasks(5);
    }
    assert.equal((await store.resultFiles("t1")).length, 1);
    assert.equal((await store.readResults("t1")).length, 2);
    await sink.close();
    assert.equal((await store.resultFiles("t1")).length, 1);
  });
});

Deno.test("FsStore continues part numbers after reopen", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_fs_store_" });
  try {
    const first = new FsStore({ root });
    await first.createTest(sampleTest(), draftState());
    const sink = await first.openResults("t1");
    await sink.write(errorRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:09.000Z" }));
    await first.close();

    const second = new FsStore({ root });
    const retry = await second.openResults("t1");
    await retry.write(resultRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:01.000Z" }));
    await retry.close();

    const files = await second.resultFiles("t1");
    assert.match(files[0]!, /part-000000000-/);
    assert.match(files[1]!, /part-000000001-/);
    const calls = await second.storedCalls("t1");
    assert.deepEqual([...calls], [["t1|short/m1|c1|0", { error: false }]]);
    await second.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("FsStore dedupes by call key", async () => {
  await withStore(async (store) => {
    const sink = await store.openResults("t1", { maxRows: 1 });
    // c1: an error, then a success that finished earlier: the success wins.
    await sink.write(errorRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:05.000Z" }));
    await sink.write(resultRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:01.000Z" }));
    // c2: two errors: the one that finished last wins, whatever the string precision.
    await sink.write(errorRow({ caseId: "c2" }, { finished_at: "2026-12-04T10:00:02.500Z" }));
    await sink.write(errorRow({ caseId: "c2" }, {
      finished_at: "2026-12-04T10:00:02Z",
      error_class: "TimeoutError",
    }));
    // c3: two successes finishing at the same time: the later write wins.
    await sink.write(resultRow({ caseId: "c3" }, { output: "first" }));
    await sink.write(resultRow({ caseId: "c3" }, { output: "second" }));
    await sink.close();

    const rows = await store.readResults("t1");
    assert.deepEqual(rows.map((row) => row.case_id), ["c1", "c2", "c3"]);
    assert.equal(rows[0]?.error_class, null);
    assert.equal(rows[1]?.error_class, "ProviderError");
    assert.equal(rows[2]?.output, "second");

    const calls = await store.storedCalls("t1");
    assert.deepEqual(calls.get("t1|short/m1|c1|0"), { error: false });
    assert.deepEqual(calls.get("t1|short/m1|c2|0"), { error: true });
    assert.deepEqual(calls.get("t1|short/m1|c3|0"), { error: false });
  });
});

Deno.test("FsStore stores tests and states", async () => {
  await withStore(async (store, root) => {
    assert.deepEqual(await store.listTests(), ["t1"]);
    assert.deepEqual(await store.getTest("t1"), sampleTest());
    assert.equal(await store.getTest("t9"), undefined);
    assert.equal(await store.getState("t9"), undefined);
    await assert.rejects(store.createTest(sampleTest(), draftState()), TestExistsError);
    await assert.rejects(store.putState(draftState("t9")), TestNotFoundError);
    await assert.rejects(store.openResults("t9"), TestNotFoundError);

    const running = draftState();
    running.status = "running";
    running.history.push({ status: "running", at: "2026-12-04T10:05:00.000Z" });
    await store.putState(running);
    assert.deepEqual(await store.getState("t1"), running);
    assert.deepEqual(await listNames(join(root, "t1")), ["results", "state.json", "test.json"]);
  });
});

Deno.test("FsStore rejects path traversal ids", async () => {
  await withStore(async (store) => {
    for (const id of ["..", "../t1", "a/b", ".hidden", "", "a\\b"]) {
      await assert.rejects(store.getTest(id), TypeError, id);
      await assert.rejects(store.getState(id), TypeError, id);
      await assert.rejects(store.readResults(id), TypeError, id);
      await assert.rejects(store.listRatings(id), TypeError, id);
    }
  });
});

Deno.test("FsStore replaces state atomically", async () => {
  await withStore(async (store, root) => {
    const path = join(root, "t1", "state.json");
    const states = Array.from({ length: 40 }, (_, i) => {
      const state = draftState();
      state.history.push(
        ...Array.from({ length: 50 + i }, () => ({
          status: "paused" as const,
          at: "2026-12-04T10:05:00.000Z",
          reason: "x".repeat(200),
        })),
      );
      return state;
    });

    let writing = true;
    const reads: number[] = [];
    const reader = (async () => {
      while (writing && reads.length < 5_000) {
        // A reader must always see a whole file: the old one or the new one.
        reads.push(JSON.parse(await Deno.readTextFile(path)).history.length);
      }
    })();
    for (const state of states) await store.putState(state);
    writing = false;
    await reader;

    assert.ok(reads.length > 0);
    assert.deepEqual(await store.getState("t1"), states.at(-1));
    assert.deepEqual((await listNames(join(root, "t1"))).filter((n) => n.endsWith(".tmp")), []);
  });
});

Deno.test("FsStore stores comparisons and ratings", async () => {
  await withStore(async (store, root) => {
    const pair = (id: string, armA = "short/m1"): ComparisonPair => ({
      id,
      test_id: "t1",
      case_id: "c1",
      repeat: 0,
      arm_a: armA,
      arm_b: "long/m1",
      call_key_a: `t1|${armA}|c1|0`,
      call_key_b: "t1|long/m1|c1|0",
      created_at: "2026-12-04T11:00:00.000Z",
    });
    const rating = (key: string, choice: "A" | "B" = "A"): Rating => ({
      comparison_id: "p1",
      test_id: "t1",
      rater_id: "ana",
      choices: { overall: choice },
      idempotency_key: key,
      created_at: "2026-12-04T11:00:00.000Z",
    });

    await store.putComparisons("t1", [pair("p1"), pair("p2")]);
    await store.putComparisons("t1", [pair("p1", "long/m2"), pair("p3")]);
    const results = await Promise.all([
      store.putRating(rating("k1")),
      store.putRating(rating("k1", "B")),
      store.putRating(rating("k2")),
    ]);
    assert.deepEqual(results.map((r) => r.created), [true, false, true]);
    assert.deepEqual(results[1]?.rating, rating("k1"));
    await assert.rejects(store.putRating({ ...rating("k3"), test_id: "t9" }), TestNotFoundError);
    await store.close();

    const reopened = new FsStore({ root });
    const pairs = await reopened.listComparisons("t1");
    assert.deepEqual(pairs.map((p) => p.id), ["p1", "p2", "p3"]);
    assert.equal(pairs[0]?.arm_a, "short/m1");
    assert.deepEqual((await reopened.listRatings("t1")).map((r) => r.idempotency_key), [
      "k1",
      "k2",
    ]);
    assert.equal((await reopened.putRating(rating("k2", "B"))).created, false);
    await reopened.close();
  });
});

Deno.test("FsStore stores the report", async () => {
  await withStore(async (store, root) => {
    assert.equal(await store.getReport("t1"), undefined);
    const report = {
      schema_version: "1.0.0" as const,
      test_id: "t1",
      name: "Sample t1",
      status: "completed" as const,
      generated_at: "2026-12-04T12:00:00.000Z",
      simulated: true,
      quantile_method: "exact",
      summary: "s",
      arms: [],
      winners: [],
    };
    await store.putReport("t1", report, "# Report\n");
    assert.deepEqual(await store.getReport("t1"), report);
    assert.equal(await store.getReportMarkdown("t1"), "# Report\n");
    assert.equal(await Deno.readTextFile(join(root, "t1", "report.md")), "# Report\n");
    await assert.rejects(store.putReport("t1", { ...report, test_id: "t2" }, ""), TypeError);
  });
});

Deno.test("FsStore close flushes open sinks", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_fs_store_" });
  try {
    const store = new FsStore({ root, timers: new ManualTimers() });
    await store.createTest(sampleTest(), draftState());
    const sink = await store.openResults("t1");
    await sink.write(resultRow());
    await store.close();

    await assert.rejects(store.readResults("t1"), { message: /it is closed/ });
    await assert.rejects(sink.write(resultRow()), { message: /is closed/ });
    const reopened = new FsStore({ root });
    assert.equal((await reopened.readResults("t1")).length, 1);
    await reopened.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("FsStore removes stale temp files", async () => {
  await withStore(async (store, root) => {
    const results = join(root, "t1", "results");
    const stale = join(results, ".part-000000000-abc.parquet.1234abcd.tmp");
    const fresh = join(results, ".part-000000001-def.parquet.5678abcd.tmp");
    const staleState = join(root, "t1", ".state.json.9999abcd.tmp");
    for (const path of [stale, fresh, staleState]) await Deno.writeTextFile(path, "partial");
    const old = new Date(Date.now() - 11 * 60_000);
    await Deno.utime(stale, old, old);
    await Deno.utime(staleState, old, old);

    const sink = await store.openResults("t1");
    await sink.close();

    const names = await listNames(results);
    assert.ok(!names.includes(".part-000000000-abc.parquet.1234abcd.tmp"));
    assert.ok(names.includes(".part-000000001-def.parquet.5678abcd.tmp"));
    assert.ok(!(await listNames(join(root, "t1"))).includes(".state.json.9999abcd.tmp"));
  });
});
