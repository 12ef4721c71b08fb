/**
 * Creates the provider that serves a model config.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { ModelConfig } from "../schema/mod.ts";
import type { Provider } from "./provider.ts";
import { SimulatedProvider } from "./simulated.ts";
import { OPENAI_KEY_ENV, OpenAIProvider } from "./openai.ts";
import { ANTHROPIC_KEY_ENV, AnthropicProvider } from "./anthropic.ts";
import { acceptsPlaceholderKey } from "./sdk_clients.ts";
import { readApiKey } from "./sdk_errors.ts";

/** Options for `createProvider()`. */
export interface CreateProviderOptions {
  /** Environment variables to read API keys from. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives the provider's warnings. */
  logger?: Logger;
  /** Real milliseconds slept per simulated millisecond for simulated models; see `SimulatedProvider`. */
  simulatedTimeScale?: number;
}

/** Builds a provider for a model; the engine calls it once per model. */
export type ProviderFactory = (model: ModelConfig) => Provider;

/**
 * Creates the provider for `model.provider`.
 *
 * @param model The model config.
 * @param options Environment, logger and simulated time scale.
 * @returns A provider ready to call.
 * @throws {RangeError} When the provider is not available in this build.
 * @example
 * ```ts
 * const provider = createProvider({ ...model, provider: "simulated" });
 * ```
 */
export function createProvider(model: ModelConfig, options: CreateProviderOptions = {}): Provider {
  switch (model.provider) {
    case "simulated":
      return new SimulatedProvider(
        options.simulatedTimeScale === undefined ? {} : { timeScale: options.simulatedTimeScale },
      );
    case "openai":
      return new OpenAIProvider(providerOptions(options));
    case "anthropic":
      return new AnthropicProvider(providerOptions(options));
    default:
      throw new RangeError(
        `Provider "${model.provider}" of model "${model.id}" is not available yet: ` +
          `use provider "simulated"`,
      );
  }
}

function providerOptions(options: CreateProviderOptions) {
  return {
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
}

/** A model whose API key variable is unset. */
export interface MissingApiKey {
  model: ModelConfig;
  /** The environment variable the key is read from. */
  keyEnv: string;
}

/**
 * Lists the models that would fail on their first call for want of an API
 * key, so a run can stop before it writes anything. The simulated provider
 * needs no key, and an `openai` model on a custom base URL without
 * `api_key_env` gets a placeholder.
 *
 * @param models Models to check; each variable is reported once per model.
 * @param env Environment variables, usually `Deno.env.toObject()`.
 */
export function missingApiKeys(
  models: readonly ModelConfig[],
  env: Readonly<Record<string, string | undefined>>,
): MissingApiKey[] {
  const missing: MissingApiKey[] = [];
  for (const model of models) {
    const defaultKeyEnv = model.provider === "openai"
      ? OPENAI_KEY_ENV
      : model.provider === "anthropic"
      ? ANTHROPIC_KEY_ENV
      : undefined;
    if (defaultKeyEnv === undefined) continue;
    const keyEnv = model.api_key_env ?? defaultKeyEnv;
    if (readApiKey(env, keyEnv) !== undefined) continue;
    if (model.provider === "openai" && acceptsPlaceholderKey(model)) continue;
    missing.push({ model, keyEnv });
  }
  return missing;
}
