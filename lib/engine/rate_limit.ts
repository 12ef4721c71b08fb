/**
 * Per-model rate limiting consulted before every attempt. Token buckets
 * enforce requests per minute (`ModelConfig.rpm`), tokens per minute
 * (`tpm`), and input and output tokens per minute apart (`itpm`, `otpm`), as
 * Anthropic limits them. A 429
 * pauses the model until its `retry-after` expires, and halves a concurrency
 * cap that grows back one slot at a time on success.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import type { ModelConfig } from "../schema/mod.ts";
import { RateLimitError } from "../providers/provider.ts";
import type {
  AttemptLimiter,
  AttemptOutcome,
  AttemptPermit,
  RetryRequest,
  RetryTimers,
} from "./retry.ts";
import { realTimers } from "./retry.ts";
import { TokenBucket } from "./token_bucket.ts";

/** Options for `RateLimiter`. */
export interface RateLimiterOptions {
  /**
   * Starting concurrency cap per model; the adaptive cap never exceeds it.
   * Default `Infinity`: the engine's global limit applies until the first 429.
   */
  maxConcurrency?: number;
  /** Smallest concurrency cap per model. Default 1. */
  minConcurrency?: number;
  /** Factor applied to the cap on a 429, in (0, 1). Default 0.5. */
  decreaseFactor?: number;
  /**
   * Minimum time between two decreases in milliseconds, so a burst of 429s
   * from requests sent together halves the cap once. Default 1,000.
   */
  decreaseIntervalMs?: number;
  /**
   * Seconds of rate a bucket can hold, so `rpm: 600` allows bursts of 10.
   * Default 1, because providers may enforce per-minute limits over shorter windows.
   */
  burstSeconds?: number;
  /** Pause every request to a model until a 429's `retry-after` expires. Default true. */
  pauseOnRetryAfter?: boolean;
  /** Receives concurrency changes. Default `nullLogger`. */
  logger?: Logger;
  /** Clock and sleep. Default the real clock and `setTimeout`. */
  timers?: RetryTimers;
}

/** Counters of one model's limiter. */
export interface ModelLimiterStats {
  /** `provider|base_url|model`. */
  key: string;
  inFlight: number;
  /** Current concurrency cap; `Infinity` while no 429 has been seen. */
  concurrencyCap: number;
  /** Requests waiting to be admitted. */
  queued: number;
  rateLimited: number;
  /** Times the cap was lowered. */
  decreases: number;
}

/**
 * Rate limiter for every model of a run. Pass one instance as the `limiter`
 * of each `callWithRetry`. It keeps separate limits per provider, base URL
 * and model name, taken from the first `ModelConfig` seen for that key.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ logger });
 * await callWithRetry(provider, request, { limiter });
 * ```
 */
export class RateLimiter implements AttemptLimiter {
  readonly #options: Required<Omit<RateLimiterOptions, "logger" | "timers">>;
  readonly #logger: Logger;
  readonly #timers: RetryTimers;
  readonly #models = new Map<string, ModelLimiter>();

  /** @throws {RangeError} when an option is out of range. */
  constructor(options: RateLimiterOptions = {}) {
    this.#options = {
      maxConcurrency: options.maxConcurrency ?? Infinity,
      minConcurrency: options.minConcurrency ?? 1,
      decreaseFactor: options.decreaseFactor ?? 0.5,
      decreaseIntervalMs: options.decreaseIntervalMs ?? 1000,
      burstSeconds: options.burstSeconds ?? 1,
      pauseOnRetryAfter: options.pauseOnRetryAfter ?? true,
    };
    this.#logger = options.logger ?? nullLogger;
    this.#timers = options.timers ?? realTimers;

    const { maxConcurrency, minConcurrency, decreaseFactor, burstSeconds } = this.#options;
    if (!(minConcurrency >= 1 && Number.isInteger(minConcurrency))) {
      throw new RangeError(`invalid minConcurrency ${minConcurrency}: expected an integer >= 1`);
    }
    if (!(maxConcurrency >= minConcurrency)) {
      throw new RangeError(
        `invalid maxConcurrency ${maxConcurrency}: expected at least minConcurrency ${minConcurrency}`,
      );
    }
    if (!(decreaseFactor > 0 && decreaseFactor < 1)) {
      throw new RangeError(`invalid decreaseFactor ${decreaseFactor}: expected a number in (0, 1)`);
    }
    if (!(burstSeconds > 0)) {
      throw new RangeError(`invalid burstSeconds ${burstSeconds}: expected a positive number`);
    }
  }

  /** Wait until the model's limits admit the request. */
  acquire(request: RetryRequest, signal?: AbortSignal): Promise<AttemptPermit> {
    return this.#modelLimiter(request.model).acquire(estimateRequest(request), signal);
  }

  /** Counters per model, for progress lines and reports. */
  stats(): ModelLimiterStats[] {
    return [...this.#models.values()].map((limiter) => limiter.stats());
  }

  #modelLimiter(model: ModelConfig): ModelLimiter {
    const key = `${model.provider}|${model.base_url ?? ""}|${model.model}`;
    let limiter = this.#models.get(key);
    if (limiter === undefined) {
      limiter = new ModelLimiter(key, model, this.#options, this.#logger, this.#timers);
      this.#models.set(key, limiter);
    }
    return limiter;
  }
}

/**
 * Estimate the tokens a request counts against a tokens-per-minute limit:
 * about four characters per prompt token, plus `max_tokens` when set. When
 * the reported usage exceeds the estimate, the limiter charges the rest.
 */
export function estimateTokens(request: RetryRequest): number {
  return estimateRequest(request).total;
}

/** Tokens a request is expected to count against each kind of token limit. */
interface TokenEstimate {
  /** Input plus `max_tokens`, for `tpm`. */
  total: number;
  /** About four characters per token, for `itpm`. */
  input: number;
  /** `max_tokens`, or 0 when unset, for `otpm`. */
  output: number;
}

function estimateRequest(request: RetryRequest): TokenEstimate {
  let characters = 0;
  for (const message of request.messages) characters += message.content.length;
  const input = Math.ceil(characters / 4);
  const output = request.model.max_tokens ?? 0;
  return { total: input + output, input, output };
}

interface Waiter {
  tokens: TokenEstimate;
  resolve(permit: AttemptPermit): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** The limits of one provider model: buckets, pause and adaptive concurrency. */
class ModelLimiter {
  readonly #key: string;
  /** `provider model name`, for messages. */
  readonly #label: string;
  readonly #options: Required<Omit<RateLimiterOptions, "logger" | "timers">>;
  readonly #logger: Logger;
  readonly #timers: RetryTimers;
  readonly #requests: TokenBucket | undefined;
  readonly #tokens: TokenBucket | undefined;
  readonly #inputTokens: TokenBucket | undefined;
  readonly #outputTokens: TokenBucket | undefined;
  readonly #queue: Waiter[] = [];
  #pumping = false;
  #slotFreed = Promise.withResolvers<void>();
  #inFlight = 0;
  #cap: number;
  #successesSinceChange = 0;
  #pausedUntil = 0;
  #lastDecreaseAt = -Infinity;
  #rateLimited = 0;
  #decreases = 0;

  constructor(
    key: string,
    model: ModelConfig,
    options: Required<Omit<RateLimiterOptions, "logger" | "timers">>,
    logger: Logger,
    timers: RetryTimers,
  ) {
    this.#key = key;
    this.#label = `${model.provider} model ${model.model}`;
    this.#options = options;
    this.#logger = logger;
    this.#timers = timers;
    this.#cap = options.maxConcurrency;
    const now = timers.now();
    const bucket = (perMinute: number | undefined) =>
      perMinute === undefined
        ? undefined
        : new TokenBucket(perMinute, { burstSeconds: options.burstSeconds, now });
    this.#requests = bucket(model.rpm);
    this.#tokens = bucket(model.tpm);
    this.#inputTokens = bucket(model.itpm);
    this.#outputTokens = bucket(model.otpm);
  }

  acquire(tokens: TokenEstimate, signal: AbortSignal | undefined): Promise<AttemptPermit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Admit at once when no waiter is queued and the limits allow it, so the common
    // case builds no waiter and adds no abort listener.
    const now = this.#timers.now();
    if (this.#queue.length === 0 && this.#admits(tokens, now)) {
      return Promise.resolve(this.#admit(tokens, now));
    }
    const { promise, resolve, reject } = Promise.withResolvers<AttemptPermit>();
    const waiter: Waiter = {
      tokens,
      resolve,
      reject,
      signal,
      onAbort: () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
      },
    };
    signal?.addEventListener("abort", waiter.onAbort, { once: true });
    this.#queue.push(waiter);
    this.#pump();
    return promise;
  }

  stats(): ModelLimiterStats {
    return {
      key: this.#key,
      inFlight: this.#inFlight,
      concurrencyCap: this.#cap,
      queued: this.#queue.length,
      rateLimited: this.#rateLimited,
      decreases: this.#decreases,
    };
  }

  /** Admit waiters in arrival order; one pump runs at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0]!;
        if (this.#inFlight >= this.#cap) {
          await this.#slotFreed.promise;
          continue;
        }

        const now = this.#timers.now();
        const waitMs = this.#waitMs(head.tokens, now);
        if (waitMs > 0) {
          await this.#timers.sleep(waitMs);
          continue;
        }

        this.#queue.shift();
        head.signal?.removeEventListener("abort", head.onAbort);
        head.resolve(this.#admit(head.tokens, now));
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Milliseconds until the pause and the buckets allow a request of `tokens`. */
  #waitMs(tokens: TokenEstimate, now: number): number {
    return Math.max(
      this.#pausedUntil - now,
      this.#requests?.waitMs(1, now) ?? 0,
      this.#tokens?.waitMs(tokens.total, now) ?? 0,
      this.#inputTokens?.waitMs(tokens.input, now) ?? 0,
      this.#outputTokens?.waitMs(tokens.output, now) ?? 0,
    );
  }

  /** True when a request of `tokens` may start now: a slot is free and no wait is due. */
  #admits(tokens: TokenEstimate, now: number): boolean {
    return this.#inFlight < this.#cap && this.#waitMs(tokens, now) <= 0;
  }

  /** Take the request's share of the buckets and a slot, and return its permit. */
  #admit(tokens: TokenEstimate, now: number): AttemptPermit {
    this.#requests?.take(1, now);
    this.#tokens?.take(tokens.total, now);
    this.#inputTokens?.take(tokens.input, now);
    this.#outputTokens?.take(tokens.output, now);
    this.#inFlight++;
    return this.#permit(tokens);
  }

  #permit(estimatedTokens: TokenEstimate): AttemptPermit {
    let released = false;
    return {
      release: (outcome: AttemptOutcome) => {
        if (released) return;
        released = true;
        this.#inFlight--;
        this.#settle(outcome, estimatedTokens);
        const freed = this.#slotFreed;
        this.#slotFreed = Promise.withResolvers<void>();
        freed.resolve();
      },
    };
  }

  #settle(outcome: AttemptOutcome, estimatedTokens: TokenEstimate): void {
    const now = this.#timers.now();
    if ("response" in outcome) {
      const usage = outcome.response.usage;
      // Charge what the response used beyond the estimate, and refund nothing:
      // OpenAI counts max_tokens against the limit whether or not it is used.
      const used = usage.total_tokens;
      if (used !== null && used > estimatedTokens.total) {
        this.#tokens?.take(used - estimatedTokens.total, now);
      }
      // Input and output limits count what was used, so the estimates are
      // settled both ways. Anthropic's rate-limit page states that only uncached input
      // counts toward its input limit on most models, so cache reads are left out.
      if (usage.prompt_tokens !== null) {
        const input = usage.prompt_tokens - (usage.cached_tokens ?? 0);
        this.#inputTokens?.take(input - estimatedTokens.input, now);
      }
      if (usage.completion_tokens !== null) {
        this.#outputTokens?.take(usage.completion_tokens - estimatedTokens.output, now);
      }
      this.#grow();
      return;
    }
    if (!(outcome.error instanceof RateLimitError)) return;

    this.#rateLimited++;
    const retryAfterMs = outcome.error.retryAfterMs;
    if (this.#options.pauseOnRetryAfter && retryAfterMs !== undefined) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    }
    if (now - this.#lastDecreaseAt < this.#options.decreaseIntervalMs) return;

    // Halve from what was actually in flight, so an unlimited cap becomes finite.
    const before = Math.min(this.#cap, this.#inFlight + 1);
    const after = Math.max(
      this.#options.minConcurrency,
      Math.floor(before * this.#options.decreaseFactor),
    );
    this.#lastDecreaseAt = now;
    this.#successesSinceChange = 0;
    if (after < this.#cap) {
      this.#cap = after;
      this.#decreases++;
      this.#logger.warn(`${this.#label}: lowered concurrency to ${after} after a 429`, {
        model: this.#key,
        concurrency: after,
        retry_after_ms: retryAfterMs,
      });
    }
  }

  /** Additive increase: one more slot after as many successes as the cap since the last change. */
  #grow(): void {
    if (!Number.isFinite(this.#cap) || this.#cap >= this.#options.maxConcurrency) return;
    this.#successesSinceChange++;
    if (this.#successesSinceChange < this.#cap) return;
    this.#successesSinceChange = 0;
    this.#cap++;
  }
}
