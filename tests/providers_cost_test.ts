import assert from "node:assert/strict";
import { AnthropicProvider } from "../lib/providers/anthropic.ts";
import { OpenAIProvider } from "../lib/providers/openai.ts";
import { PriceBook } from "../lib/providers/pricing.ts";
import type { Provider } from "../lib/providers/provider.ts";
import type { ModelConfig } from "../lib/schema/mod.ts";
import { startMockServer } from "./mock_server/mod.ts";
import { callRequest, MemoryLogger, mockModel, TEST_KEY } from "./mock_server/fixtures.ts";

const env = { OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: TEST_KEY };

/** A 4,000-character prompt, which the mock counts as 1,000 prompt tokens. */
const PROMPT = "z".repeat(4000);

/** Assert two USD amounts agree to a billionth of a cent. */
function assertUsd(actual: number | null, expected: number): void {
  assert.ok(actual !== null, "cost is null");
  assert.ok(Math.abs(actual - expected) < 1e-11, `cost ${actual}, expected ${expected}`);
}

async function costOf(provider: Provider, model: ModelConfig, book: PriceBook) {
  const response = await provider.call(callRequest(model, { content: PROMPT }));
  return { usage: response.usage, cost: book.costUsd(model, response.usage) };
}

Deno.test("costUsd of OpenAI usage with cached and reasoning tokens", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    usage: { cachedTokens: 400, reasoningTokens: 50 },
  });
  try {
    const provider = new OpenAIProvider({ env });
    const book = new PriceBook();

    // 1,000 prompt tokens (400 cached) and 58 completion tokens (50 reasoning).
    // Table price of gpt-4o-mini: 0.15 input, 0.075 cached input, 0.6 output per million.
    // 600 * 0.15 + 400 * 0.075 + 58 * 0.6 = 90 + 30 + 34.8 = 154.8 micro-USD.
    const table = await costOf(provider, mockModel(server, "openai"), book);
    assert.equal(table.usage.prompt_tokens, 1000);
    assert.equal(table.usage.cached_tokens, 400);
    assert.equal(table.usage.completion_tokens, 58);
    assert.equal(table.usage.reasoning_tokens, 50);
    assertUsd(table.cost, 0.0001548);

    // Override: 2 input, 0.5 cached input, 8 output per million.
    // 600 * 2 + 400 * 0.5 + 58 * 8 = 1200 + 200 + 464 = 1864 micro-USD.
    const override = await costOf(
      provider,
      mockModel(server, "openai", { price: { input: 2, cached_input: 0.5, output: 8 } }),
      book,
    );
    assertUsd(override.cost, 0.001864);
  } finally {
    await server.stop();
  }
});

Deno.test("costUsd of Anthropic usage with cache writes", async () => {
  const server = await startMockServer({
    latencyMs: 1,
    usage: { cachedTokens: 200, cacheWriteTokens: 300, reasoningTokens: 40 },
  });
  try {
    const provider = new AnthropicProvider({ env });
    const book = new PriceBook();

    // 1,000 prompt tokens: 500 uncached, 200 read from cache, 300 written to it.
    // 48 output tokens, 40 of them thinking.
    // Table price of claude-3-5-haiku: 0.8 input, 0.08 cache read, 1 cache write, 4 output.
    // 500 * 0.8 + 200 * 0.08 + 300 * 1 + 48 * 4 = 400 + 16 + 300 + 192 = 908 micro-USD.
    const table = await costOf(provider, mockModel(server, "anthropic"), book);
    assert.equal(table.usage.prompt_tokens, 1000);
    assert.equal(table.usage.cached_tokens, 200);
    assert.equal(table.usage.cache_write_tokens, 300);
    assert.equal(table.usage.completion_tokens, 48);
    assertUsd(table.cost, 0.000908);

    // Override: 3 input, 0.3 cache read, 3.75 cache write, 15 output.
    // 500 * 3 + 200 * 0.3 + 300 * 3.75 + 48 * 15 = 1500 + 60 + 1125 + 720 = 3405 micro-USD.
    const override = await costOf(
      provider,
      mockModel(server, "anthropic", {
        price: { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
      }),
      book,
    );
    assertUsd(override.cost, 0.003405);
  } finally {
    await server.stop();
  }
});

Deno.test("costUsd of an unknown model is null with one warning", async () => {
  const server = await startMockServer({ latencyMs: 1 });
  try {
    const logger = new MemoryLogger();
    const provider = new OpenAIProvider({ env });
    const book = new PriceBook({ logger });
    const model = mockModel(server, "openai", { model: "local-llama-unpriced" });

    const first = await costOf(provider, model, book);
    const second = await costOf(provider, model, book);
    assert.equal(first.cost, null);
    assert.equal(second.cost, null);
    assert.equal(first.usage.prompt_tokens, 1000);

    const warnings = logger.lines.filter((line) => line.level === "warn");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /local-llama-unpriced/);
  } finally {
    await server.stop();
  }
});
