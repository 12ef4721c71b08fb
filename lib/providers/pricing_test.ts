import assert from "node:assert/strict";
import type { LogFields, Logger } from "../log.ts";
import type { ModelConfig } from "../schema/mod.ts";
import { PRICE_TABLE, type PriceEntry } from "./prices.ts";
import { costUsd, PriceBook, priceFor } from "./pricing.ts";
import type { Usage } from "./provider.ts";

const usage = (fields: Partial<Usage>): Usage => ({
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: null,
  cached_tokens: null,
  cache_write_tokens: null,
  reasoning_tokens: null,
  ...fields,
});

const price = { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 };

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null, "cost is null");
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
}

Deno.test("costUsd() bills uncached input at input", () => {
  // 1,000,000 x 3 / 1e6
  close(costUsd(usage({ prompt_tokens: 1_000_000 }), price), 3);
});

Deno.test("costUsd() bills cache reads at cached_input", () => {
  // 200,000 uncached x 3 + 800,000 cached x 0.3 = 600,000 + 240,000 micro-USD
  close(costUsd(usage({ prompt_tokens: 1_000_000, cached_tokens: 800_000 }), price), 0.84);
});

Deno.test("costUsd() bills cache writes at cache_write", () => {
  // 600,000 x 3 + 400,000 x 3.75 = 1,800,000 + 1,500,000 micro-USD
  close(costUsd(usage({ prompt_tokens: 1_000_000, cache_write_tokens: 400_000 }), price), 3.3);
});

Deno.test("costUsd() bills reasoning as output", () => {
  // 2,000 completion tokens (1,500 of them reasoning) x 15
  close(costUsd(usage({ completion_tokens: 2_000, reasoning_tokens: 1_500 }), price), 0.03);
});

Deno.test("costUsd() sums every token class", () => {
  // uncached 1,000 x 3 + cached 2,000 x 0.3 + writes 500 x 3.75 + output 300 x 15
  // = 3,000 + 600 + 1,875 + 4,500 = 9,975 micro-USD
  const all = usage({
    prompt_tokens: 3_500,
    cached_tokens: 2_000,
    cache_write_tokens: 500,
    completion_tokens: 300,
  });
  close(costUsd(all, price), 0.009975);
});

Deno.test("costUsd() falls back to input for missing cache rates", () => {
  // 1,000 cached + 1,000 written, both at input 2: 4,000 micro-USD
  const cacheOnly = usage({
    prompt_tokens: 2_000,
    cached_tokens: 1_000,
    cache_write_tokens: 1_000,
  });
  close(costUsd(cacheOnly, { input: 2, output: 8 }), 0.004);
});

Deno.test("costUsd() is null without token counts", () => {
  assert.equal(costUsd(usage({ prompt_tokens: null }), price), null);
  assert.equal(costUsd(usage({ completion_tokens: null }), price), null);
});

Deno.test("priceFor() finds exact names", () => {
  assert.deepEqual(priceFor("gpt-4o-mini"), {
    input: 0.15,
    cached_input: 0.075,
    cache_write: 0.15,
    output: 0.6,
    valid_from: "2024-07-18",
  });
  assert.equal(priceFor("claude-haiku-4-5")?.cache_write, 1.25);
});

Deno.test("priceFor() strips snapshot suffixes", () => {
  assert.equal(priceFor("gpt-4o-mini-2024-07-18")?.input, 0.15);
  assert.equal(priceFor("gpt-4o-2024-08-06")?.input, 2.5);
  assert.equal(priceFor("claude-sonnet-4-20250514")?.input, 3);
  assert.equal(priceFor("claude-opus-4-1-20250805")?.output, 75);
  assert.equal(priceFor("claude-3-5-haiku-latest")?.input, 0.8);
});

Deno.test("priceFor() prefers a snapshot's own row", () => {
  assert.equal(priceFor("gpt-4o-2024-05-13")?.input, 5);
});

Deno.test("priceFor() rejects prefixes that are not snapshots", () => {
  assert.equal(priceFor("gpt-4o-audio-preview"), undefined);
  assert.equal(priceFor("gpt-4"), undefined);
  assert.equal(priceFor("my-local-llama"), undefined);
});

Deno.test("priceFor() filters by provider", () => {
  assert.equal(priceFor("gpt-4o", { provider: "anthropic" }), undefined);
  assert.equal(priceFor("gpt-4o", { provider: "openai" })?.input, 2.5);
  assert.equal(priceFor("gpt-4o", { provider: "simulated" })?.input, 2.5);
});

Deno.test("priceFor() takes the row valid on a day", () => {
  const table: PriceEntry[] = [
    {
      provider: "openai",
      model: "m",
      price: { input: 10, cached_input: 5, cache_write: 10, output: 40, valid_from: "2025-01-01" },
      source: "test",
    },
    {
      provider: "openai",
      model: "m",
      price: { input: 2, cached_input: 1, cache_write: 2, output: 8, valid_from: "2025-06-10" },
      source: "test",
    },
  ];
  assert.equal(priceFor("m", { table })?.input, 2);
  assert.equal(priceFor("m", { table, asOf: "2025-03-01" })?.input, 10);
  assert.equal(priceFor("m", { table, asOf: "2024-12-31" }), undefined);
});

Deno.test("PRICE_TABLE covers the models ablab names", () => {
  const names = [
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "o3",
    "o4-mini",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "claude-3-5-haiku",
    "claude-3-7-sonnet",
    "claude-sonnet-4",
    "claude-opus-4",
    "claude-sonnet-4-5",
    "claude-haiku-4-5",
    "claude-opus-4-1",
  ];
  for (const name of names) assert.ok(priceFor(name), name);
  for (const row of PRICE_TABLE) {
    assert.match(row.price.valid_from, /^\d{4}-\d{2}-\d{2}$/, row.model);
    assert.ok(row.source.length > 0, row.model);
    assert.ok(row.price.cached_input <= row.price.input, row.model);
  }
});

function recordingLogger(): Logger & { warnings: [string, LogFields | undefined][] } {
  const warnings: [string, LogFields | undefined][] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn(message, fields) {
      warnings.push([message, fields]);
    },
    error() {},
  };
}

const model = (fields: Partial<ModelConfig>) => ({
  id: "m1",
  provider: "openai" as const,
  model: "gpt-4o-mini",
  ...fields,
});

Deno.test("PriceBook lets a model's price override the table", () => {
  const book = new PriceBook();
  const override = { input: 1, output: 2 };
  assert.deepEqual(book.priceFor(model({ price: override })), override);
  // 1,000 x 1 + 1,000 x 2 = 3,000 micro-USD
  close(
    book.costUsd(
      model({ price: override }),
      usage({ prompt_tokens: 1_000, completion_tokens: 1_000 }),
    ),
    0.003,
  );
});

Deno.test("PriceBook warns once per unknown model", () => {
  const logger = recordingLogger();
  const book = new PriceBook({ logger });
  const unknown = model({ model: "llama-3-70b", provider: "openai" });
  const tokens = usage({ prompt_tokens: 10, completion_tokens: 10 });

  assert.equal(book.costUsd(unknown, tokens), null);
  assert.equal(book.costUsd(unknown, tokens), null);
  assert.equal(book.priceFor(unknown), undefined);
  assert.equal(logger.warnings.length, 1);
  assert.equal(
    logger.warnings[0]![0],
    'No price for model "llama-3-70b" (openai, model id "m1"): costs are null; set price ' +
      "(USD per million tokens, input and output) in that model's entry of the experiment file " +
      "to record them",
  );

  book.priceFor(model({ model: "mistral-large" }));
  assert.equal(logger.warnings.length, 2);
});
