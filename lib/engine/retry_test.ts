import assert from "node:assert/strict";
import { callWithRetry, type RetryRequest, type RetryTimers } from "./retry.ts";
import {
  type CallRequest,
  type CallResponse,
  type Provider,
  ProviderError,
  RateLimitError,
} from "../providers/provider.ts";
import { TimeoutError } from "../providers/errors.ts";
import { ModelConfigSchema } from "../schema/mod.ts";

const request: RetryRequest = {
  model: ModelConfigSchema.parse({ id: "m", provider: "openai", model: "gpt-test" }),
  messages: [{ role: "user", content: "hi" }],
  callKey: "t|v/m|c1|0",
  seed: 0,
  repeat: 0,
};

function answer(output: string): CallResponse {
  return {
    output,
    finish_reason: "stop",
    usage: {
      prompt_tokens: 1,
      completion_tokens: 1,
      total_tokens: 2,
      cached_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: null,
    },
    ttft_ms: null,
    simulated: false,
  };
}

/** A provider that plays a script: each step either returns a response or throws. */
function scripted(steps: Array<(call: CallRequest) => Promise<CallResponse>>): Provider & {
  calls: number;
} {
  const provider = {
    name: "scripted",
    calls: 0,
    call(call: CallRequest) {
      const step = steps[provider.calls++];
      if (!step) throw new Error("script exhausted");
      return step(call);
    },
  };
  return provider;
}

/** Fake timers: sleeps return at once and advance the clock; waits are recorded. */
function fakeTimers(): RetryTimers & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep(ms, signal) {
      // The per-attempt timeout also sleeps; leave it pending until its signal aborts.
      if (ms >= 60_000) {
        return new Promise((_, reject) =>
          signal?.addEventListener("abort", () => reject(signal.reason))
        );
      }
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("callWithRetry() retries a 500 with jittered backoff", async () => {
  const provider = scripted([
    () => Promise.reject(new ProviderError("boom", { status: 500, retryable: true })),
    () => Promise.reject(new ProviderError("boom", { status: 503, retryable: true })),
    () => Promise.resolve(answer("ok")),
  ]);
  const timers = fakeTimers();
  const result = await callWithRetry(provider, request, {
    timers,
    random: () => 0.5,
    baseDelayMs: 100,
  });
  assert.equal(result.response.output, "ok");
  assert.equal(result.attempts, 3);
  assert.deepEqual(timers.waits, [50, 100]);
});

Deno.test("callWithRetry() waits the retry-after of a 429", async () => {
  const provider = scripted([
    () => Promise.reject(new RateLimitError("slow down", { retryAfterMs: 1234 })),
    () => Promise.resolve(answer("ok")),
  ]);
  const timers = fakeTimers();
  const waits: number[] = [];
  const result = await callWithRetry(provider, request, {
    timers,
    onRateLimitWait: (ms) => waits.push(ms),
  });
  assert.equal(result.attempts, 2);
  assert.deepEqual(timers.waits, [1234]);
  assert.deepEqual(waits, [1234]);
});

Deno.test("callWithRetry() fails fast on a non-retryable error", async () => {
  const provider = scripted([
    () => Promise.reject(new ProviderError("bad key", { status: 401, retryable: false })),
  ]);
  await assert.rejects(callWithRetry(provider, request, { timers: fakeTimers() }), (error) => {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.message, "bad key");
    assert.equal(error.attempts, 1);
    return true;
  });
  assert.equal(provider.calls, 1);
});

Deno.test("callWithRetry() stops after maxAttempts", async () => {
  const fail = () => Promise.reject(new ProviderError("down", { status: 503, retryable: true }));
  const provider = scripted([fail, fail, fail, fail]);
  await assert.rejects(
    callWithRetry(provider, request, { timers: fakeTimers(), maxAttempts: 3 }),
    (error) => error instanceof ProviderError && error.attempts === 3,
  );
  assert.equal(provider.calls, 3);
});

Deno.test("callWithRetry() drops the late answer of a timed-out attempt", async () => {
  const late = Promise.withResolvers<CallResponse>();
  let firstSignal: AbortSignal | undefined;
  const provider = scripted([
    (call) => {
      firstSignal = call.signal;
      return late.promise;
    },
    () => Promise.resolve(answer("second")),
  ]);
  const retries: string[] = [];
  const result = await callWithRetry(provider, request, {
    timeoutMs: 20,
    baseDelayMs: 0,
    onRetry: (event) => retries.push(event.error.name),
  });
  late.resolve(answer("first"));
  assert.equal(result.response.output, "second");
  assert.equal(result.attempts, 2);
  assert.deepEqual(retries, ["TimeoutError"]);
  assert.ok(firstSignal?.aborted);
  assert.ok(firstSignal?.reason instanceof TimeoutError);
});

Deno.test("callWithRetry() rethrows the cancel reason", async () => {
  const controller = new AbortController();
  const provider = scripted([
    (call) =>
      new Promise((_, reject) =>
        call.signal.addEventListener("abort", () => reject(new Error("aborted")))
      ),
  ]);
  const pending = callWithRetry(provider, request, { signal: controller.signal, timeoutMs: 5000 });
  controller.abort(new DOMException("run cancelled", "AbortError"));
  await assert.rejects(pending, (error) => error instanceof DOMException);
});

Deno.test("callWithRetry() wraps unknown errors as non-retryable", async () => {
  const provider = scripted([() => Promise.reject(new TypeError("x is undefined"))]);
  await assert.rejects(callWithRetry(provider, request, { timers: fakeTimers() }), (error) => {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.retryable, false);
    assert.match(error.message, /TypeError: x is undefined/);
    return true;
  });
  assert.equal(provider.calls, 1);
});

Deno.test("callWithRetry() rejects invalid maxAttempts", async () => {
  await assert.rejects(
    callWithRetry(scripted([]), request, { maxAttempts: 0 }),
    new RangeError("invalid maxAttempts 0: expected an integer of at least 1"),
  );
});
