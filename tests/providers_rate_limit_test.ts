/**
 * Requests-per-minute and tokens-per-minute limits through runTest and the
 * real SDK, measured by arrival times at the mock.
 */
import assert from "node:assert/strict";
import { runTest } from "../lib/engine/engine.ts";
import { ABTestSchema, type ModelConfig } from "../lib/schema/mod.ts";
import { MemoryStore } from "../lib/store/memory_store.ts";
import { startMockServer } from "./mock_server/mod.ts";
import { TEST_KEY } from "./mock_server/fixtures.ts";

const CALLS = 40;

async function arrivalsUnder(limits: Partial<ModelConfig>): Promise<number[]> {
  const server = await startMockServer({ latencyMs: 1 });
  try {
    const test = ABTestSchema.parse({
      id: "limited",
      name: "rate limited",
      concurrency: 16,
      variants: [{ id: "v", template: "Say {{word}}." }],
      models: [{
        id: "m",
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: server.openaiBaseUrl,
        ...limits,
      }],
      cases: Array.from({ length: CALLS }, (_, i) => ({ id: `c${i}`, vars: { word: `w${i}` } })),
    });
    const store = new MemoryStore();
    await store.createTest(test, {
      test_id: test.id,
      status: "running",
      history: [{ status: "running", at: new Date().toISOString() }],
    });
    const summary = await runTest(test, { store, env: { OPENAI_API_KEY: TEST_KEY } });
    assert.equal(summary.done, CALLS);
    assert.equal(summary.errors, 0);
    return server.stats.arrivals.map((arrival) => arrival.arrivedAt).sort((a, b) => a - b);
  } finally {
    await server.stop();
  }
}

/** Largest number of arrivals within any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

Deno.test({
  name: "runTest spaces requests by rpm",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // 600 per minute: a burst of 10, then one every 100 ms.
    const times = await arrivalsUnder({ rpm: 600 });
    assert.equal(times.length, CALLS);
    // After the burst of 10, the 11th to 40th requests are admitted 100 ms apart.
    // The first arrivals are left out because the first connection delays them.
    const spanMs = times.at(-1)! - times[10]!;
    assert.ok(spanMs >= 29 * 100 - 200, `requests 11 to 40 in ${spanMs.toFixed(0)} ms`);
    // Any one-second window contains at most the burst plus one second of
    // refill (20), and two more for the jitter between admission and arrival.
    assert.ok(maxInWindow(times, 1000) <= 22, `${maxInWindow(times, 1000)} in one second`);
  },
});

Deno.test({
  name: "runTest spaces requests by tpm",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // Each request is estimated at 2 prompt tokens plus max_tokens 98, so 100
    // tokens. 60,000 per minute: a burst of 1,000 tokens (10 requests), then one
    // every 100 ms. The mock reports 10 tokens used, and nothing is refunded.
    const times = await arrivalsUnder({ tpm: 60_000, max_tokens: 98 });
    assert.equal(times.length, CALLS);
    const spanMs = times.at(-1)! - times[10]!;
    assert.ok(spanMs >= 29 * 100 - 200, `requests 11 to 40 in ${spanMs.toFixed(0)} ms`);
    assert.ok(maxInWindow(times, 1000) <= 22, `${maxInWindow(times, 1000)} in one second`);
  },
});
