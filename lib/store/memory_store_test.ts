import assert from "node:assert/strict";
import type { ComparisonPair, Rating } from "../schema/mod.ts";
import { MemoryStore } from "./memory_store.ts";
import { TestExistsError, TestNotFoundError } from "./errors.ts";
import { draftState, errorRow, ManualTimers, resultRow, sampleTest } from "./_testing.ts";

function rating(key: string, overrides: Partial<Rating> = {}): Rating {
  return {
    comparison_id: "p1",
    test_id: "t1",
    rater_id: "ana",
    choices: { overall: "A" },
    idempotency_key: key,
    created_at: "2026-12-04T11:00:00.000Z",
    ...overrides,
  };
}

function pair(id: string, overrides: Partial<ComparisonPair> = {}): ComparisonPair {
  return {
    id,
    test_id: "t1",
    case_id: "c1",
    repeat: 0,
    arm_a: "short/m1",
    arm_b: "long/m1",
    call_key_a: "t1|short/m1|c1|0",
    call_key_b: "t1|long/m1|c1|0",
    created_at: "2026-12-04T11:00:00.000Z",
    ...overrides,
  };
}

Deno.test("MemoryStore stores tests and states", async () => {
  const store = new MemoryStore();
  await store.createTest(sampleTest("b"), draftState("b"));
  await store.createTest(sampleTest("a"), draftState("a"));

  assert.deepEqual(await store.listTests(), ["a", "b"]);
  assert.deepEqual(await store.getTest("a"), sampleTest("a"));
  assert.equal(await store.getTest("missing"), undefined);
  await assert.rejects(store.createTest(sampleTest("a"), draftState("a")), TestExistsError);

  const running = draftState("a");
  running.status = "running";
  running.history.push({ status: "running", at: "2026-12-04T10:01:00.000Z" });
  await store.putState(running);
  assert.deepEqual(await store.getState("a"), running);
  await assert.rejects(store.putState(draftState("zz")), TestNotFoundError);
});

Deno.test("MemoryStore copies records", async () => {
  const store = new MemoryStore();
  const test = sampleTest();
  await store.createTest(test, draftState());
  test.name = "changed";
  const read = await store.getTest("t1");
  assert.equal(read?.name, "Sample t1");
  read!.name = "changed again";
  assert.equal((await store.getTest("t1"))?.name, "Sample t1");
});

Deno.test("MemoryStore shows results after flush", async () => {
  const store = new MemoryStore({ timers: new ManualTimers() });
  await store.createTest(sampleTest(), draftState());
  const sink = await store.openResults("t1", { maxRows: 10 });

  await sink.write(resultRow());
  assert.deepEqual(await store.readResults("t1"), []);
  await sink.flush();
  assert.deepEqual(await store.readResults("t1"), [resultRow()]);
  await sink.close();
  assert.equal(await store.resultFiles("t1"), undefined);
});

Deno.test("MemoryStore keeps a later success", async () => {
  const store = new MemoryStore({ timers: new ManualTimers() });
  await store.createTest(sampleTest(), draftState());
  const sink = await store.openResults("t1");
  await sink.write(errorRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:01.000Z" }));
  await sink.write(errorRow({ caseId: "c2" }));
  await sink.write(resultRow({ caseId: "c1" }, { finished_at: "2026-12-04T10:00:05.000Z" }));
  await sink.close();

  const rows = await store.readResults("t1");
  assert.equal(rows.length, 2);
  assert.equal(rows[0]?.case_id, "c1");
  assert.equal(rows[0]?.error_class, null);
  assert.equal(rows[1]?.error_class, "ProviderError");

  const calls = await store.storedCalls("t1");
  assert.deepEqual(calls.get("t1|short/m1|c1|0"), { error: false });
  assert.deepEqual(calls.get("t1|short/m1|c2|0"), { error: true });
  assert.equal((await store.readRawResults("t1")).length, 3);
});

Deno.test("MemoryStore dedupes comparisons by id", async () => {
  const store = new MemoryStore();
  await store.createTest(sampleTest(), draftState());
  await store.putComparisons("t1", [pair("p1"), pair("p2")]);
  await store.putComparisons("t1", [pair("p1", { arm_a: "long/m1", arm_b: "short/m1" })]);

  const pairs = await store.listComparisons("t1");
  assert.deepEqual(pairs.map((p) => p.id), ["p1", "p2"]);
  assert.equal(pairs[0]?.arm_a, "short/m1");
  await assert.rejects(store.putComparisons("t1", [pair("p3", { test_id: "t2" })]), TypeError);
});

Deno.test("MemoryStore returns a repeated rating key", async () => {
  const store = new MemoryStore();
  await store.createTest(sampleTest(), draftState());

  const first = await store.putRating(rating("k1"));
  const again = await store.putRating(rating("k1", { choices: { overall: "B" } }));
  const other = await store.putRating(rating("k2"));

  assert.equal(first.created, true);
  assert.equal(again.created, false);
  assert.deepEqual(again.rating, rating("k1"));
  assert.equal(other.created, true);
  assert.equal((await store.listRatings("t1")).length, 2);
  await assert.rejects(store.putRating(rating("k3", { test_id: "nope" })), TestNotFoundError);
});
