import assert from "node:assert/strict";
import type { CallRequest, CallResponse, Provider } from "../providers/provider.ts";
import { ProviderError } from "../providers/provider.ts";
import { SimulatedProvider } from "../providers/simulated.ts";
import type { ABTest, TestResult } from "../schema/mod.ts";
import { nullLogger } from "../log.ts";
import type { MemoryStore } from "../store/memory_store.ts";
import { makeTest, storeWith } from "./_fixtures.ts";
import { type RunOptions, runTest } from "./engine.ts";
import { createPlan } from "./plan.ts";
import { ResponseCache } from "./cache.ts";

/** Simulated provider with no real sleeping. */
const instant = () => new SimulatedProvider({ timeScale: 0 });

/** Options shared by the tests: no sleeps between retries. */
function options(store: MemoryStore, extra: Partial<RunOptions> = {}): RunOptions {
  return { store, providers: instant, retry: { baseDelayMs: 0 }, ...extra };
}

/** Raw rows per call key, duplicates included. */
async function rowsPerKey(store: MemoryStore, testId: string): Promise<Map<string, TestResult[]>> {
  const byKey = new Map<string, TestResult[]>();
  for (const row of await store.readRawResults(testId)) {
    byKey.set(row.call_key, [...(byKey.get(row.call_key) ?? []), row]);
  }
  return byKey;
}

function plannedKeys(test: ABTest): string[] {
  return [...createPlan(test).calls()].map((call) => call.key);
}

/** A provider whose calls finish only when the test releases them. */
class GatedProvider implements Provider {
  readonly name = "gated";
  started = 0;
  maxPending = 0;
  #pending = new Set<() => void>();

  call(request: CallRequest): Promise<CallResponse> {
    this.started++;
    return new Promise((resolve) => {
      const finish = () => {
        this.#pending.delete(finish);
        resolve({
          output: `answer for ${request.callKey}`,
          finish_reason: "stop",
          usage: {
            prompt_tokens: 10,
            completion_tokens: 5,
            total_tokens: 15,
            cached_tokens: null,
            cache_write_tokens: null,
            reasoning_tokens: null,
          },
          ttft_ms: null,
          simulated: false,
        });
      };
      // The provider ignores its signal on purpose: late responses must be dropped.
      this.#pending.add(finish);
      this.maxPending = Math.max(this.maxPending, this.#pending.size);
    });
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Finishes up to `n` pending calls. */
  release(n = Infinity): void {
    for (const finish of [...this.#pending].slice(0, n)) finish();
  }
}

/** Waits until `condition` holds, polling each macrotask, for at most 2 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met within 2 s");
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

Deno.test("runTest() writes every key exactly once", async () => {
  const test = makeTest(30, {
    repeats: 2,
    concurrency: 8,
    models: [
      { id: "mini", model: "gpt-4o-mini", profile: { error_rate: 0.2 } },
      { id: "big", model: "gpt-4.1" },
    ],
  });
  const store = await storeWith(test);
  const summary = await runTest(test, options(store));

  const byKey = await rowsPerKey(store, test.id);
  assert.deepEqual([...byKey.keys()].sort(), plannedKeys(test).sort());
  for (const [key, rows] of byKey) assert.equal(rows.length, 1, key);
  assert.equal(summary.planned, 240);
  assert.equal(summary.total, 240);
  assert.equal(summary.done, 240);
  assert.equal(summary.skipped, 0);
  assert.ok(summary.retries > 0, "error_rate 0.2 should cause retries");
  assert.equal(summary.interrupted, false);
  assert.equal(summary.budgetReached, false);
});

Deno.test("runTest() fills rows from the response", async () => {
  const test = makeTest(1, { models: [{ id: "mini", model: "gpt-4o-mini" }] });
  const store = await storeWith(test);
  const summary = await runTest(test, options(store));
  const [row] = (await store.readResults(test.id)).filter((r) => r.arm_id === "plain/mini");

  assert.ok(row);
  assert.equal(row.call_key, "t1|plain/mini|case-0|0");
  assert.equal(row.variant_id, "plain");
  assert.equal(row.model_id, "mini");
  assert.equal(row.provider, "simulated");
  assert.equal(row.model, "gpt-4o-mini");
  assert.equal(row.simulated, true);
  assert.equal(row.error_class, null);
  assert.equal(row.attempts, 1);
  assert.ok(row.output);
  assert.ok(row.output.length > 0);
  assert.ok(row.latency_ms !== null);
  assert.ok(row.latency_ms > 0);
  const expectedCost = (row.prompt_tokens! * 0.15 + row.completion_tokens! * 0.6) / 1e6;
  assert.ok(Math.abs(row.cost_usd! - expectedCost) < 1e-12);
  const rowCosts = (await store.readResults(test.id)).reduce((sum, r) => sum + r.cost_usd!, 0);
  assert.ok(Math.abs(summary.costUsd - rowCosts) < 1e-12, `${summary.costUsd} vs ${rowCosts}`);
});

Deno.test("runTest() simulated runs repeat across test ids", async () => {
  const run = async (id: string) => {
    const test = makeTest(4, {
      id,
      repeats: 2,
      models: [
        { id: "mini", model: "gpt-4o-mini", profile: { error_rate: 0.2 } },
        { id: "reasoner", model: "o3-mini", stream: true },
      ],
    });
    const store = await storeWith(test);
    await runTest(test, options(store));
    const rows = await store.readResults(test.id);
    return rows
      .map(({ test_id: _t, call_key: _k, started_at: _s, finished_at: _f, ...row }) => row)
      .sort((a, b) =>
        `${a.arm_id}|${a.case_id}|${a.repeat}`.localeCompare(`${b.arm_id}|${b.case_id}|${b.repeat}`)
      );
  };

  const first = await run("demo-20261204T101500");
  const second = await run("demo-20261204T101731");
  assert.equal(first.length, 32);
  assert.deepEqual(second, first);
});

Deno.test("runTest() resume skips stored keys", async () => {
  const test = makeTest(20, { concurrency: 4 });
  const store = await storeWith(test);
  const stop = new AbortController();
  const first = await runTest(
    test,
    options(store, {
      stopSignal: stop.signal,
      onProgress: (progress) => {
        if (progress.done === 25) stop.abort();
      },
    }),
  );
  assert.equal(first.interrupted, true);
  assert.ok(first.done >= 25, `first run did ${first.done}`);
  assert.ok(first.done < 80, `first run did ${first.done}`);

  const second = await runTest(test, options(store));
  assert.equal(second.skipped, first.done);
  assert.equal(second.total, 80 - first.done);
  assert.equal(second.done, second.total);
  const byKey = await rowsPerKey(store, test.id);
  assert.equal(byKey.size, 80);
  for (const [key, rows] of byKey) assert.equal(rows.length, 1, key);

  const third = await runTest(test, options(store));
  assert.equal(third.total, 0);
  assert.equal(third.done, 0);
});

Deno.test("runTest() retryErrors reruns only error keys", async () => {
  const failing = makeTest(20, {
    models: [{ id: "mini", model: "gpt-4o-mini", max_attempts: 1, profile: { error_rate: 0.3 } }],
  });
  const store = await storeWith(failing);
  const first = await runTest(failing, options(store));
  assert.ok(first.errors > 0, "error_rate 0.3 over 40 calls should fail some");
  const errorKeys = new Set(
    (await store.readResults(failing.id)).filter((r) => r.error_class !== null).map((r) =>
      r.call_key
    ),
  );
  assert.equal(errorKeys.size, first.errors);

  // Same arms and keys, now without simulated errors.
  const healthy = makeTest(20, {
    models: [{ id: "mini", model: "gpt-4o-mini", max_attempts: 1 }],
  });
  const second = await runTest(healthy, options(store, { retryErrors: true }));
  assert.equal(second.total, errorKeys.size);
  assert.equal(second.done, errorKeys.size);
  assert.equal(second.errors, 0);

  const byKey = await rowsPerKey(store, failing.id);
  for (const [key, rows] of byKey) {
    assert.equal(rows.length, errorKeys.has(key) ? 2 : 1, key);
  }
  const latest = await store.readResults(failing.id);
  assert.equal(latest.length, 40);
  assert.ok(latest.every((row) => row.error_class === null));
});

Deno.test("runTest() abort leaves a consistent partial set", async () => {
  const test = makeTest(50, { concurrency: 4 });
  const store = await storeWith(test);
  const provider = new GatedProvider();
  const controller = new AbortController();

  const running = runTest(
    test,
    options(store, {
      providers: () => provider,
      signal: controller.signal,
    }),
  );
  await until(() => provider.pending === 4);
  provider.release(3);
  await until(() => provider.pending === 4 && provider.started === 7);
  controller.abort(new DOMException("stopped by the test", "AbortError"));
  const summary = await running;
  provider.release(); // Late responses of aborted calls.
  await new Promise((resolve) => setTimeout(resolve, 5));

  assert.equal(summary.interrupted, true);
  assert.equal(summary.done, 3);
  const rows = await store.readRawResults(test.id);
  assert.equal(rows.length, 3);
  assert.equal(new Set(rows.map((row) => row.call_key)).size, 3);
  assert.ok(rows.every((row) => row.error_class === null));
  assert.equal(provider.maxPending, 4);

  // Resume makes exactly the missing calls.
  const resumed = await runTest(test, options(store));
  assert.equal(resumed.done, 200 - 3);
  assert.equal((await store.readRawResults(test.id)).length, 200);
});

Deno.test("runTest() stopSignal lets in-flight calls finish", async () => {
  const test = makeTest(10, { concurrency: 2 });
  const store = await storeWith(test);
  const provider = new GatedProvider();
  const stop = new AbortController();

  const running = runTest(
    test,
    options(store, { providers: () => provider, stopSignal: stop.signal }),
  );
  await until(() => provider.pending === 2);
  stop.abort();
  provider.release();
  const summary = await running;

  assert.equal(summary.interrupted, true);
  assert.equal(summary.done, 2);
  assert.equal((await store.readRawResults(test.id)).length, 2);
});

Deno.test("runTest() stops at the cost budget", async () => {
  const test = makeTest(100, { concurrency: 2, models: [{ id: "big", model: "gpt-4.1" }] });
  const store = await storeWith(test);
  const summary = await runTest(test, options(store, { maxCostUsd: 0.01 }));

  assert.equal(summary.budgetReached, true);
  assert.ok(summary.done < summary.total, `${summary.done} of ${summary.total} done`);
  assert.ok(summary.costUsd >= 0.01 - 0.002, `cost ${summary.costUsd}`);
  // Only the calls in flight (at most concurrency 2) can overshoot the budget.
  const rows = await store.readResults(test.id);
  const maxCall = Math.max(...rows.map((row) => row.cost_usd ?? 0));
  assert.ok(summary.costUsd < 0.01 + 2 * maxCall, `cost ${summary.costUsd}`);
  assert.equal(rows.length, summary.done);
});

Deno.test("runTest() budget below one call runs one", async () => {
  const test = makeTest(3, { concurrency: 8 });
  const store = await storeWith(test);
  const summary = await runTest(test, options(store, { maxCostUsd: 0.000001 }));

  assert.equal(summary.total, 12);
  assert.equal(summary.budgetReached, true);
  assert.equal(summary.done, 1);
  assert.equal((await store.readRawResults(test.id)).length, 1);
});

Deno.test("runTest() budget checks when a call starts", async () => {
  const test = makeTest(50, { concurrency: 8, models: [{ id: "mini", model: "gpt-4o-mini" }] });
  const store = await storeWith(test);
  const gated = new GatedProvider();
  const run = runTest(test, options(store, { providers: () => gated, maxCostUsd: 0.00002 }));

  // Release calls one by one: once the spent cost crosses the budget, the
  // queued calls must not start, even those p-limit already holds.
  let settled = false;
  run.finally(() => settled = true).catch(() => {});
  for (let step = 0; step < 200 && !settled; step++) {
    gated.release(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const summary = await run;

  assert.equal(summary.budgetReached, true);
  const rows = await store.readResults(test.id);
  const perCall = rows[0]!.cost_usd!;
  const neededCalls = Math.ceil(0.00002 / perCall);
  assert.ok(summary.done >= neededCalls, `${summary.done} done, ${neededCalls} needed`);
  assert.ok(summary.done <= neededCalls + 8, `${summary.done} done, at most ${neededCalls + 8}`);
  assert.equal(gated.started, summary.done);
});

Deno.test("runTest() uses the test's max_cost_usd", async () => {
  const test = makeTest(100, { concurrency: 1, max_cost_usd: 0.005 });
  const store = await storeWith(test);
  const summary = await runTest(test, options(store));
  assert.equal(summary.budgetReached, true);
});

Deno.test("runTest() keeps a bounded window", async () => {
  const test = makeTest(500, { concurrency: 3 });
  const store = await storeWith(test);
  let maxInFlight = 0;
  const summary = await runTest(
    test,
    options(store, {
      onProgress: (progress) => maxInFlight = Math.max(maxInFlight, progress.inFlight),
    }),
  );
  assert.equal(summary.done, 2_000);
  assert.ok(maxInFlight <= 6, `${maxInFlight} calls admitted at once`);
});

Deno.test("runTest() reports progress to the end", async () => {
  const test = makeTest(5);
  const store = await storeWith(test);
  const seen: number[] = [];
  const summary = await runTest(
    test,
    options(store, {
      onProgress: (progress) => seen.push(progress.done),
    }),
  );
  assert.equal(seen.at(-1), summary.done);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  assert.equal(summary.done, 20);
});

Deno.test("runTest() skips skipKeys", async () => {
  const test = makeTest(3);
  const store = await storeWith(test);
  const skip = new Set(plannedKeys(test).slice(0, 5));
  const summary = await runTest(test, options(store, { skipKeys: skip }));
  assert.equal(summary.skipped, 5);
  assert.equal(summary.done, 7);
  const written = new Set((await store.readResults(test.id)).map((row) => row.call_key));
  for (const key of skip) assert.equal(written.has(key), false, key);
});

Deno.test("runTest() stops a model after a fatal error", async () => {
  const test = makeTest(40, { concurrency: 2 });
  const store = await storeWith(test);
  const fatal: Provider = {
    name: "fatal",
    call: () =>
      Promise.reject(
        new ProviderError("invalid API key", {
          status: 401,
          retryable: false,
          fatalForModel: true,
        }),
      ),
  };
  const summary = await runTest(
    test,
    options(store, {
      providers: (model) => model.id === "big" ? fatal : instant(),
    }),
  );

  assert.deepEqual(summary.stoppedModels, ["big"]);
  const rows = await store.readResults(test.id);
  const bigRows = rows.filter((row) => row.model_id === "big");
  assert.ok(bigRows.length >= 1, `${bigRows.length} rows for big`);
  assert.ok(bigRows.length <= 4, `${bigRows.length} rows for big`);
  assert.ok(bigRows.every((row) => row.error_class === "ProviderError"));
  assert.equal(rows.filter((row) => row.model_id === "mini").length, 80);
});

Deno.test("runTest() rejects invalid options before writing", async () => {
  const test = makeTest(2);
  const store = await storeWith(test);
  await assert.rejects(runTest(test, options(store, { concurrency: 0 })), {
    name: "RangeError",
    message: "Invalid concurrency 0: use an integer >= 1",
  });
  await assert.rejects(runTest(test, options(store, { maxCostUsd: -1 })), {
    name: "RangeError",
    message: "Invalid maxCostUsd -1: use a positive number of USD",
  });
  assert.equal((await store.readRawResults(test.id)).length, 0);
});

Deno.test("runTest() rethrows a sink failure", async () => {
  const test = makeTest(5);
  const store = await storeWith(test);
  const broken = new Proxy(store, {
    get(target, property) {
      if (property === "openResults") {
        return () =>
          Promise.resolve({
            write: () => Promise.reject(new Error("disk full")),
            flush: () => Promise.resolve(),
            close: () => Promise.resolve(),
          });
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  await assert.rejects(runTest(test, options(broken)), { message: "disk full" });
});

Deno.test("runTest() serves cache hits when cache is on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-engine-cache-" });
  try {
    const cache = new ResponseCache({ dir });
    const first = makeTest(3, { cache: true });
    const firstStore = await storeWith(first);
    const cold = await runTest(first, options(firstStore, { cache }));
    assert.equal(cold.done, 12);
    assert.ok((await firstStore.readResults(first.id)).every((row) => !row.from_cache));

    // Same requests under another test id: every call is a hit and costs nothing.
    const second = { ...first, id: "t2" };
    const secondStore = await storeWith(second);
    const warm = await runTest(second, options(secondStore, { cache }));
    const rows = await secondStore.readResults(second.id);
    assert.equal(warm.done, 12);
    assert.equal(warm.costUsd, 0);
    assert.ok(rows.every((row) => row.from_cache && row.cost_usd === 0));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runTest() stores invalid usage as null", async () => {
  const test = makeTest(3, { concurrency: 2 });
  const store = await storeWith(test);
  const odd: Provider = {
    name: "odd",
    call: () =>
      Promise.resolve({
        output: "fine",
        finish_reason: "stop",
        usage: {
          prompt_tokens: -1,
          completion_tokens: 2.5,
          total_tokens: 3,
          cached_tokens: null,
          cache_write_tokens: null,
          reasoning_tokens: null,
        },
        ttft_ms: null,
        simulated: false,
      }),
  };
  const warnings: string[] = [];
  const logger = { ...nullLogger, warn: (message: string) => warnings.push(message) };
  const summary = await runTest(test, options(store, { providers: () => odd, logger }));

  assert.equal(summary.errors, 0);
  const rows = await store.readResults(test.id);
  assert.equal(rows.length, 12);
  for (const row of rows) {
    assert.equal(row.output, "fine");
    assert.equal(row.prompt_tokens, null);
    assert.equal(row.completion_tokens, null);
    assert.equal(row.total_tokens, 3);
  }
  // Once per model and field: two models, two fields.
  assert.equal(warnings.length, 4, warnings.join("\n"));
  assert.match(
    warnings[0]!,
    /^odd model gpt-[^:]+: usage\.prompt_tokens is -1, expected a whole number >= 0; stored as null/,
  );
});

Deno.test("runTest() summarizes errors per arm", async () => {
  const test = makeTest(6, { concurrency: 2 });
  const store = await storeWith(test);
  const failing: Provider = {
    name: "failing",
    call: (request) =>
      Promise.reject(
        new ProviderError(request.callKey.includes("|case-0|") ? "quota gone" : "bad request", {
          status: 400,
          retryable: false,
        }),
      ),
  };
  const summary = await runTest(
    test,
    options(store, { providers: (model) => model.id === "big" ? failing : instant() }),
  );

  assert.deepEqual(summary.errorsByArm.map((arm) => arm.armId).sort(), [
    "friendly/big",
    "plain/big",
  ]);
  const plain = summary.errorsByArm.find((arm) => arm.armId === "plain/big")!;
  assert.equal(plain.calls, 6);
  assert.equal(plain.errors, 6);
  assert.deepEqual(plain.kinds, [
    { errorClass: "ProviderError", message: "bad request", count: 5 },
    { errorClass: "ProviderError", message: "quota gone", count: 1 },
  ]);
  assert.equal(plain.otherErrors, 0);
});

Deno.test("runTest() tells missing usage from missing prices", async () => {
  const test = makeTest(2, {
    models: [
      { id: "priced", model: "gpt-4o-mini", provider: "openai", price: { input: 1, output: 2 } },
      { id: "unpriced", model: "house-model-1", provider: "openai" },
    ],
  });
  const store = await storeWith(test);
  const noUsage: CallResponse = {
    output: "answer",
    finish_reason: "stop",
    usage: {
      prompt_tokens: null,
      completion_tokens: null,
      total_tokens: null,
      cached_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: null,
    },
    ttft_ms: null,
    simulated: false,
  };
  // The priced model reports no usage; the unpriced one reports usage.
  const provider: Provider = {
    name: "mixed",
    call: (request) =>
      request.model.id === "priced" ? Promise.resolve(noUsage) : instant().call(request),
  };
  const summary = await runTest(test, options(store, { providers: () => provider }));

  assert.equal(summary.usageMissing, 4);
  assert.equal(summary.costUnknown, 4);
});
