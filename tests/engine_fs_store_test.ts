/**
 * The engine against the filesystem store: a split run aborted midway and
 * resumed ends with every planned call stored once in the Parquet parts.
 */
import assert from "node:assert/strict";
import {
  ABTestSchema,
  createPlan,
  FsStore,
  runTest,
  SimulatedProvider,
  type TestResult,
} from "../lib/mod.ts";

const test = ABTestSchema.parse({
  id: "engine-fs",
  name: "engine on the filesystem store",
  seed: 11,
  concurrency: 16,
  traffic: { mode: "split", weights: { "short/mini": 50, "short/big": 25, "long/mini": 25 } },
  variants: [
    { id: "short", system: "Be concise.", template: "Summarize {{text}}" },
    { id: "long", system: "Be detailed.", template: "Explain {{text}}" },
  ],
  models: [
    { id: "mini", model: "gpt-4o-mini", profile: { error_rate: 0.05 } },
    { id: "big", model: "gpt-4.1" },
  ],
  cases: Array.from({ length: 2_000 }, (_, i) => ({
    id: `doc-${i}`,
    vars: { text: `document ${i} on delivery times` },
  })),
});

Deno.test("runTest() on FsStore resumes to exactly once", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab-engine-fs-" });
  const store = new FsStore({ root });
  try {
    const at = new Date().toISOString();
    await store.createTest(test, {
      test_id: test.id,
      status: "running",
      history: [{ status: "running", at }],
    });
    const providers = () => new SimulatedProvider({ timeScale: 0 });
    const retry = { baseDelayMs: 0 };

    // First run: hard stop after 700 calls.
    const controller = new AbortController();
    const first = await runTest(test, {
      store,
      providers,
      retry,
      signal: controller.signal,
      sink: { maxRows: 256 },
      onProgress: (progress) => {
        if (progress.done === 700) controller.abort(new DOMException("stop", "AbortError"));
      },
    });
    assert.equal(first.interrupted, true);
    assert.ok(first.done >= 700, `first run did ${first.done}`);
    assert.ok(first.done < 2_000, `first run did ${first.done}`);
    const storedAfterFirst = await store.storedCalls(test.id);
    assert.equal(storedAfterFirst.size, first.done);

    // Second run: only the missing calls.
    const second = await runTest(test, { store, providers, retry });
    assert.equal(second.skipped, first.done);
    assert.equal(second.done, 2_000 - first.done);

    const rows: TestResult[] = await store.readResults(test.id);
    const keys = rows.map((row) => row.call_key);
    assert.equal(rows.length, 2_000);
    assert.equal(new Set(keys).size, 2_000);
    const planned = [...createPlan(test).calls()].map((call) => call.key);
    assert.deepEqual([...keys].sort(), planned.sort());

    // Arm shares follow the weights to within one case.
    const perArm = new Map<string, number>();
    for (const row of rows) perArm.set(row.arm_id, (perArm.get(row.arm_id) ?? 0) + 1);
    assert.equal(perArm.get("short/mini"), 1_000);
    assert.equal(perArm.get("short/big"), 500);
    assert.equal(perArm.get("long/mini"), 500);
    assert.equal(perArm.get("long/big"), undefined);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
});
