import assert from "node:assert/strict";
import {
  classifyHttpError,
  connectionError,
  parseRetryAfter,
  scrubSecret,
  toProviderError,
} from "./errors.ts";
import { ProviderError, RateLimitError } from "./provider.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const context = { provider: "openai", model: "gpt-test", secret: "sk-secret-value-123" };

Deno.test("parseRetryAfter prefers retry-after-ms", () => {
  const headers = new Headers({ "retry-after-ms": "120", "retry-after": "3" });
  assert.equal(parseRetryAfter(headers, NOW), 120);
});

Deno.test("parseRetryAfter reads seconds and dates", () => {
  assert.equal(parseRetryAfter(new Headers({ "retry-after": "2.5" }), NOW), 2500);
  assert.equal(
    parseRetryAfter(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:04 GMT" }), NOW),
    4000,
  );
  // A date in the past means no wait.
  assert.equal(
    parseRetryAfter(new Headers({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), NOW),
    0,
  );
});

Deno.test("parseRetryAfter reads OpenAI reset durations", () => {
  const headers = new Headers({
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-reset-requests": "1m2.5s",
    "x-ratelimit-remaining-tokens": "5000",
    "x-ratelimit-reset-tokens": "20ms",
  });
  // Only the exhausted requests limit counts.
  assert.equal(parseRetryAfter(headers, NOW), 62_500);
  const noRemaining = new Headers({
    "x-ratelimit-reset-requests": "6m0s",
    "x-ratelimit-reset-tokens": "20ms",
  });
  assert.equal(parseRetryAfter(noRemaining, NOW), 20);
});

Deno.test("parseRetryAfter reads Anthropic reset times", () => {
  const headers = new Headers({
    "anthropic-ratelimit-requests-remaining": "0",
    "anthropic-ratelimit-requests-reset": "2026-01-01T00:00:01.500Z",
    "anthropic-ratelimit-tokens-remaining": "0",
    "anthropic-ratelimit-tokens-reset": "2026-01-01T00:00:03Z",
    "anthropic-ratelimit-input-tokens-remaining": "9000",
    "anthropic-ratelimit-input-tokens-reset": "2026-01-01T00:01:00Z",
  });
  assert.equal(parseRetryAfter(headers, NOW), 3000);
});

Deno.test("parseRetryAfter ignores invalid values", () => {
  assert.equal(parseRetryAfter(new Headers(), NOW), undefined);
  assert.equal(parseRetryAfter(new Headers({ "retry-after": "soon" }), NOW), undefined);
  assert.equal(parseRetryAfter(new Headers({ "retry-after-ms": "-5" }), NOW), undefined);
  assert.equal(
    parseRetryAfter(new Headers({ "x-ratelimit-reset-requests": "1 minute" }), NOW),
    undefined,
  );
});

Deno.test("classifyHttpError marks retryable statuses", () => {
  const cases: Array<[number, boolean]> = [
    [400, false],
    [408, true],
    [409, true],
    [422, false],
    [500, true],
    [502, true],
    [503, true],
    [529, true],
  ];
  for (const [status, retryable] of cases) {
    const error = classifyHttpError({ status, message: "failed" }, context);
    assert.equal(error.retryable, retryable, `HTTP ${status}`);
    assert.equal(error.fatalForModel, false, `HTTP ${status}`);
    assert.equal(error.status, status);
  }
});

Deno.test("classifyHttpError stops the model on key and quota errors", () => {
  for (const status of [401, 402, 403, 404]) {
    const error = classifyHttpError({ status, message: "no" }, context);
    assert.equal(error.fatalForModel, true, `HTTP ${status}`);
    assert.equal(error.retryable, false, `HTTP ${status}`);
  }
  const quota = classifyHttpError(
    { status: 429, message: "You exceeded your current quota.", code: "insufficient_quota" },
    context,
  );
  assert.ok(!(quota instanceof RateLimitError));
  assert.equal(quota.fatalForModel, true);
  assert.equal(quota.code, "insufficient_quota");
  assert.equal(
    quota.message,
    "openai model gpt-test: quota exhausted (HTTP 429): You exceeded your current quota. " +
      "Add credit or raise the quota, then resume the run",
  );
});

Deno.test("classifyHttpError turns 429 into RateLimitError", () => {
  const error = classifyHttpError({
    status: 429,
    message: "Rate limit reached",
    code: "rate_limit_exceeded",
    headers: new Headers({ "retry-after-ms": "40" }),
  }, context);
  assert.ok(error instanceof RateLimitError);
  assert.equal(error.retryAfterMs, 40);
  assert.equal(error.retryable, true);
});

Deno.test("classifyHttpError scrubs the key", () => {
  const error = classifyHttpError(
    { status: 401, message: "Incorrect API key provided: sk-secret-value-123." },
    context,
  );
  assert.ok(!error.message.includes("sk-secret-value-123"));
  assert.match(error.message, /Incorrect API key provided: \[redacted\]\. Check the API key/);
});

Deno.test("scrubSecret skips short secrets", () => {
  assert.equal(scrubSecret("token abc in text", "abc"), "token abc in text");
  assert.equal(
    scrubSecret("a longsecret1 b longsecret1", "longsecret1"),
    "a [redacted] b [redacted]",
  );
  assert.equal(scrubSecret("text", undefined), "text");
});

Deno.test("toProviderError keeps ProviderError and wraps others", () => {
  const original = new ProviderError("x", { retryable: true });
  assert.equal(toProviderError(original), original);
  const wrapped = toProviderError(new RangeError("bad"));
  assert.equal(wrapped.retryable, false);
  assert.equal(wrapped.message, "provider call failed: RangeError: bad");
});

Deno.test("connectionError names the nested cause", () => {
  const connectionRefused = new Error(
    "error sending request for url (http://user:pw@127.0.0.1:59999/v1/chat/completions): " +
      "tcp connect error: Connection refused (os error 111)",
  );
  const error = connectionError(
    new TypeError("fetch failed", { cause: connectionRefused }),
    context,
  );

  assert.equal(error.code, "connection_error");
  assert.equal(error.retryable, true);
  assert.equal(
    error.message,
    "openai model gpt-test: connection failed: fetch failed: error sending request for url " +
      "(http://127.0.0.1:59999/v1/chat/completions): tcp connect error: Connection refused " +
      "(os error 111)",
  );
});

Deno.test("classifyHttpError names the base URL on a 404", () => {
  const custom = classifyHttpError(
    { status: 404, message: "not found" },
    { ...context, baseUrl: "http://user:pw@127.0.0.1:8765/v2" },
  );
  assert.equal(custom.fatalForModel, true);
  assert.equal(
    custom.message,
    "openai model gpt-test: request failed (HTTP 404): not found. Check the model name, " +
      "the base URL http://127.0.0.1:8765/v2 and the account",
  );

  const own = classifyHttpError({ status: 404, message: "not found" }, context);
  assert.match(own.message, /Check the model name, the provider's default base URL and/);
});
