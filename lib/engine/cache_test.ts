import assert from "node:assert/strict";
import { join } from "node:path";
import { canonicalJson, ResponseCache } from "./cache.ts";
import type { RetryRequest } from "./retry.ts";
import {
  type CallRequest,
  type CallResponse,
  type Provider,
  ProviderError,
} from "../providers/provider.ts";
import { type ModelConfig, ModelConfigSchema } from "../schema/mod.ts";
import type { LogFields, Logger } from "../log.ts";

function requestFor(
  overrides: Partial<ModelConfig> = {},
  content = "hi",
  repeat = 0,
): RetryRequest {
  return {
    model: ModelConfigSchema.parse({
      id: "m",
      provider: "openai",
      model: "gpt-test",
      ...overrides,
    }),
    messages: [{ role: "user", content }],
    callKey: `t|v/m|c|${repeat}`,
    seed: 0,
    repeat,
  };
}

function response(output: string): CallResponse {
  return {
    output,
    finish_reason: "stop",
    usage: {
      prompt_tokens: 3,
      completion_tokens: 2,
      total_tokens: 5,
      cached_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: null,
    },
    ttft_ms: null,
    simulated: false,
  };
}

/** A provider that counts calls and returns a response after a short delay. */
function countingProvider(fail = false): Provider & { calls: number } {
  const provider = {
    name: "counting",
    calls: 0,
    async call(request: CallRequest): Promise<CallResponse> {
      provider.calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new ProviderError("bad request", { status: 400, retryable: false });
      return response(`output ${provider.calls} for ${request.messages[0]!.content}`);
    },
  };
  return provider;
}

Deno.test("ResponseCache key ignores ids, not parameters", async () => {
  const cache = new ResponseCache({ dir: "unused" });
  const base = await cache.keyFor(requestFor());
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(await cache.keyFor({ ...requestFor(), callKey: "other|x|y|0" }), base);
  assert.equal(await cache.keyFor(requestFor({ id: "another-id" })), base);
  assert.notEqual(await cache.keyFor(requestFor({ temperature: 0.5 })), base);
  assert.notEqual(await cache.keyFor(requestFor({ params: { seed: 1 } })), base);
  assert.notEqual(await cache.keyFor(requestFor({ model: "gpt-other" })), base);
  assert.notEqual(await cache.keyFor(requestFor({ provider: "anthropic" })), base);
  assert.notEqual(await cache.keyFor(requestFor({ stream: true })), base);
  assert.notEqual(await cache.keyFor(requestFor({}, "hello")), base);
  assert.notEqual(await cache.keyFor(requestFor({}, "hi", 1)), base);
});

Deno.test("ResponseCache.call serves the second call from disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const provider = countingProvider();
    const first = await new ResponseCache({ dir }).call(provider, requestFor());
    // A new instance reads what the first one wrote.
    const second = await new ResponseCache({ dir }).call(provider, requestFor());
    assert.equal(provider.calls, 1);
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.response, first.response);
    assert.equal(second.attempts, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ResponseCache.call shares concurrent identical calls", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const provider = countingProvider();
    const cache = new ResponseCache({ dir });
    const results = await Promise.all([1, 2, 3].map(() => cache.call(provider, requestFor())));
    assert.equal(provider.calls, 1);
    // Whichever call hashed its key first made the provider call.
    assert.equal(results.filter((result) => !result.fromCache).length, 1);
    assert.equal(new Set(results.map((result) => result.response.output)).size, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ResponseCache.call does not cache errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const provider = countingProvider(true);
    const cache = new ResponseCache({ dir });
    await assert.rejects(cache.call(provider, requestFor()), ProviderError);
    await assert.rejects(cache.call(provider, requestFor()), ProviderError);
    assert.equal(provider.calls, 2);
    assert.equal(await cache.get(requestFor()), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ResponseCache.get treats a corrupt entry as a miss", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message: string, _fields?: LogFields) => warnings.push(message),
      error() {},
    };
    const cache = new ResponseCache({ dir, logger });
    const key = await cache.keyFor(requestFor());
    await Deno.mkdir(join(dir, key.slice(0, 2)), { recursive: true });
    await Deno.writeTextFile(join(dir, key.slice(0, 2), `${key}.json`), '{"version": 1, "resp');

    assert.equal(await cache.get(requestFor()), undefined);
    assert.equal(warnings.length, 1);
    await cache.put(requestFor(), response("fresh"));
    assert.equal((await cache.get(requestFor()))?.output, "fresh");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("canonicalJson sorts keys at every level", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }),
    '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
  );
});
