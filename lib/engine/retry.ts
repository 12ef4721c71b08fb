/**
 * The retry policy around one provider call: a per-attempt timeout, backoff
 * with full jitter, `retry-after` waits, rate limiting and a maximum number of
 * attempts. Only the winning attempt's response is returned, so a call that
 * timed out and was retried is recorded once.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import type { CallRequest, CallResponse, Provider } from "../providers/provider.ts";
import { type ProviderError, RateLimitError } from "../providers/provider.ts";
import { TimeoutError, toProviderError } from "../providers/errors.ts";
import { checkResponse } from "../providers/response_check.ts";
import { TimeoutQueue } from "./timeout_queue.ts";

/** A call request without its signal; `callWithRetry` gives each attempt its own. */
export type RetryRequest = Omit<CallRequest, "signal">;

/** Outcome of one attempt, reported back to the limiter that admitted it. */
export type AttemptOutcome = { response: CallResponse } | { error: ProviderError };

/**
 * Permission to send one attempt. `callWithRetry` releases each permit once;
 * `RateLimiter` ignores a second release.
 */
export interface AttemptPermit {
  /** Report the attempt's outcome and free its slot. */
  release(outcome: AttemptOutcome): void;
}

/**
 * Admission control consulted before every attempt, such as the per-model
 * token buckets and adaptive concurrency of `rate_limit.ts`.
 */
export interface AttemptLimiter {
  /**
   * Wait until the request may be sent.
   *
   * @throws the signal's reason when `signal` aborts while waiting.
   */
  acquire(request: RetryRequest, signal?: AbortSignal): Promise<AttemptPermit>;
}

/** Time source and sleep, injectable so tests run on fake time. */
export interface RetryTimers {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolve after `ms` milliseconds; reject with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Run `callback` after `ms` milliseconds and return a function that cancels
   * it. Optional: built from `sleep` when absent, at the cost of an
   * AbortController per call.
   */
  schedule?(ms: number, callback: () => void): () => void;
}

/** Details of a retry, passed to `onRetry`. */
export interface RetryEvent {
  /** Attempt that just failed, from 1. */
  attempt: number;
  error: ProviderError;
  /** Wait before the next attempt in milliseconds. */
  delayMs: number;
  /** True when the wait comes from the provider's `retry-after` or reset headers. */
  fromRetryAfter: boolean;
}

/** Options for `callWithRetry`. */
export interface RetryOptions {
  /** Cancels the whole call, waits included. */
  signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds. Default `request.model.timeout_ms`. */
  timeoutMs?: number;
  /** Maximum attempts, the first included. Default `request.model.max_attempts`. */
  maxAttempts?: number;
  /** Admission control consulted before every attempt. Default none. */
  limiter?: AttemptLimiter;
  /** Receives retry and failure lines. Default `nullLogger`. */
  logger?: Logger;
  /** Called before each wait between attempts. */
  onRetry?: (event: RetryEvent) => void;
  /** Called when a 429 makes the call wait, with the wait in milliseconds. */
  onRateLimitWait?: (delayMs: number) => void;
  /** First backoff ceiling in milliseconds; doubles per attempt. Default 500. */
  baseDelayMs?: number;
  /** Largest backoff ceiling in milliseconds. Default 30,000. */
  maxDelayMs?: number;
  /**
   * Largest `retry-after` honoured in milliseconds; a longer wait fails the
   * call instead of blocking it. Default 300,000 (five minutes).
   */
  maxRetryAfterMs?: number;
  /** Clock and sleep. Default the real clock (`performance.now`) and `setTimeout`. */
  timers?: RetryTimers;
  /** Uniform random number in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
}

/** A successful call. */
export interface RetryResult {
  response: CallResponse;
  /** Attempts made, the successful one included. */
  attempts: number;
  /** Wall time of the successful attempt in milliseconds, limiter wait excluded. */
  latencyMs: number;
}

/** Attempt timeouts per delay in milliseconds; each queue keeps one timer. */
const timeoutQueues = new Map<number, TimeoutQueue>();

/** Real clock, `setTimeout` sleep, and attempt timeouts that share one timer per delay. */
export const realTimers: RetryTimers = {
  now: () => performance.now(),
  schedule: (ms, callback) => {
    let queue = timeoutQueues.get(ms);
    if (queue === undefined) {
      queue = new TimeoutQueue(ms);
      timeoutQueues.set(ms, queue);
    }
    return queue.schedule(callback);
  },
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/**
 * Call a provider with timeouts, retries and rate limiting.
 *
 * Retries errors whose `retryable` flag is set (429, 408, 409, 5xx, 529,
 * timeouts, connection errors, malformed bodies) and fails at once on the
 * rest. A 429 waits for the provider's `retry-after`; other retries wait a
 * random time up to `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`.
 *
 * Every attempt gets its own AbortController, aborted on timeout. An attempt
 * that returns after its timeout is ignored, so a call returns at most one
 * response however many attempts ran.
 *
 * @param provider Provider to call.
 * @param request The call; its `signal` is supplied per attempt.
 * @param options Timeouts, attempts, limiter, logger and timers.
 * @returns The winning response, the attempt count and its latency.
 * @throws {ProviderError} the last attempt's error, with `attempts` set; a
 *   non-`ProviderError` thrown by the provider is wrapped as non-retryable.
 * @throws the reason of `options.signal` when the call is cancelled.
 * @throws {RangeError} when `timeoutMs` or `maxAttempts` is below 1, or a delay is negative.
 *
 * @example
 * ```ts
 * const { response, attempts } = await callWithRetry(provider, request, {
 *   timeoutMs: 10_000,
 *   maxAttempts: 3,
 * });
 * ```
 */
export async function callWithRetry(
  provider: Provider,
  request: RetryRequest,
  options: RetryOptions = {},
): Promise<RetryResult> {
  const timeoutMs = options.timeoutMs ?? request.model.timeout_ms;
  const maxAttempts = options.maxAttempts ?? request.model.max_attempts;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
  const timers = options.timers ?? realTimers;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? nullLogger;
  const signal = options.signal;

  checkNumber("timeoutMs", timeoutMs, { integer: false, min: 1 });
  checkNumber("maxAttempts", maxAttempts, { integer: true, min: 1 });
  checkNumber("baseDelayMs", baseDelayMs, { integer: false, min: 0 });
  checkNumber("maxDelayMs", maxDelayMs, { integer: false, min: 0 });

  for (let attempt = 1;; attempt++) {
    signal?.throwIfAborted();
    const permit = options.limiter ? await options.limiter.acquire(request, signal) : undefined;
    const startedAt = timers.now();
    let error: ProviderError;
    try {
      const source = `${provider.name} model ${request.model.model}`;
      const { response, usageProblems } = checkResponse(
        await runAttempt(provider, request, { timeoutMs, timers, signal }),
        source,
      );
      if (usageProblems.length > 0) warnOnce(logger, source, usageProblems);
      permit?.release({ response });
      return { response, attempts: attempt, latencyMs: timers.now() - startedAt };
    } catch (thrown) {
      if (signal?.aborted) {
        permit?.release({ error: toProviderError(thrown) });
        throw signal.reason;
      }
      error = toProviderError(thrown);
      error.attempts = attempt;
      permit?.release({ error });
    }

    // Decide whether and how long to wait; the permit is already released so
    // a waiting call holds no concurrency slot.
    if (!error.retryable || attempt >= maxAttempts) {
      logger.debug("provider call failed", {
        provider: provider.name,
        model: request.model.model,
        call_key: request.callKey,
        attempts: attempt,
        error: error.message,
      });
      throw error;
    }
    const fromRetryAfter = error.retryAfterMs !== undefined;
    const delayMs = fromRetryAfter
      ? error.retryAfterMs!
      : random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    if (delayMs > maxRetryAfterMs) {
      error.message += ` (the provider asked to wait ${
        Math.round(delayMs)
      } ms, more than the ${maxRetryAfterMs} ms allowed)`;
      throw error;
    }
    options.onRetry?.({ attempt, error, delayMs, fromRetryAfter });
    if (error instanceof RateLimitError) options.onRateLimitWait?.(delayMs);
    logger.debug("retrying provider call", {
      provider: provider.name,
      model: request.model.model,
      call_key: request.callKey,
      attempt,
      delay_ms: Math.round(delayMs),
      error: error.message,
    });
    await timers.sleep(delayMs, signal);
  }
}

/** Token count problems already reported, per logger, so each is logged once per model and field. */
const reportedUsageProblems = new WeakMap<Logger, Set<string>>();

function warnOnce(logger: Logger, source: string, problems: readonly string[]): void {
  let reported = reportedUsageProblems.get(logger);
  if (reported === undefined) {
    reported = new Set();
    reportedUsageProblems.set(logger, reported);
  }
  for (const problem of problems) {
    const field = problem.slice(0, problem.indexOf(" "));
    const key = `${source}|${field}`;
    if (reported.has(key)) continue;
    reported.add(key);
    logger.warn(
      `${source}: ${problem}; stored as null, so the report counts it as not reported ` +
        "(shown once per model and field)",
    );
  }
}

/** Run one attempt under its own AbortController and timeout. */
async function runAttempt(
  provider: Provider,
  request: RetryRequest,
  context: { timeoutMs: number; timers: RetryTimers; signal: AbortSignal | undefined },
): Promise<CallResponse> {
  const { timeoutMs, timers, signal } = context;
  const attempt = new AbortController();
  const { promise: lost, reject: lose } = Promise.withResolvers<never>();
  // The attempt loses to whichever comes first: the timeout or cancellation.
  const abort = (reason: unknown) => {
    attempt.abort(reason);
    lose(reason);
  };
  const stopWatching = signal === undefined ? undefined : onAbort(signal, abort);
  const cancelTimeout = schedule(timers, timeoutMs, () => {
    abort(
      new TimeoutError(
        `${provider.name} model ${request.model.model}: request timed out after ${timeoutMs} ms`,
      ),
    );
  });

  const call = provider.call({ ...request, signal: attempt.signal });
  // A late response or error from an abandoned attempt is dropped here.
  call.catch(() => {});
  lost.catch(() => {});
  try {
    return await Promise.race([call, lost]);
  } finally {
    cancelTimeout();
    stopWatching?.();
  }
}

/** Callbacks of the attempts in flight, per signal that cancels them. */
const abortCallbacks = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/**
 * Run `callback` with the signal's reason when `signal` aborts, and return a
 * function that removes it. Every call under one signal shares a single
 * listener, because adding and removing a listener per attempt costs time in
 * proportion to the listeners already on the signal, which is the number of
 * calls in flight.
 */
function onAbort(signal: AbortSignal, callback: (reason: unknown) => void): () => void {
  let callbacks = abortCallbacks.get(signal);
  if (callbacks === undefined) {
    const created = new Set<(reason: unknown) => void>();
    signal.addEventListener("abort", () => {
      for (const run of [...created]) run(signal.reason);
      created.clear();
    }, { once: true });
    abortCallbacks.set(signal, created);
    callbacks = created;
  }
  const registered = callbacks;
  registered.add(callback);
  return () => registered.delete(callback);
}

/** Run `callback` after `ms` milliseconds through `timers`; returns a function that cancels it. */
function schedule(timers: RetryTimers, ms: number, callback: () => void): () => void {
  if (timers.schedule) return timers.schedule(ms, callback);
  const cancel = new AbortController();
  timers.sleep(ms, cancel.signal).then(callback, () => {});
  return () => cancel.abort();
}

function checkNumber(name: string, value: number, rule: { integer: boolean; min: number }): void {
  const valid = Number.isFinite(value) && value >= rule.min &&
    (!rule.integer || Number.isInteger(value));
  if (!valid) {
    const kind = rule.integer ? "an integer" : "a number";
    throw new RangeError(`invalid ${name} ${value}: expected ${kind} of at least ${rule.min}`);
  }
}
