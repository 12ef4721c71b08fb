/**
 * The engine against a faulty provider: 2,000 calls through the real SDKs to
 * the loopback mock, which responds to 20% of requests with 429, 5% with 5xx,
 * 2% too slowly and 1% with malformed bodies.
 */
import assert from "node:assert/strict";
import { runTest } from "../lib/engine/engine.ts";
import { RateLimiter } from "../lib/engine/rate_limit.ts";
import { MemoryLogger } from "./mock_server/fixtures.ts";
import { type ABTest, ABTestSchema, type TestResult } from "../lib/schema/mod.ts";
import type { ResultSink, Store } from "../lib/store/store.ts";
import { MemoryStore } from "../lib/store/memory_store.ts";
import { randomFaults, startMockServer } from "./mock_server/mod.ts";
import { TEST_KEY } from "./mock_server/fixtures.ts";

/** Wait a 429 requests; short so the test stays fast. */
const RETRY_AFTER_MS = 20;
/**
 * Per-attempt timeout; a `slow` response takes `SLOW_MS`, well past it. The
 * mock shares the test's event loop, so a busy machine delays every response
 * and a tighter timeout turns ordinary responses into timeouts.
 */
const TIMEOUT_MS = 1_500;
const SLOW_MS = 4_000;
const MAX_ATTEMPTS = 4;

function faultTest(openaiBaseUrl: string, anthropicUrl: string): ABTest {
  const common = { timeout_ms: TIMEOUT_MS, max_attempts: MAX_ATTEMPTS };
  return ABTestSchema.parse({
    id: "fault-matrix",
    name: "fault matrix",
    repeats: 2,
    concurrency: 32,
    variants: [{ id: "v1", template: "Summarize {{topic}}." }],
    models: [
      { id: "oa", provider: "openai", model: "gpt-4o-mini", base_url: openaiBaseUrl, ...common },
      {
        id: "an",
        provider: "anthropic",
        model: "claude-3-5-haiku",
        base_url: anthropicUrl,
        stream: true,
        ...common,
      },
    ],
    cases: Array.from({ length: 500 }, (_, i) => ({
      id: `case-${i}`,
      vars: { topic: `ticket ${i}` },
    })),
  });
}

/** Wrap a store so its sinks also record every row written, per call key. */
function countingStore(inner: Store, counts: Map<string, TestResult[]>): Store {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== "openResults") {
        // Bind methods to the store itself, whose private fields a proxy cannot reach.
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return async (...args: Parameters<Store["openResults"]>): Promise<ResultSink> => {
        const sink = await target.openResults(...args);
        return {
          write: (row) => {
            counts.set(row.call_key, [...(counts.get(row.call_key) ?? []), row]);
            return sink.write(row);
          },
          flush: () => sink.flush(),
          close: () => sink.close(),
        };
      };
    },
  });
}

Deno.test({
  name: "runTest under the fault matrix",
  // The SDKs keep pooled connections to the mock open past the test.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const server = await startMockServer({
      latencyMs: 2,
      gapMs: 0,
      slowMs: SLOW_MS,
      retryAfterMs: RETRY_AFTER_MS,
      faults: randomFaults({
        rate_limit: 0.2,
        server_error: 0.02,
        unavailable: 0.015,
        overloaded: 0.015,
        slow: 0.02,
        malformed: 0.01,
      }, 42),
    });
    try {
      const test = faultTest(server.openaiBaseUrl, server.url);
      const memory = new MemoryStore();
      await memory.createTest(test, {
        test_id: test.id,
        status: "running",
        history: [{ status: "running", at: new Date().toISOString() }],
      });
      const written = new Map<string, TestResult[]>();
      const logger = new MemoryLogger();

      const startedAt = performance.now();
      const summary = await runTest(test, {
        store: countingStore(memory, written),
        env: { OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: TEST_KEY },
        logger,
        limiter: new RateLimiter({ logger, maxConcurrency: 32 }),
        retry: { baseDelayMs: 10, maxDelayMs: 100 },
      });
      const elapsedMs = performance.now() - startedAt;

      // Every planned key was written exactly once.
      assert.equal(summary.total, 2000);
      assert.equal(summary.done, 2000);
      assert.equal(summary.interrupted, false);
      assert.equal(written.size, 2000);
      const duplicated = [...written].filter(([, rows]) => rows.length !== 1);
      assert.deepEqual(duplicated.map(([key]) => key), []);
      const stored = await memory.readResults(test.id);
      assert.equal(stored.length, 2000);

      // Each row is a success or an error after the maximum attempts.
      let successes = 0;
      let attemptsTotal = 0;
      for (const [key, [row]] of written) {
        attemptsTotal += row!.attempts;
        if (row!.error_class === null) {
          successes++;
          assert.ok(row!.output !== null, key);
          assert.ok(row!.output.startsWith("reply to"), key);
        } else {
          assert.equal(row!.attempts, MAX_ATTEMPTS, `${key}: ${row!.error_message}`);
        }
      }
      assert.equal(summary.errors, 2000 - successes);
      assert.equal(summary.retries, attemptsTotal - 2000);

      // The server received at most one request per attempt. It receives fewer when
      // an attempt times out before the SDK sends it, which a stalled machine causes.
      const timeouts = logger.lines.filter((line) =>
        line.message === "retrying provider call" && /timed out/.test(String(line.fields?.error))
      ).length;
      assert.ok(server.stats.requests <= attemptsTotal);
      assert.ok(attemptsTotal - server.stats.requests <= timeouts);

      // Every retry after a 429 the client read arrived after the retry-after
      // expired. The client reads a 429 unless its own timeout fired first,
      // which happens only when the machine stalls for TIMEOUT_MS.
      const readRateLimits = new Set<string>();
      for (const line of logger.lines) {
        if (line.message !== "retrying provider call") {
          continue;
        }
        if (!String(line.fields?.error).includes("rate limited (HTTP 429)")) {
          continue;
        }
        readRateLimits.add(`${line.fields?.call_key}#${line.fields?.attempt}`);
      }
      assert.equal(readRateLimits.size, summary.rateLimitWaits);
      const early: string[] = [];
      let unread = 0;
      for (const key of written.keys()) {
        const arrivals = server.stats.byKey(key);
        for (let i = 1; i < arrivals.length; i++) {
          const previous = arrivals[i - 1]!;
          if (previous.retryAfterMs === undefined) {
            continue;
          }
          if (!readRateLimits.has(`${key}#${i}`)) {
            unread++;
            continue;
          }
          const gap = arrivals[i]!.arrivedAt - previous.respondedAt!;
          if (gap < previous.retryAfterMs) {
            early.push(`${key} attempt ${i + 1}: ${gap} ms`);
          }
        }
      }
      assert.deepEqual(early, []);
      assert.ok(readRateLimits.size > 300, `only ${readRateLimits.size} retries after a 429`);
      assert.ok(unread <= readRateLimits.size / 20, `${unread} 429s were not read in time`);

      // Timeouts were retried, and their late responses did not add rows.
      assert.ok((server.stats.faults.slow ?? 0) > 10);
      console.log(
        `fault matrix: ${server.stats.requests} requests, ${summary.retries} retries, ` +
          `${summary.errors} errors after ${MAX_ATTEMPTS} attempts, ` +
          `${timeouts} timeouts, ${unread} 429s lost to a client timeout, ` +
          `faults ${JSON.stringify(server.stats.faults)}, ${Math.round(elapsedMs)} ms`,
      );
    } finally {
      await server.stop();
    }
  },
});
