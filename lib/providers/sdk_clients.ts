/**
 * The SDK clients of a provider, one per base URL and API key variable, and
 * the request options both official SDKs take on every call.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { ModelConfig } from "../schema/mod.ts";
import type { ErrorContext } from "./errors.ts";
import type { CallRequest } from "./provider.ts";
import { missingKeyError, readApiKey } from "./sdk_errors.ts";
import { sdkLogger } from "./sdk_logger.ts";

/** A client and the API key it was built with, kept to scrub the key from messages. */
export interface KeyedClient<C> {
  client: C;
  apiKey: string;
}

/** Settings shared by the `openai` and `@anthropic-ai/sdk` client constructors. */
export interface SdkClientSettings {
  apiKey: string;
  /** Always 0: `callWithRetry` owns the retry policy. */
  maxRetries: 0;
  logLevel: "warn";
  logger: ReturnType<typeof sdkLogger>;
  baseURL?: string;
}

/** Options for `SdkClients`. */
export interface SdkClientsOptions<C> {
  /** Provider name, for messages. */
  provider: string;
  /** Environment variable read when a model names no `api_key_env`. */
  defaultKeyEnv: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Receives the SDK's warnings. */
  logger: Logger;
  /** Builds a client from the settings. */
  create(settings: SdkClientSettings): C;
  /**
   * Returns the key to send when the variable is unset, or undefined to fail
   * with a missing-key error. Default: always fail.
   */
  placeholderKey?(model: ModelConfig, keyEnv: string): string | undefined;
}

/**
 * Tells whether a missing key may be replaced by a placeholder: only for a
 * model on a custom base URL that names no `api_key_env`, because local
 * OpenAI-compatible servers usually take any key. A model that names its key
 * variable expects that variable to be set.
 */
export function acceptsPlaceholderKey(model: ModelConfig): boolean {
  return model.base_url !== undefined && model.api_key_env === undefined;
}

/** Builds each SDK client once and returns it for every later call. */
export class SdkClients<C> {
  readonly #options: SdkClientsOptions<C>;
  readonly #clients = new Map<string, KeyedClient<C>>();

  constructor(options: SdkClientsOptions<C>) {
    this.#options = options;
  }

  /**
   * Returns the client for a model's base URL and key variable.
   *
   * @throws {ProviderError} Fatal for the model when the key is missing and
   *   no placeholder applies.
   */
  get(model: ModelConfig): KeyedClient<C> {
    const { provider, defaultKeyEnv, env, logger } = this.#options;
    const keyEnv = model.api_key_env ?? defaultKeyEnv;
    const cacheKey = `${model.base_url ?? ""}|${keyEnv}`;
    const cached = this.#clients.get(cacheKey);
    if (cached) return cached;

    const apiKey = readApiKey(env, keyEnv) ?? this.#options.placeholderKey?.(model, keyEnv);
    if (apiKey === undefined) throw missingKeyError({ provider, model: model.model }, keyEnv);

    const client = this.#options.create({
      apiKey,
      maxRetries: 0,
      // Warnings such as unparsable stream chunks go to the run's logger.
      logLevel: "warn",
      logger: sdkLogger(logger, { provider, secret: apiKey }),
      ...(model.base_url === undefined ? {} : { baseURL: model.base_url }),
    });
    const entry = { client, apiKey };
    this.#clients.set(cacheKey, entry);
    return entry;
  }

  /**
   * Returns what one call needs: the model's client, the context its errors
   * are reported in, and the per-request options.
   *
   * @throws {ProviderError} As {@linkcode SdkClients.get}.
   */
  prepare(
    request: CallRequest,
  ): { client: C; context: ErrorContext; options: ReturnType<typeof requestOptions> } {
    const { model } = request;
    const { client, apiKey } = this.get(model);
    const context: ErrorContext = {
      provider: this.#options.provider,
      model: model.model,
      secret: apiKey,
      baseUrl: model.base_url,
    };
    return { client, context, options: requestOptions(request) };
  }
}

/**
 * Builds the per-request options: the attempt's signal, no SDK retries, and
 * the call key as `Idempotency-Key` for gateways and servers that
 * deduplicate on it.
 */
export function requestOptions(request: CallRequest) {
  return {
    signal: request.signal,
    maxRetries: 0,
    headers: { "Idempotency-Key": request.callKey },
  };
}
