/**
 * Creates the provider that serves a model config.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { ModelConfig } from "../schema/mod.ts";
import type { Provider } from "./provider.ts";
import { SimulatedProvider } from "./simulated.ts";
import { OpenAIProvider } from "./openai.ts";
import { AnthropicProvider } from "./anthropic.ts";

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
