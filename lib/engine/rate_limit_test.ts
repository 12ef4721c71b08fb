import assert from "node:assert/strict";
import { estimateTokens, RateLimiter } from "./rate_limit.ts";
import type { RetryRequest, RetryTimers } from "./retry.ts";
import { type CallResponse, ProviderError, RateLimitError } from "../providers/provider.ts";
import { type ModelConfig, ModelConfigSchema } from "../schema/mod.ts";

function requestFor(model: Partial<ModelConfig>, content = "hello world!"): RetryRequest {
  return {
    model: ModelConfigSchema.parse({ id: "m", provider: "openai", model: "gpt-test", ...model }),
    messages: [{ role: "user", content }],
    callKey: "k",
    seed: 0,
    repeat: 0,
  };
}

/** Fake timers: a sleep advances the clock by its duration and resolves at once. */
function fakeTimers(): RetryTimers {
  let now = 0;
  return {
    now: () => now,
    sleep(ms) {
      now += ms;
      return Promise.resolve();
    },
  };
}

const ok: CallResponse = {
  output: "ok",
  finish_reason: "stop",
  usage: {
    prompt_tokens: 3,
    completion_tokens: 7,
    total_tokens: 10,
    cached_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
  },
  ttft_ms: null,
  simulated: false,
};

Deno.test("RateLimiter spaces requests by rpm", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  const request = requestFor({ rpm: 60 });
  const admittedAt: number[] = [];
  for (let i = 0; i < 4; i++) {
    const permit = await limiter.acquire(request);
    admittedAt.push(Math.round(timers.now()));
    permit.release({ response: ok });
  }
  assert.deepEqual(admittedAt, [0, 1000, 2000, 3000]);
});

Deno.test("RateLimiter spaces requests by tpm", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  // 600 tokens per minute hold 10 tokens per second; each request reports 10.
  const request = requestFor({ tpm: 600 }, "x".repeat(40));
  assert.equal(estimateTokens(request), 10);
  const admittedAt: number[] = [];
  for (let i = 0; i < 3; i++) {
    const permit = await limiter.acquire(request);
    admittedAt.push(Math.round(timers.now()));
    permit.release({ response: ok });
  }
  assert.deepEqual(admittedAt, [0, 1000, 2000]);
});

Deno.test("RateLimiter pauses a model for retry-after", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  const request = requestFor({});
  const permit = await limiter.acquire(request);
  permit.release({ error: new RateLimitError("slow down", { retryAfterMs: 750 }) });
  await limiter.acquire(request);
  assert.equal(timers.now(), 750);
  // Another model is not paused.
  await limiter.acquire(requestFor({ model: "other" }));
  assert.equal(timers.now(), 750);
});

Deno.test("RateLimiter halves concurrency on 429", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers, maxConcurrency: 8 });
  const request = requestFor({});
  const permits = [];
  for (let i = 0; i < 8; i++) permits.push(await limiter.acquire(request));
  permits.pop()!.release({ error: new RateLimitError("slow down", {}) });
  assert.equal(limiter.stats()[0]!.concurrencyCap, 4);

  // Seven in flight against a cap of four: the next request waits for four releases.
  let admitted = false;
  const waiting = limiter.acquire(request).then((permit) => {
    admitted = true;
    return permit;
  });
  for (let i = 0; i < 3; i++) {
    permits.pop()!.release({ error: new ProviderError("down", { retryable: true }) });
    await Promise.resolve();
    assert.equal(admitted, false);
  }
  permits.pop()!.release({ response: ok });
  (await waiting).release({ response: ok });
  assert.equal(admitted, true);
});

Deno.test("RateLimiter grows concurrency after successes", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers, maxConcurrency: 4, decreaseIntervalMs: 0 });
  const request = requestFor({});
  (await limiter.acquire(request)).release({ error: new RateLimitError("slow", {}) });
  assert.equal(limiter.stats()[0]!.concurrencyCap, 1);
  (await limiter.acquire(request)).release({ response: ok });
  assert.equal(limiter.stats()[0]!.concurrencyCap, 2);
  (await limiter.acquire(request)).release({ response: ok });
  (await limiter.acquire(request)).release({ response: ok });
  assert.equal(limiter.stats()[0]!.concurrencyCap, 3);
});

Deno.test("RateLimiter rejects a waiter on abort", async () => {
  const limiter = new RateLimiter({ timers: fakeTimers(), maxConcurrency: 1 });
  const request = requestFor({});
  const holder = await limiter.acquire(request);
  const controller = new AbortController();
  const waiting = limiter.acquire(request, controller.signal);
  controller.abort(new Error("cancelled"));
  await assert.rejects(waiting, new Error("cancelled"));
  assert.equal(limiter.stats()[0]!.queued, 0);
  holder.release({ response: ok });
});

Deno.test("RateLimiter rejects an invalid decreaseFactor", () => {
  assert.throws(
    () => new RateLimiter({ decreaseFactor: 1 }),
    new RangeError("invalid decreaseFactor 1: expected a number in (0, 1)"),
  );
});

Deno.test("RateLimiter charges usage above the estimate", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  // 600 tokens per minute hold 10 tokens per second; the estimate is 10.
  const request = requestFor({ tpm: 600 }, "x".repeat(40));
  const heavy: CallResponse = { ...ok, usage: { ...ok.usage, total_tokens: 30 } };
  (await limiter.acquire(request)).release({ response: heavy });
  // 20 tokens of debt plus 10 for the next request take 3 seconds to refill.
  (await limiter.acquire(request)).release({ response: ok });
  assert.equal(Math.round(timers.now()), 3000);
});

Deno.test("RateLimiter refunds nothing below the estimate", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  const request = requestFor({ tpm: 600 }, "x".repeat(40));
  const light: CallResponse = { ...ok, usage: { ...ok.usage, total_tokens: 1 } };
  (await limiter.acquire(request)).release({ response: light });
  (await limiter.acquire(request)).release({ response: light });
  assert.equal(Math.round(timers.now()), 1000);
});

/** Admits one request per response in turn, releases it with that response, and returns the admission times. */
async function admissionTimes(
  limiter: RateLimiter,
  timers: RetryTimers,
  request: RetryRequest,
  responses: CallResponse[],
): Promise<number[]> {
  const admittedAt: number[] = [];
  for (const response of responses) {
    const permit = await limiter.acquire(request);
    admittedAt.push(Math.round(timers.now()));
    permit.release({ response });
  }
  return admittedAt;
}

function withUsage(usage: Partial<CallResponse["usage"]>): CallResponse {
  return { ...ok, usage: { ...ok.usage, ...usage } };
}

Deno.test("RateLimiter spaces requests by itpm", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  // 600 input tokens per minute hold 10 per second; 40 characters estimate 10 tokens.
  const request = requestFor({ itpm: 600 }, "x".repeat(40));
  const used = withUsage({ prompt_tokens: 10 });
  assert.deepEqual(await admissionTimes(limiter, timers, request, [used, used, used]), [
    0,
    1000,
    2000,
  ]);
});

Deno.test("RateLimiter itpm leaves cache reads out", async () => {
  const request = requestFor({ itpm: 600 }, "x".repeat(40));
  const cached = withUsage({ prompt_tokens: 30, cached_tokens: 20 });
  const uncached = withUsage({ prompt_tokens: 30, cached_tokens: null });

  const timers = fakeTimers();
  const times = await admissionTimes(new RateLimiter({ timers }), timers, request, [cached, ok]);
  assert.deepEqual(times, [0, 1000]);

  // Without cache reads, 20 tokens beyond the estimate delay the next request 2 s more.
  const slower = fakeTimers();
  const slowerTimes = await admissionTimes(new RateLimiter({ timers: slower }), slower, request, [
    uncached,
    ok,
  ]);
  assert.deepEqual(slowerTimes, [0, 3000]);
});

Deno.test("RateLimiter otpm returns unused max_tokens", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  // 600 output tokens per minute hold 10 per second; each request reserves max_tokens 10.
  const request = requestFor({ otpm: 600, max_tokens: 10 });
  const short = withUsage({ completion_tokens: 2 });
  const full = withUsage({ completion_tokens: 10 });
  // The first reply returns 8 unused tokens, so the second waits for 2 more (200 ms).
  assert.deepEqual(await admissionTimes(limiter, timers, request, [short, full, full]), [
    0,
    200,
    1200,
  ]);
});

Deno.test("RateLimiter otpm charges output without max_tokens", async () => {
  const timers = fakeTimers();
  const limiter = new RateLimiter({ timers });
  const request = requestFor({ otpm: 600 });
  const long = withUsage({ completion_tokens: 20 });
  // Nothing is reserved up front. 20 output tokens from a full bucket of 10
  // leave 10 of debt, repaid in 1 s.
  assert.deepEqual(await admissionTimes(limiter, timers, request, [long, long]), [0, 1000]);
});
