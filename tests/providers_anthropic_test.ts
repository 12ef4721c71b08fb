import assert from "node:assert/strict";
import { AnthropicProvider, DEFAULT_MAX_TOKENS } from "../lib/providers/anthropic.ts";
import { ProviderError, RateLimitError } from "../lib/providers/provider.ts";
import { callWithRetry } from "../lib/engine/retry.ts";
import { type MockFault, startMockServer } from "./mock_server/mod.ts";
import { callRequest, MemoryLogger, mockModel, TEST_KEY } from "./mock_server/fixtures.ts";
import { assertFaultsClassified, expectedFaults } from "./mock_server/fault_classes.ts";

const env = { ANTHROPIC_API_KEY: TEST_KEY };

Deno.test("AnthropicProvider adds cache tokens to prompt tokens", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    usage: { cachedTokens: 200, cacheWriteTokens: 300, reasoningTokens: 40 },
  });
  try {
    const provider = new AnthropicProvider({ env });
    const model = mockModel(server, "anthropic");
    const response = await provider.call(callRequest(model, { content: "y".repeat(4000) }));

    // The mock reports 500 uncached input tokens apart from 200 read and 300 written.
    assert.deepEqual(response.usage, {
      prompt_tokens: 1000,
      completion_tokens: 48,
      total_tokens: 1048,
      cached_tokens: 200,
      cache_write_tokens: 300,
      reasoning_tokens: 40,
    });
    assert.equal(response.finish_reason, "end_turn");
    assert.match(response.output, /^reply to y+ lorem/);
    assert.equal(response.ttft_ms, null);
  } finally {
    await server.stop();
  }
});

Deno.test("AnthropicProvider leaves thinking tokens null when unreported", async () => {
  const server = await startMockServer({ latencyMs: 1 });
  try {
    const provider = new AnthropicProvider({ env });
    const response = await provider.call(callRequest(mockModel(server, "anthropic")));
    assert.equal(response.usage.reasoning_tokens, null);
    assert.equal(response.usage.cached_tokens, 0);
    assert.equal(response.usage.cache_write_tokens, 0);
  } finally {
    await server.stop();
  }
});

Deno.test("AnthropicProvider sends system, max_tokens and key", async () => {
  const server = await startMockServer({ latencyMs: 1 });
  try {
    const provider = new AnthropicProvider({ env });
    const model = mockModel(server, "anthropic", { temperature: 0.2, params: { top_k: 5 } });
    await provider.call(callRequest(model, { system: "be brief", callKey: "t|v/m|c3|1" }));

    const arrival = server.stats.arrivals[0]!;
    const sentKey = arrival.headers.get("x-api-key") ??
      arrival.headers.get("authorization")?.replace(/^Bearer /, "");
    assert.equal(sentKey, TEST_KEY);
    assert.equal(arrival.headers.get("idempotency-key"), "t|v/m|c3|1");
    assert.equal(arrival.headers.get("x-stainless-retry-count"), "0");
    assert.equal(arrival.body.system, "be brief");
    assert.equal(arrival.body.max_tokens, DEFAULT_MAX_TOKENS);
    assert.equal(arrival.body.temperature, 0.2);
    assert.equal(arrival.body.top_k, 5);
    assert.deepEqual(arrival.body.messages, [{ role: "user", content: "hello there world" }]);
  } finally {
    await server.stop();
  }
});

Deno.test("AnthropicProvider streams with ttft and usage", async () => {
  const server = await startMockServer({
    latencyMs: 30,
    gapMs: 5,
    outputWords: 10,
    usage: { cachedTokens: 2, cacheWriteTokens: 1 },
  });
  try {
    const provider = new AnthropicProvider({ env });
    const model = mockModel(server, "anthropic", { stream: true });
    const startedAt = performance.now();
    const response = await provider.call(callRequest(model));
    const elapsed = performance.now() - startedAt;

    assert.equal(server.stats.arrivals[0]!.body.stream, true);
    assert.equal(response.output, "reply to hello there world lorem lorem lorem lorem lorem");
    assert.equal(response.finish_reason, "end_turn");
    assert.deepEqual(response.usage, {
      prompt_tokens: 5,
      completion_tokens: 10,
      total_tokens: 15,
      cached_tokens: 2,
      cache_write_tokens: 1,
      reasoning_tokens: null,
    });
    const ttft = response.ttft_ms;
    assert.ok(ttft !== null, "ttft is null");
    assert.ok(ttft >= 30, `ttft ${ttft} is below the 30 ms hold`);
    assert.ok(ttft < elapsed, `ttft ${ttft} is not below the total ${elapsed}`);
    // 10 tokens over at least the 40 ms of gaps after the first chunk.
    const rate = response.output_tokens_per_s ?? null;
    assert.ok(rate !== null, "output_tokens_per_s is null");
    assert.ok(rate > 0, `rate ${rate}`);
    assert.ok(rate < 10 / 0.04, `rate ${rate} is above 10 tokens in 40 ms`);
  } finally {
    await server.stop();
  }
});

const FAULTS = expectedFaults({
  overloaded: /HTTP 529\): Overloaded/,
  quota: { status: 402, message: /: quota exhausted \(HTTP 402\): Your credit balance is too low/ },
  unauthorized: /: request rejected as unauthorized \(HTTP 401\): invalid x-api-key/,
});

for (const stream of [false, true]) {
  Deno.test(`AnthropicProvider classifies faults (stream ${stream})`, async () => {
    const server = await startMockServer({ latencyMs: 1 });
    try {
      await assertFaultsClassified(new AnthropicProvider({ env }), server, {
        api: "anthropic",
        model: "claude-3-5-haiku",
        stream,
        faults: FAULTS,
      });
    } finally {
      await server.stop();
    }
  });
}

Deno.test("AnthropicProvider reads each retry-after style", async () => {
  const cases = [
    { style: "ms", min: 250, max: 250 },
    { style: "seconds", min: 1000, max: 1000 },
    // The reset header is a time, so the wait shrinks by the time the response took.
    { style: "reset", min: 150, max: 250 },
  ] as const;
  for (const { style, min, max } of cases) {
    const server = await startMockServer({
      latencyMs: 1,
      retryAfterMs: 250,
      retryAfterStyle: style,
    });
    try {
      const provider = new AnthropicProvider({ env });
      const model = mockModel(server, "anthropic", { model: "claude-3-5-haiku@rate_limit" });
      await assert.rejects(provider.call(callRequest(model)), (error) => {
        assert.ok(error instanceof RateLimitError);
        const waited = error.retryAfterMs;
        assert.ok(waited !== undefined, `${style}: no wait`);
        assert.ok(waited >= min, `${style}: ${waited} < ${min}`);
        assert.ok(waited <= max, `${style}: ${waited} > ${max}`);
        return true;
      });
    } finally {
      await server.stop();
    }
  }
});

Deno.test("AnthropicProvider keeps the key out of logs", async () => {
  const server = await startMockServer({ latencyMs: 1, apiKey: "sk-ant-the-right-key" });
  // The wrong key draws a 401; a right key must not.
  const accepted = new AnthropicProvider({ env: { ANTHROPIC_API_KEY: "sk-ant-the-right-key" } });
  await accepted.call(callRequest(mockModel(server, "anthropic")));
  try {
    const logger = new MemoryLogger();
    const provider = new AnthropicProvider({ env, logger });
    await assert.rejects(provider.call(callRequest(mockModel(server, "anthropic"))), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.status, 401);
      assert.equal(error.fatalForModel, true);
      return true;
    });
    assert.ok(!JSON.stringify(logger.lines).includes(TEST_KEY));
  } finally {
    await server.stop();
  }
});

Deno.test("AnthropicProvider fails fast without a key", async () => {
  const provider = new AnthropicProvider({ env: {} });
  const model = mockModel({ url: "http://127.0.0.1:9", openaiBaseUrl: "" }, "anthropic");
  await assert.rejects(provider.call(callRequest(model)), (error) => {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.fatalForModel, true);
    assert.equal(
      error.message,
      "anthropic model claude-3-5-haiku: missing API key: set the environment variable " +
        "ANTHROPIC_API_KEY or name another one in api_key_env",
    );
    return true;
  });
});

Deno.test("callWithRetry with Anthropic retries 529 and drops", async () => {
  const faults: MockFault[] = ["overloaded", "drop", "malformed"];
  const server = await startMockServer({
    latencyMs: 1,
    faults: ({ attempt }) => faults[attempt],
  });
  try {
    const provider = new AnthropicProvider({ env });
    const model = mockModel(server, "anthropic", { stream: true });
    const { signal: _, ...request } = callRequest(model, { callKey: "k3" });
    const result = await callWithRetry(provider, request, { baseDelayMs: 1, maxAttempts: 4 });
    assert.equal(result.attempts, 4);
    assert.equal(server.stats.byKey("k3").length, 4);
    assert.match(result.response.output, /^reply to hello/);
  } finally {
    await server.stop();
  }
});

Deno.test("AnthropicProvider retries an error event in a stream", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    faults: ({ attempt }) => (attempt === 0 ? "stream_error" : undefined),
  });
  try {
    const provider = new AnthropicProvider({ env });
    const model = mockModel(server, "anthropic", { stream: true });
    const { signal: _, ...request } = callRequest(model, { callKey: "s1" });
    const retried: string[] = [];
    const result = await callWithRetry(provider, request, {
      baseDelayMs: 1,
      onRetry: (event) => retried.push(event.error.message),
    });
    assert.equal(result.attempts, 2);
    assert.deepEqual(retried, [
      "anthropic model claude-3-5-haiku: request failed (HTTP 529): Overloaded",
    ]);
    assert.match(result.response.output, /^reply to hello there world/);
  } finally {
    await server.stop();
  }
});
