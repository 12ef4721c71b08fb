import assert from "node:assert/strict";
import type { ABTest, TestState, TestStatus } from "../schema/mod.ts";
import type { Store } from "../store/store.ts";
import { MemoryStore } from "../store/memory_store.ts";
import { FsStore } from "../store/fs_store.ts";
import { resolve } from "node:path";
import { Controller } from "./controller.ts";
import { TestExistsError, TestNotFoundError, TransitionError } from "./errors.ts";
import type { LifecycleAction } from "./transitions.ts";

const STATUSES: TestStatus[] = ["draft", "running", "paused", "completed", "failed"];

/** Every allowed `from -> to` pair, written out so a change to the lifecycle fails here. */
const ALLOWED = new Set([
  "draft->running",
  "draft->failed",
  "running->paused",
  "running->completed",
  "running->failed",
  "paused->running",
  "paused->completed",
  "paused->failed",
]);

/** Source statuses each action accepts. */
const ACTION_SOURCES: Record<LifecycleAction, TestStatus[]> = {
  start: ["draft", "paused"],
  pause: ["running"],
  resume: ["paused"],
  complete: ["running", "paused"],
  fail: ["draft", "running", "paused"],
};
const ACTION_TARGET: Record<LifecycleAction, TestStatus> = {
  start: "running",
  pause: "paused",
  resume: "running",
  complete: "completed",
  fail: "failed",
};

/** A `MemoryStore` that counts state writes and yields before each, as a disk write would. */
class CountingStore extends MemoryStore {
  puts = 0;

  override async putState(state: TestState): Promise<void> {
    this.puts++;
    await new Promise((resolve) => setTimeout(resolve, 1));
    return await super.putState(state);
  }
}

function sampleTest(id = "t1"): ABTest {
  return {
    id,
    name: "sample",
    seed: 0,
    repeats: 1,
    concurrency: 4,
    cache: false,
    variants: [{ id: "v1", template: "Say {{x}}" }],
    models: [{
      id: "m1",
      provider: "simulated",
      model: "sim",
      stream: false,
      timeout_ms: 1000,
      max_attempts: 1,
    }],
    traffic: { mode: "factorial" },
    cases: [{ id: "c1", vars: { x: "hi" } }],
    rating_dimensions: [{ id: "overall" }],
  };
}

/** Returns a clock that advances one second per reading, from 2026-01-01T00:00:00Z. */
function fakeClock(): () => Date {
  let tick = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
}

/** Stores a test directly in `status`, bypassing the controller. */
async function seed(store: Store, status: TestStatus, id = "t1"): Promise<void> {
  await store.createTest(sampleTest(id), {
    test_id: id,
    status,
    history: [{ status, at: "2025-12-31T00:00:00.000Z" }],
  });
}

Deno.test("create() stores a draft with history and created_at", async () => {
  const store = new CountingStore();
  const controller = new Controller({ store, now: fakeClock() });

  const record = await controller.create(sampleTest(), { reason: "from file" });

  assert.equal(record.state.status, "draft");
  assert.deepEqual(record.state.history, [
    { status: "draft", at: "2026-01-01T00:00:00.000Z", reason: "from file" },
  ]);
  assert.equal(record.test.created_at, "2026-01-01T00:00:00.000Z");
  assert.deepEqual(await store.getState("t1"), record.state);
  assert.equal((await store.getTest("t1"))?.created_at, "2026-01-01T00:00:00.000Z");
});

Deno.test("create() rejects an existing id", async () => {
  const controller = new Controller({ store: new CountingStore() });
  await controller.create(sampleTest());

  await assert.rejects(controller.create(sampleTest()), (error: unknown) => {
    assert.ok(error instanceof TestExistsError);
    assert.equal(error.testId, "t1");
    assert.match(error.message, /test "t1": a test with this id already exists/);
    return true;
  });
});

for (const from of STATUSES) {
  for (const to of STATUSES) {
    const allowed = ALLOWED.has(`${from}->${to}`);
    Deno.test(`transition() ${from} -> ${to} ${allowed ? "succeeds" : "throws"}`, async () => {
      const store = new CountingStore();
      await seed(store, from);
      const controller = new Controller({ store, now: fakeClock() });

      const attempt = controller.transition("t1", to, { reason: "table" });

      if (allowed) {
        const state = await attempt;
        assert.equal(state.status, to);
        assert.deepEqual(state.history.at(-1), {
          status: to,
          at: "2026-01-01T00:00:00.000Z",
          reason: "table",
        });
        assert.equal(state.history.length, 2);
        assert.deepEqual(await store.getState("t1"), state);
        return;
      }
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof TransitionError);
        assert.equal(error.testId, "t1");
        assert.equal(error.from, from);
        assert.equal(error.to, to);
        assert.deepEqual(
          [...error.allowedTo],
          STATUSES.filter((status) => ALLOWED.has(`${from}->${status}`)),
        );
        assert.match(error.message, new RegExp(`test "t1" to ${to}: it is ${from}`));
        return true;
      });
      assert.equal((await store.getState("t1"))?.status, from);
      assert.equal(store.puts, 0);
    });
  }
}

for (const action of Object.keys(ACTION_SOURCES) as LifecycleAction[]) {
  for (const from of STATUSES) {
    const allowed = ACTION_SOURCES[action].includes(from);
    Deno.test(`${action}() from ${from} ${allowed ? "succeeds" : "throws"}`, async () => {
      const store = new CountingStore();
      await seed(store, from);
      const controller = new Controller({ store, now: fakeClock() });

      const attempt = controller[action]("t1");

      if (allowed) {
        const state = await attempt;
        assert.equal(state.status, ACTION_TARGET[action]);
        assert.deepEqual(state.history.at(-1), {
          status: ACTION_TARGET[action],
          at: "2026-01-01T00:00:00.000Z",
        });
        return;
      }
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof TransitionError);
        assert.equal(error.action, action);
        assert.equal(error.from, from);
        assert.equal(error.to, ACTION_TARGET[action]);
        assert.deepEqual([...error.allowedFrom], ACTION_SOURCES[action]);
        assert.match(error.message, new RegExp(`cannot ${action} test "t1": it is ${from}`));
        assert.match(
          error.message,
          new RegExp(`requires status ${error.allowedFrom.join(" or ")}`),
        );
        return true;
      });
      assert.equal(store.puts, 0);
    });
  }
}

Deno.test("TransitionError message names a final status", async () => {
  const store = new CountingStore();
  await seed(store, "completed");
  const controller = new Controller({ store });

  await assert.rejects(controller.pause("t1"), {
    name: "TransitionError",
    message: 'cannot pause test "t1": it is completed, and pause requires status running; ' +
      "completed is final",
  });
});

Deno.test("lifecycle keeps the full history in order", async () => {
  const store = new CountingStore();
  const controller = new Controller({ store, now: fakeClock() });

  await controller.create(sampleTest());
  await controller.start("t1");
  await controller.pause("t1", { reason: "interrupted" });
  await controller.resume("t1");
  const state = await controller.complete("t1");

  assert.deepEqual(state.history, [
    { status: "draft", at: "2026-01-01T00:00:00.000Z" },
    { status: "running", at: "2026-01-01T00:00:01.000Z" },
    { status: "paused", at: "2026-01-01T00:00:02.000Z", reason: "interrupted" },
    { status: "running", at: "2026-01-01T00:00:03.000Z" },
    { status: "completed", at: "2026-01-01T00:00:04.000Z" },
  ]);
});

Deno.test("concurrent pause() calls change the state once", async () => {
  const store = new CountingStore();
  await seed(store, "running");
  const controller = new Controller({ store });

  const outcomes = await Promise.allSettled([controller.pause("t1"), controller.pause("t1")]);

  assert.equal(outcomes[0]?.status, "fulfilled");
  assert.equal(outcomes[1]?.status, "rejected");
  const second = outcomes[1];
  assert.ok(second?.status === "rejected");
  assert.ok(second.reason instanceof TransitionError);
  assert.equal((await store.getState("t1"))?.history.length, 2);
});

Deno.test("unknown test id throws TestNotFoundError", async () => {
  const controller = new Controller({ store: new CountingStore() });

  await assert.rejects(controller.start("nope"), (error: unknown) => {
    assert.ok(error instanceof TestNotFoundError);
    assert.equal(error.testId, "nope");
    assert.match(error.message, /Test "nope" not found/);
    return true;
  });
  await assert.rejects(controller.get("nope"), TestNotFoundError);
  await assert.rejects(controller.getState("nope"), TestNotFoundError);
});

Deno.test("list() returns every state sorted by id", async () => {
  const store = new CountingStore();
  await seed(store, "paused", "b");
  await seed(store, "completed", "a");
  const controller = new Controller({ store });

  const states = await controller.list();

  assert.deepEqual(states.map((state) => [state.test_id, state.status]), [
    ["a", "completed"],
    ["b", "paused"],
  ]);
});

Deno.test("Controller defaults to FsStore under runs", () => {
  const controller = new Controller();

  assert.ok(controller.store instanceof FsStore);
  assert.equal(controller.store.root, resolve("runs"));
});
