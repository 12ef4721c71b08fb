import assert from "node:assert/strict";
import type { CallResponse } from "./provider.ts";
import { ProviderError } from "./provider.ts";
import { checkResponse } from "./response_check.ts";

function response(overrides: Record<string, unknown> = {}): CallResponse {
  return {
    output: "Thanks for writing.",
    finish_reason: "stop",
    usage: {
      prompt_tokens: 12,
      completion_tokens: 4,
      total_tokens: 16,
      cached_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: 0,
    },
    ttft_ms: null,
    simulated: false,
    ...overrides,
  } as CallResponse;
}

function problemOf(value: CallResponse): string {
  try {
    checkResponse(value, "local model m");
  } catch (error) {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.code, "invalid_response");
    assert.equal(error.retryable, false);
    return error.message;
  }
  assert.fail("expected a ProviderError");
}

Deno.test("checkResponse() returns a valid response unchanged", () => {
  const valid = response({ latency_ms: 0, output_tokens_per_s: 41.5, finish_reason: null });
  const checked = checkResponse(valid, "local model m");
  assert.equal(checked.response, valid);
  assert.deepEqual(checked.usageProblems, []);
});

Deno.test("checkResponse() nulls invalid token counts", () => {
  const usage = response().usage;
  const odd = response({
    usage: { ...usage, prompt_tokens: -5, completion_tokens: 12.7, total_tokens: "16" },
  });
  const checked = checkResponse(odd, "local model m");

  assert.equal(checked.response.output, "Thanks for writing.");
  assert.deepEqual(checked.response.usage, {
    ...usage,
    prompt_tokens: null,
    completion_tokens: null,
    total_tokens: null,
  });
  assert.deepEqual(checked.usageProblems, [
    "usage.prompt_tokens is -5, expected a whole number >= 0",
    "usage.completion_tokens is 12.7, expected a whole number >= 0",
    'usage.total_tokens is "16", expected a whole number >= 0',
  ]);
  assert.equal(odd.usage.prompt_tokens, -5, "the provider's object is left as it was");
});

Deno.test("checkResponse() names the wrong field", () => {
  const usage = response().usage;
  const cases: [CallResponse, string][] = [
    [response({ output: 42 }), "output is 42, expected a string"],
    [response({ output: undefined }), "output is missing, expected a string"],
    [response({ finish_reason: ["stop"] }), "finish_reason is a list, expected a string or null"],
    [response({ simulated: "no" }), 'simulated is "no", expected true or false'],
    [response({ latency_ms: -3 }), "latency_ms is -3, expected a number >= 0 or null"],
    [response({ ttft_ms: NaN }), "ttft_ms is NaN, expected a number >= 0 or null"],
    [response({ usage: null }), "usage is null, expected an object"],
    [response({ usage: [usage] }), "usage is a list, expected an object"],
  ];
  for (const [value, expected] of cases) {
    assert.equal(
      problemOf(value),
      `local model m: malformed response: ${expected}; check the server's response format, ` +
        "or the provider's mapping if it is a custom provider",
    );
  }
});

Deno.test("checkResponse() shortens long values", () => {
  const message = problemOf(response({ simulated: "x".repeat(100) }));
  assert.match(message, /simulated is "x{40}\.\.\."/);
});
