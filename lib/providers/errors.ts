/**
 * Classification of provider failures into `ProviderError` and
 * `RateLimitError` for the retry policy, shared by the OpenAI and Anthropic
 * providers: which statuses are retried, which stop a model, how long a 429
 * requests the client to wait, and scrubbing of API keys from messages.
 *
 * @module
 */
import { ProviderError, RateLimitError } from "./provider.ts";
import type { ProviderErrorOptions } from "./provider.ts";

/** An attempt that exceeded its per-attempt timeout; retried. */
export class TimeoutError extends ProviderError {
  constructor(message: string, options: Omit<ProviderErrorOptions, "retryable"> = {}) {
    super(message, { ...options, retryable: true });
    this.name = "TimeoutError";
  }
}

/** Provider and model of a failed call, and the secret to keep out of messages. */
export interface ErrorContext {
  /** Provider name such as `openai`. */
  provider: string;
  /** Model name sent to the provider. */
  model: string;
  /** API key to scrub from messages; skipped when absent or shorter than 8 characters. */
  secret?: string | undefined;
  /** The model's `base_url`, named in messages about a wrong address; absent for the provider's own. */
  baseUrl?: string | undefined;
}

/** Fields of an HTTP error response. */
export interface HttpErrorDetails {
  status: number;
  /** Provider message from the error body, or the SDK's message. */
  message: string;
  /** Error code from the body, such as `insufficient_quota`. */
  code?: string | null | undefined;
  /** Error type from the body, such as `overloaded_error`. */
  type?: string | null | undefined;
  headers?: Headers | undefined;
}

/** Error codes and types that mean the account has no credit left. */
const QUOTA_CODES = new Set(["insufficient_quota", "billing_error", "credit_balance_too_low"]);

/**
 * Statuses worth another attempt: request timeout, conflict, and server
 * errors including Anthropic's 529 `overloaded_error`.
 */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status >= 500;
}

/**
 * Classify an HTTP error response.
 *
 * A 429 becomes a `RateLimitError` with the wait from the response headers,
 * unless its code means the quota is exhausted. 401, 402, 403, 404 and quota
 * errors are fatal for the model: every later call would fail the same way.
 * Other 4xx fail without retry; 408, 409 and 5xx are retried.
 *
 * @param details Status, message, code, type and headers of the response.
 * @param context Provider, model and the key to scrub.
 * @returns The classified error; its message names the provider and model.
 */
export function classifyHttpError(details: HttpErrorDetails, context: ErrorContext): ProviderError {
  const { status, headers } = details;
  const code = details.code ?? details.type ?? undefined;
  const base = {
    status,
    ...(code === undefined ? {} : { code }),
  };
  // Drop a trailing period so the advice appended below reads as a new sentence.
  const providerMessage = scrubSecret(details.message, context.secret).replace(/\.\s*$/, "");
  const where = `${context.provider} model ${context.model}`;
  const quota = (details.code != null && QUOTA_CODES.has(details.code)) ||
    (details.type != null && QUOTA_CODES.has(details.type));

  if (quota) {
    return new ProviderError(
      `${where}: quota exhausted (HTTP ${status}): ${providerMessage}. ` +
        "Add credit or raise the quota, then resume the run",
      { ...base, retryable: false, fatalForModel: true },
    );
  }
  if (status === 401 || status === 403) {
    return new ProviderError(
      `${where}: request rejected as unauthorized (HTTP ${status}): ${providerMessage}. ` +
        "Check the API key and its permissions, then resume the run",
      { ...base, retryable: false, fatalForModel: true },
    );
  }
  if (status === 429) {
    const retryAfterMs = headers ? parseRetryAfter(headers) : undefined;
    return new RateLimitError(`${where}: rate limited (HTTP 429): ${providerMessage}`, {
      ...(code === undefined ? {} : { code }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 402 || status === 404) {
    const baseUrl = context.baseUrl === undefined
      ? "the provider's default base URL"
      : `the base URL ${withoutUserInfo(scrubSecret(context.baseUrl, context.secret))}`;
    return new ProviderError(
      `${where}: request failed (HTTP ${status}): ${providerMessage}. ` +
        `Check the model name, ${baseUrl} and the account`,
      { ...base, retryable: false, fatalForModel: true },
    );
  }
  const retryable = retryableStatus(status) || details.type === "overloaded_error";
  const retryAfterMs = retryable && headers ? parseRetryAfter(headers) : undefined;
  return new ProviderError(`${where}: request failed (HTTP ${status}): ${providerMessage}`, {
    ...base,
    retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Classify a failure to connect or a connection dropped mid-response; retried. */
export function connectionError(cause: unknown, context: ErrorContext): ProviderError {
  const detail = describeCauses(cause);
  return new ProviderError(
    `${context.provider} model ${context.model}: connection failed: ${
      scrubSecret(detail, context.secret)
    }`,
    { code: "connection_error", retryable: true, cause },
  );
}

/**
 * Joins the messages of an error and its causes, because fetch reports only
 * "fetch failed" and keeps the address and the reason, such as "Connection
 * refused", in a nested cause. User and password parts of URLs are removed.
 */
function describeCauses(cause: unknown): string {
  const messages: string[] = [];
  let current = cause;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message !== "" && !messages.includes(message)) messages.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return withoutUserInfo(messages.join(": "));
}

/** Removes the user and password parts of every URL in a text. */
function withoutUserInfo(text: string): string {
  return text.replace(/\/\/[^/\s@]*@/g, "//");
}

/** Classify a response body that is not valid JSON or misses required fields; retried. */
export function malformedResponseError(cause: unknown, context: ErrorContext): ProviderError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ProviderError(
    `${context.provider} model ${context.model}: malformed response: ${
      scrubSecret(detail, context.secret)
    }`,
    { code: "malformed_response", retryable: true, cause },
  );
}

/**
 * Convert anything a provider threw into a `ProviderError`. A `ProviderError`
 * passes through; any other value becomes a non-retryable `ProviderError`,
 * because an unclassified error is more likely a bug than a passing fault.
 */
export function toProviderError(thrown: unknown): ProviderError {
  if (thrown instanceof ProviderError) return thrown;
  const message = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  return new ProviderError(`provider call failed: ${message}`, { retryable: false, cause: thrown });
}

/**
 * Read the wait a rate-limited response requests before the next attempt.
 *
 * Order: `retry-after-ms` (OpenAI), `retry-after` in seconds or as an HTTP
 * date, then the latest reset among the exhausted limits of OpenAI's
 * `x-ratelimit-reset-*` (durations such as `1s`, `6m0s`, `20ms`) and
 * Anthropic's `anthropic-ratelimit-*-reset` (RFC 3339 times). When no limit is
 * reported exhausted, the earliest reset is used.
 *
 * @param headers Response headers.
 * @param nowMs Current wall time in milliseconds since the epoch, for dates.
 * @returns The wait in milliseconds, or undefined when no header gives one.
 */
export function parseRetryAfter(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const retryAfterMs = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(retryAfterMs) && retryAfterMs >= 0) return retryAfterMs;

  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    const seconds = Number(retryAfter.trim());
    if (retryAfter.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }

  const exhausted: number[] = [];
  const all: number[] = [];
  for (const [name, value] of headers) {
    const openai = /^x-ratelimit-reset-(.+)$/.exec(name);
    const anthropic = /^anthropic-ratelimit-(.+)-reset$/.exec(name);
    const limit = openai?.[1] ?? anthropic?.[1];
    if (limit === undefined) continue;
    const waitMs = openai ? parseDuration(value) : parseResetTime(value, nowMs);
    if (waitMs === undefined) continue;
    all.push(waitMs);
    const remaining = openai
      ? headers.get(`x-ratelimit-remaining-${limit}`)
      : headers.get(`anthropic-ratelimit-${limit}-remaining`);
    if (remaining !== null && Number(remaining) <= 0) exhausted.push(waitMs);
  }
  if (exhausted.length > 0) return Math.max(...exhausted);
  if (all.length > 0) return Math.min(...all);
  return undefined;
}

/** Parse a Go-style duration such as `1s`, `6m0s`, `1h2m3.5s` or `20ms` into milliseconds. */
function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const pattern = /(\d+(?:\.\d+)?)(ms|us|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.trim().matchAll(pattern)) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed += match[0].length;
  }
  return consumed > 0 && consumed === text.trim().length ? total : undefined;
}

/** Parse an RFC 3339 reset time into the wait from `nowMs`, at least 0. */
function parseResetTime(text: string, nowMs: number): number | undefined {
  const time = Date.parse(text);
  return Number.isFinite(time) ? Math.max(0, time - nowMs) : undefined;
}

/**
 * Replace every occurrence of `secret` in `text` with `[redacted]`. Secrets
 * shorter than 8 characters are left alone, because replacing them would
 * mangle ordinary words.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 8) return text;
  return text.split(secret).join("[redacted]");
}
