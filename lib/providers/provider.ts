/**
 * The interface every provider implements, and the errors the engine branches on.
 *
 * @module
 */
import type { ModelConfig } from "../schema/mod.ts";

/** One chat message. */
export interface Message {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * Token usage, normalized across providers; a field the provider did not
 * report is null, not 0.
 *
 * `prompt_tokens` counts every input token, cached reads and cache writes
 * included (Anthropic reports those apart, so its provider adds them in).
 * `cached_tokens` and `cache_write_tokens` are subsets of `prompt_tokens`, and
 * `reasoning_tokens` is a subset of `completion_tokens`.
 */
export interface Usage {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  cached_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
}

/** The request the engine sends to a provider. */
export interface CallRequest {
  model: ModelConfig;
  messages: Message[];
  /** Call key; providers that support it send it as an idempotency key. */
  callKey: string;
  /** Seed of the test, for deterministic providers. */
  seed: number;
  repeat: number;
  /** Aborted on timeout or cancellation. */
  signal: AbortSignal;
}

/** A provider's response. */
export interface CallResponse {
  output: string;
  finish_reason: string | null;
  usage: Usage;
  /** Time to first token in milliseconds, when streamed. */
  ttft_ms: number | null;
  /** Output tokens per second after the first token, when streamed; absent or null otherwise. */
  output_tokens_per_s?: number | null;
  /**
   * Latency in milliseconds the provider reports itself; the simulated
   * provider sets it, real providers leave it undefined and the engine
   * measures wall time.
   */
  latency_ms?: number;
  simulated: boolean;
}

/** A model provider. */
export interface Provider {
  readonly name: string;
  call(request: CallRequest): Promise<CallResponse>;
}

/** Options for `ProviderError`. */
export interface ProviderErrorOptions {
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** Provider error code such as `insufficient_quota`. */
  code?: string;
  /** True when another attempt may succeed. */
  retryable: boolean;
  /** Wait the provider asked for before the next attempt, in milliseconds. */
  retryAfterMs?: number;
  /**
   * True when no call to this model can succeed until a person acts (invalid
   * key, exhausted quota); the engine stops the model's arms.
   */
  fatalForModel?: boolean;
  /** Attempts made when the error was final; 1 unless set by the retry loop. */
  attempts?: number;
  cause?: unknown;
}

/** A failed provider call, classified for the retry policy. */
export class ProviderError extends Error {
  status: number | undefined;
  code: string | undefined;
  retryable: boolean;
  retryAfterMs: number | undefined;
  fatalForModel: boolean;
  attempts: number;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.status = options.status;
    this.code = options.code;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.fatalForModel = options.fatalForModel ?? false;
    this.attempts = options.attempts ?? 1;
  }
}

/** HTTP 429 from a provider; retried after `retryAfterMs` when known. */
export class RateLimitError extends ProviderError {
  constructor(message: string, options: Omit<ProviderErrorOptions, "retryable" | "status">) {
    super(message, { ...options, status: 429, retryable: true });
    this.name = "RateLimitError";
  }
}
