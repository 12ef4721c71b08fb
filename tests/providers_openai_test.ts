import assert from "node:assert/strict";
import { OpenAIProvider } from "../lib/providers/openai.ts";
import { ProviderError, RateLimitError } from "../lib/providers/provider.ts";
import { callWithRetry } from "../lib/engine/retry.ts";
import { startMockServer } from "./mock_server/mod.ts";
import { callRequest, MemoryLogger, mockModel, TEST_KEY } from "./mock_server/fixtures.ts";
import { assertFaultsClassified, expectedFaults } from "./mock_server/fault_classes.ts";

const env = { OPENAI_API_KEY: TEST_KEY };

Deno.test("OpenAIProvider maps usage with cached and reasoning tokens", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    usage: { cachedTokens: 400, reasoningTokens: 50 },
  });
  try {
    const provider = new OpenAIProvider({ env });
    const model = mockModel(server, "openai");
    const response = await provider.call(callRequest(model, { content: "x".repeat(4000) }));

    assert.equal(
      response.output,
      `reply to ${"x".repeat(4000)} lorem lorem lorem lorem lorem`,
    );
    assert.equal(response.finish_reason, "stop");
    assert.deepEqual(response.usage, {
      prompt_tokens: 1000,
      completion_tokens: 58,
      total_tokens: 1058,
      cached_tokens: 400,
      cache_write_tokens: null,
      reasoning_tokens: 50,
    });
    assert.equal(response.ttft_ms, null);
    assert.equal(response.simulated, false);
  } finally {
    await server.stop();
  }
});

Deno.test("OpenAIProvider sends key, body and idempotency key", async () => {
  const server = await startMockServer({ latencyMs: 1 });
  try {
    const provider = new OpenAIProvider({ env });
    const model = mockModel(server, "openai", {
      temperature: 0.3,
      max_tokens: 77,
      params: { seed: 42 },
    });
    await provider.call(callRequest(model, { system: "be brief", callKey: "t|v/m|c9|2" }));

    const arrival = server.stats.arrivals[0]!;
    assert.equal(arrival.headers.get("authorization"), `Bearer ${TEST_KEY}`);
    assert.equal(arrival.headers.get("idempotency-key"), "t|v/m|c9|2");
    assert.equal(arrival.headers.get("x-stainless-retry-count"), "0");
    assert.equal(arrival.body.model, "gpt-4o-mini");
    assert.equal(arrival.body.temperature, 0.3);
    // A custom base URL gets max_tokens, which compatible servers know.
    assert.equal(arrival.body.max_tokens, 77);
    assert.equal(arrival.body.max_completion_tokens, undefined);
    assert.equal(arrival.body.seed, 42);
    assert.deepEqual(arrival.body.messages, [
      { role: "system", content: "be brief" },
      { role: "user", content: "hello there world" },
    ]);
  } finally {
    await server.stop();
  }
});

Deno.test("OpenAIProvider streams with ttft and usage", async () => {
  const server = await startMockServer({
    latencyMs: 30,
    gapMs: 5,
    outputWords: 10,
    usage: { cachedTokens: 2, reasoningTokens: 3 },
  });
  try {
    const provider = new OpenAIProvider({ env });
    const model = mockModel(server, "openai", { stream: true });
    const startedAt = performance.now();
    const response = await provider.call(callRequest(model));
    const elapsed = performance.now() - startedAt;

    const body = server.stats.arrivals[0]!.body;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(response.output, "reply to hello there world lorem lorem lorem lorem lorem");
    assert.equal(response.finish_reason, "stop");
    assert.deepEqual(response.usage, {
      prompt_tokens: 5,
      completion_tokens: 13,
      total_tokens: 18,
      cached_tokens: 2,
      cache_write_tokens: null,
      reasoning_tokens: 3,
    });
    // The first token follows the 30 ms hold and one 5 ms gap; the rest take 10 more gaps.
    const ttft = response.ttft_ms;
    assert.ok(ttft !== null, "ttft is null");
    assert.ok(ttft >= 30, `ttft ${ttft} is below the 30 ms hold`);
    assert.ok(ttft < elapsed, `ttft ${ttft} is not below the total ${elapsed}`);
    // 13 tokens over at least the 40 ms of gaps after the first chunk.
    const rate = response.output_tokens_per_s ?? null;
    assert.ok(rate !== null, "output_tokens_per_s is null");
    assert.ok(rate > 0, `rate ${rate}`);
    assert.ok(rate < 13 / 0.04, `rate ${rate} is above 13 tokens in 40 ms`);
  } finally {
    await server.stop();
  }
});

Deno.test("OpenAIProvider leaves unreported usage null", async () => {
  // A compatible server may send no usage at all, for example when streaming without include_usage.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    Response.json({
      id: "x",
      object: "chat.completion",
      created: 0,
      model: "local",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    }));
  try {
    const provider = new OpenAIProvider();
    const model = mockModel(
      { url: "", openaiBaseUrl: `http://127.0.0.1:${server.addr.port}/v1` },
      "openai",
    );
    const response = await provider.call(callRequest(model));
    assert.equal(response.output, "hi");
    assert.deepEqual(response.usage, {
      prompt_tokens: null,
      completion_tokens: null,
      total_tokens: null,
      cached_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: null,
    });
  } finally {
    await server.shutdown();
  }
});

const FAULTS = expectedFaults({
  overloaded: /HTTP 529/,
  quota: {
    status: 429,
    message: /: quota exhausted \(HTTP 429\): You exceeded your current quota/,
  },
  unauthorized: /: request rejected as unauthorized \(HTTP 401\)/,
});

for (const stream of [false, true]) {
  Deno.test(`OpenAIProvider classifies faults (stream ${stream})`, async () => {
    const server = await startMockServer({ latencyMs: 1 });
    try {
      await assertFaultsClassified(new OpenAIProvider({ env }), server, {
        api: "openai",
        model: "gpt-4o-mini",
        stream,
        faults: FAULTS,
      });
    } finally {
      await server.stop();
    }
  });
}

Deno.test("OpenAIProvider reads each retry-after style", async () => {
  const cases = [
    { style: "ms", expected: 250 },
    { style: "seconds", expected: 1000 },
    { style: "reset", expected: 250 },
  ] as const;
  for (const { style, expected } of cases) {
    const server = await startMockServer({
      latencyMs: 1,
      retryAfterMs: 250,
      retryAfterStyle: style,
    });
    try {
      const provider = new OpenAIProvider({ env });
      const model = mockModel(server, "openai", { model: "gpt-4o-mini@rate_limit" });
      await assert.rejects(provider.call(callRequest(model)), (error) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.retryAfterMs, expected, style);
        return true;
      });
    } finally {
      await server.stop();
    }
  }
});

Deno.test("OpenAIProvider scrubs the key from a 401", async () => {
  const server = await startMockServer({ latencyMs: 1, apiKey: "sk-the-right-key-000" });
  try {
    const logger = new MemoryLogger();
    const provider = new OpenAIProvider({ env, logger });
    await assert.rejects(provider.call(callRequest(mockModel(server, "openai"))), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.status, 401);
      assert.match(error.message, /Incorrect API key provided: \[redacted\]/);
      assert.ok(!error.message.includes(TEST_KEY));
      return true;
    });
    assert.ok(!JSON.stringify(logger.lines).includes(TEST_KEY));
  } finally {
    await server.stop();
  }
});

Deno.test("OpenAIProvider fails fast without a key", async () => {
  const provider = new OpenAIProvider({ env: {} });
  const model = mockModel({ url: "", openaiBaseUrl: "" }, "openai", {
    base_url: undefined,
    api_key_env: "ABLAB_TEST_MISSING_KEY",
  });
  await assert.rejects(provider.call(callRequest(model)), (error) => {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.fatalForModel, true);
    assert.equal(error.retryable, false);
    assert.equal(
      error.message,
      "openai model gpt-4o-mini: missing API key: set the environment variable " +
        "ABLAB_TEST_MISSING_KEY or name another one in api_key_env",
    );
    return true;
  });
});

Deno.test("callWithRetry with OpenAI waits out retry-after", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    retryAfterMs: 60,
    faults: ({ attempt }) => (attempt < 2 ? "rate_limit" : undefined),
  });
  try {
    const provider = new OpenAIProvider({ env });
    const model = mockModel(server, "openai");
    const { signal: _, ...request } = callRequest(model, { callKey: "k1" });
    const result = await callWithRetry(provider, request, { maxAttempts: 5 });

    assert.equal(result.attempts, 3);
    const arrivals = server.stats.byKey("k1");
    assert.equal(arrivals.length, 3);
    for (let i = 1; i < arrivals.length; i++) {
      const previous = arrivals[i - 1]!;
      const gap = arrivals[i]!.arrivedAt - previous.respondedAt!;
      assert.ok(gap >= 60, `attempt ${i} arrived ${gap.toFixed(1)} ms after the 429`);
    }
  } finally {
    await server.stop();
  }
});

Deno.test("callWithRetry with OpenAI keeps one answer after a timeout", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    slowMs: 300,
    faults: ({ attempt }) => (attempt === 0 ? "slow" : undefined),
  });
  try {
    const provider = new OpenAIProvider({ env });
    const model = mockModel(server, "openai");
    const { signal: _, ...request } = callRequest(model, { callKey: "k2" });
    const retries: string[] = [];
    const result = await callWithRetry(provider, request, {
      timeoutMs: 100,
      baseDelayMs: 1,
      onRetry: (event) => retries.push(event.error.name),
    });

    assert.equal(result.attempts, 2);
    assert.deepEqual(retries, ["TimeoutError"]);
    assert.equal(server.stats.byKey("k2").length, 2);
    assert.match(result.response.output, /^reply to hello/);
  } finally {
    await server.stop();
  }
});

Deno.test("OpenAIProvider retries an error inside a stream", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    faults: ({ attempt }) => (attempt === 0 ? "stream_error" : undefined),
  });
  try {
    const provider = new OpenAIProvider({ env });
    const model = mockModel(server, "openai", { stream: true });
    await assert.rejects(provider.call(callRequest(model, { callKey: "s1" })), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.status, undefined);
      assert.equal(error.retryable, true);
      assert.equal(
        error.message,
        "openai model gpt-4o-mini: error in stream: " +
          "The server had an error while processing your request.",
      );
      return true;
    });
    // Through callWithRetry, a new key fails mid-stream once, then succeeds.
    const { signal: _, ...request } = callRequest(model, { callKey: "s2" });
    const result = await callWithRetry(provider, request, { baseDelayMs: 1 });
    assert.equal(result.attempts, 2);
    assert.match(result.response.output, /^reply to hello there world/);
  } finally {
    await server.stop();
  }
});
