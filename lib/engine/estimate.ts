/**
 * Cost estimate of a test before it runs, for `--dry-run`.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { PriceBook } from "../providers/pricing.ts";
import { estimatePromptTokens } from "../providers/tokens.ts";
import type { ABTest, ModelConfig } from "../schema/mod.ts";
import { createPlan, renderMessages } from "./plan.ts";

/**
 * Output tokens assumed per call when the model config gives no length: about
 * 225 English words. This is an assumption, capped by `max_tokens`.
 */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 300;

/** Tokens per English word, for profiles that give an output length in words. */
const TOKENS_PER_WORD = 1.3;

/** Estimate for one arm. */
export interface ArmEstimate {
  arm_id: string;
  variant_id: string;
  model_id: string;
  /** Model name sent to the provider. */
  model: string;
  calls: number;
  /** Estimated prompt tokens over all calls (4 characters per token). */
  prompt_tokens: number;
  /** Expected output tokens over all calls. */
  output_tokens: number;
  /** Estimated cost in USD; null when the model's price is unknown. */
  cost_usd: number | null;
}

/** Estimate for a whole test. */
export interface CostEstimate {
  arms: ArmEstimate[];
  calls: number;
  /** Sum of the arms' known costs in USD. */
  cost_usd: number;
  /** Arm ids whose cost is unknown and left out of `cost_usd`. */
  unpriced_arms: string[];
}

/** Options for `estimateCost()`. */
export interface EstimateCostOptions {
  /** Output tokens per call for every model. Default: from the model config, see `expectedOutputTokens()`. */
  outputTokensPerCall?: number;
  /** Prices models. Default a `PriceBook` warning through `logger`. */
  priceBook?: PriceBook;
  logger?: Logger;
}

/**
 * Estimates the calls, tokens and cost of each arm of a test without calling
 * anything. Prompt tokens are estimated from the rendered prompts at about 4
 * characters per token, not counted by the model's tokenizer. Output tokens
 * are an assumption, not a measurement.
 *
 * @param test The test to estimate.
 * @param options Output length and prices.
 * @returns One estimate per arm and the total.
 * @throws {RangeError} When the test cannot be planned (see `createPlan()`).
 * @example
 * ```ts
 * const estimate = estimateCost(test);
 * console.log(`${estimate.calls} calls, about $${estimate.cost_usd.toFixed(2)}`);
 * ```
 */
export function estimateCost(test: ABTest, options: EstimateCostOptions = {}): CostEstimate {
  const plan = createPlan(test);
  const priceBook = options.priceBook ??
    new PriceBook(options.logger === undefined ? {} : { logger: options.logger });

  // Prompt tokens per (variant, case), summed per arm over the plan.
  const promptTokens = new Map<string, number>(plan.arms.map((arm) => [arm.id, 0]));
  const perVariantCase = new Map<string, number>();
  for (const call of plan.calls()) {
    const key = `${call.arm.variant.id}\u0000${call.testCase.id}`;
    let tokens = perVariantCase.get(key);
    if (tokens === undefined) {
      tokens = estimatePromptTokens(renderMessages(call.arm.variant, call.testCase));
      perVariantCase.set(key, tokens);
    }
    promptTokens.set(call.arm.id, promptTokens.get(call.arm.id)! + tokens);
  }

  const arms = plan.arms.map((arm): ArmEstimate => {
    const calls = plan.callsPerArm.get(arm.id) ?? 0;
    const outputTokens = calls * (options.outputTokensPerCall ?? expectedOutputTokens(arm.model));
    const prompt = promptTokens.get(arm.id) ?? 0;
    const price = priceBook.priceFor(arm.model);
    const cost = price === undefined
      ? null
      : (prompt * price.input + outputTokens * price.output) / 1_000_000;
    return {
      arm_id: arm.id,
      variant_id: arm.variant.id,
      model_id: arm.model.id,
      model: arm.model.model,
      calls,
      prompt_tokens: prompt,
      output_tokens: outputTokens,
      cost_usd: cost,
    };
  });

  return {
    arms,
    calls: plan.total,
    cost_usd: arms.reduce((sum, arm) => sum + (arm.cost_usd ?? 0), 0),
    unpriced_arms: arms.filter((arm) => arm.cost_usd === null).map((arm) => arm.arm_id),
  };
}

/**
 * Output tokens expected per call of a model: the simulated profile's
 * `output_words` at 1.3 tokens per word when set, otherwise 300, capped by
 * `max_tokens`. NOTE: reasoning models also bill hidden reasoning tokens,
 * which this leaves out, so their estimate is low.
 */
export function expectedOutputTokens(model: Pick<ModelConfig, "max_tokens" | "profile">): number {
  const words = model.profile?.output_words;
  const expected = words === undefined
    ? DEFAULT_EXPECTED_OUTPUT_TOKENS
    : Math.round(words * TOKENS_PER_WORD);
  return Math.min(expected, model.max_tokens ?? Infinity);
}
