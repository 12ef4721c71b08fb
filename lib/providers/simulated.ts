/**
 * The simulated provider: the embedded default that needs no key and no
 * network. For a given seed, model, arm, case, repeat and attempt it returns
 * the same output, token counts and latency every time, so demos, tests and
 * two runs of one experiment file are reproducible.
 *
 * @module
 */
import type { ModelConfig, SimulatedProfile } from "../schema/mod.ts";
import type { CallRequest, CallResponse, Provider } from "./provider.ts";
import { ProviderError, RateLimitError } from "./provider.ts";
import { composeOutput, lognormal, seededRandom } from "./simulated_text.ts";
import { estimatePromptTokens, estimateTokens } from "./tokens.ts";

/** Real milliseconds slept per simulated millisecond: a 1 s call sleeps 20 ms. */
export const DEFAULT_TIME_SCALE = 0.02;

/** Share of simulated errors that are rate limits (HTTP 429) rather than server errors. */
const RATE_LIMIT_SHARE = 1 / 3;

/** Simulated `retry-after` of a rate-limited call, in milliseconds. */
const RETRY_AFTER_MS = 1_000;

/** A simulated model's shape with every field filled in. */
export interface ResolvedProfile {
  latency_median_ms: number;
  latency_sigma: number;
  error_rate: number;
  output_words: number;
  time_scale: number;
  /** True for reasoning models, which also report reasoning tokens. */
  reasoning: boolean;
}

/**
 * Default profiles by model name, first match wins. Small models respond
 * faster and shorter than large ones, and reasoning models slowest.
 */
const NAMED_PROFILES: readonly [
  RegExp,
  Omit<ResolvedProfile, "error_rate" | "time_scale" | "reasoning">,
][] = [
  [/nano/, { latency_median_ms: 450, latency_sigma: 0.35, output_words: 55 }],
  [/mini|haiku|flash|small/, { latency_median_ms: 700, latency_sigma: 0.4, output_words: 70 }],
  [/^o\d|^gpt-5|opus/, { latency_median_ms: 3_500, latency_sigma: 0.6, output_words: 110 }],
  [/sonnet|gpt-4|large/, { latency_median_ms: 1_500, latency_sigma: 0.45, output_words: 90 }],
];
const FALLBACK_PROFILE = { latency_median_ms: 1_000, latency_sigma: 0.5, output_words: 80 };

/** Model names that bill hidden reasoning tokens. */
const REASONING_MODEL = /^o\d|^gpt-5/;

/**
 * Fills in a simulated model's profile from its name, its `profile` settings
 * and a default time scale.
 *
 * @param model The model config; `profile` fields win over the name's defaults.
 * @param timeScale Time scale used when the profile sets none.
 * @returns The complete profile.
 */
export function resolveProfile(
  model: Pick<ModelConfig, "model" | "profile">,
  timeScale: number = DEFAULT_TIME_SCALE,
): ResolvedProfile {
  const name = model.model.toLowerCase();
  const named = NAMED_PROFILES.find(([pattern]) => pattern.test(name))?.[1] ?? FALLBACK_PROFILE;
  const profile: SimulatedProfile = model.profile ?? {};
  return {
    latency_median_ms: profile.latency_median_ms ?? named.latency_median_ms,
    latency_sigma: profile.latency_sigma ?? named.latency_sigma,
    error_rate: profile.error_rate ?? 0,
    output_words: profile.output_words ?? named.output_words,
    time_scale: profile.time_scale ?? timeScale,
    reasoning: REASONING_MODEL.test(name),
  };
}

/** Options for `SimulatedProvider`. */
export interface SimulatedProviderOptions {
  /**
   * Real milliseconds slept per simulated millisecond when a model's profile
   * sets no `time_scale`; 0 responds at once. Default 0.02.
   */
  timeScale?: number;
}

/**
 * A deterministic stand-in for a model API.
 *
 * Latency is lognormal around the profile's median. The output is composed
 * from the prompt and drawn from a stream seeded by the test seed, the model
 * name and the call key without its test id (see `drawKey()`), so
 * different variants and models produce different outputs. Token counts are
 * estimated from the text at 4 characters per token. An `error_rate` makes
 * some attempts fail, and each attempt of a call key draws anew, so retries
 * can succeed.
 */
export class SimulatedProvider implements Provider {
  readonly name = "simulated";
  #timeScale: number;
  /** Failed attempts per call key, so the next attempt draws differently; cleared on success. */
  #failures = new Map<string, number>();

  constructor(options: SimulatedProviderOptions = {}) {
    const timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
    if (!(timeScale >= 0 && timeScale <= 1)) {
      throw new RangeError(`Simulated timeScale ${timeScale} is invalid: use a number in [0, 1]`);
    }
    this.#timeScale = timeScale;
  }

  /**
   * Responds to one request after sleeping `latency * time_scale` real milliseconds.
   *
   * @throws {RateLimitError} or {ProviderError} on a simulated failure.
   * @throws The signal's reason when the request is aborted.
   */
  async call(request: CallRequest): Promise<CallResponse> {
    const profile = resolveProfile(request.model, this.#timeScale);
    const modelName = request.model.model;
    request.signal.throwIfAborted();

    // Simulated failure, drawn per attempt.
    const failures = this.#failures.get(request.callKey) ?? 0;
    const key = drawKey(request.callKey);
    const attemptRandom = seededRandom(
      `${request.seed}\u0000${modelName}\u0000${key}\u0000attempt ${failures}`,
    );
    if (profile.error_rate > 0 && attemptRandom() < profile.error_rate) {
      this.#failures.set(request.callKey, failures + 1);
      const latency = lognormal(
        attemptRandom,
        profile.latency_median_ms / 4,
        profile.latency_sigma,
      );
      await sleep(latency * profile.time_scale, request.signal);
      if (attemptRandom() < RATE_LIMIT_SHARE) {
        throw new RateLimitError(`Simulated rate limit for ${modelName}`, {
          retryAfterMs: Math.round(RETRY_AFTER_MS * profile.time_scale),
        });
      }
      throw new ProviderError(`Simulated server error for ${modelName}`, {
        status: 503,
        retryable: true,
      });
    }
    this.#failures.delete(request.callKey);

    // The output is drawn from its own stream. At temperature 0 that stream
    // leaves out the repeat index, so repeats of a case return the same text.
    const textKey = request.model.temperature === 0 ? withoutRepeat(key, request.repeat) : key;
    const textRandom = seededRandom(`${request.seed}\u0000${modelName}\u0000${textKey}`);
    let output = composeOutput(request.messages, profile.output_words, textRandom);

    // Usage and latency come from the call's own stream.
    const random = seededRandom(`${request.seed}\u0000${modelName}\u0000${key}`);
    let finishReason = "stop";
    const maxTokens = request.model.max_tokens;
    if (maxTokens !== undefined && estimateTokens(output) > maxTokens) {
      output = output.slice(0, maxTokens * 4);
      finishReason = "length";
    }
    const visibleTokens = estimateTokens(output);
    const reasoningTokens = profile.reasoning ? Math.round(visibleTokens * (1 + 3 * random())) : 0;
    const promptTokens = estimatePromptTokens(request.messages);
    const completionTokens = visibleTokens + reasoningTokens;
    const lengthFactor = 0.5 + 0.5 * completionTokens / (profile.output_words * 1.3);
    const latencyMs = lognormal(random, profile.latency_median_ms, profile.latency_sigma) *
      lengthFactor;

    // A streamed call reports its first token after 15-35% of the latency,
    // reasoning included, and the output rate over the rest.
    const ttftMs = request.model.stream ? latencyMs * (0.15 + 0.2 * random()) : null;
    const outputTokensPerS = ttftMs === null
      ? null
      : Math.round((visibleTokens / ((latencyMs - ttftMs) / 1000)) * 10) / 10;

    await sleep(latencyMs * profile.time_scale, request.signal);
    return {
      output,
      finish_reason: finishReason,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        cached_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: reasoningTokens,
      },
      ttft_ms: ttftMs === null ? null : Math.round(ttftMs * 10) / 10,
      output_tokens_per_s: outputTokensPerS,
      latency_ms: Math.round(latencyMs * 10) / 10,
      simulated: true,
    };
  }
}

/**
 * Returns the part of a call key `test|arm|case|repeat` that the draws use:
 * `arm|case|repeat`. The test id is left out because it usually contains a
 * time stamp, and two runs of one file with one seed must draw the same. Test
 * ids cannot contain `|`, so the first `|` ends the id. A key without `|`
 * is used whole.
 */
function drawKey(callKey: string): string {
  return callKey.slice(callKey.indexOf("|") + 1);
}

/** Returns a draw key without its `|repeat` suffix, when it has one. */
function withoutRepeat(key: string, repeat: number): string {
  const suffix = `|${repeat}`;
  return key.endsWith(suffix) ? key.slice(0, -suffix.length) : key;
}

/** Sleeps `ms` real milliseconds unless it is 0; rejects with the signal's reason on abort. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
