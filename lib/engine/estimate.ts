/**
 * Cost estimate of a test before it runs, for `--dry-run`.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { PriceBook } from "../providers/pricing.ts";
import { resolveProfile } from "../providers/simulated.ts";
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

/**
 * Tokens per profile word of the simulated provider's replies, higher than
 * for prose because a reply overshoots its word target by up to a sentence.
 * Measured with `SimulatedProvider` at seed 1 over 300 prompts "Explain topic
 * number N to a student.": 1.49 for gpt-4o-mini, 1.53 for gpt-4.1-nano and
 * 1.49 for claude-sonnet-4-5.
 */
const SIMULATED_TOKENS_PER_WORD = 1.5;

/**
 * Billed output tokens per visible token of a simulated reasoning model: the
 * simulated provider adds `visible * (1 + 3u)` reasoning tokens with u uniform
 * in [0, 1), which is 2.5 times the visible tokens on average.
 */
const SIMULATED_REASONING_FACTOR = 3.5;

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
  /** Output tokens per call for every model. Default: from the model config, see `expectedOutput()`. */
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
 * The rule that set a model's expected output length: `max_tokens` when the
 * model's cap is below the length otherwise assumed, `profile` when the
 * profile's `output_words` sets it, `simulated` when the simulated provider's
 * default profile for the model name sets it, `default` for the fixed
 * assumption of {@linkcode DEFAULT_EXPECTED_OUTPUT_TOKENS}.
 */
export type OutputLengthRuleName = "max_tokens" | "profile" | "simulated" | "default";

/** Expected output tokens per call of a model and the rule that set them. */
export interface ExpectedOutput {
  /** Output tokens assumed per call. */
  tokens: number;
  rule: OutputLengthRuleName;
}

/** The model fields the expected output length depends on. */
export type OutputLengthModel =
  & Pick<ModelConfig, "max_tokens" | "profile">
  & Partial<Pick<ModelConfig, "provider" | "model">>;

/**
 * Returns the output tokens expected per call of a model and the rule that
 * set them. For the simulated provider the resolved profile's `output_words`
 * (from `profile` or the model name's defaults) at 1.5 tokens per word, times
 * 3.5 for a reasoning model's hidden tokens. For other providers the
 * profile's `output_words` when set, otherwise 300. Visible tokens are capped
 * by `max_tokens`.
 *
 * NOTE: the simulated provider also halves or lengthens replies for style
 * words in the prompt ("concise", "detailed"), which this leaves out. Real
 * reasoning models bill hidden reasoning tokens too, so their estimate is low.
 *
 * @example
 * ```ts
 * expectedOutput({ provider: "simulated", model: "gpt-4o-mini" }); // { tokens: 105, rule: "simulated" }
 * ```
 */
export function expectedOutput(model: OutputLengthModel): ExpectedOutput {
  const words = model.profile?.output_words;
  let visible = DEFAULT_EXPECTED_OUTPUT_TOKENS;
  let rule: OutputLengthRuleName = words === undefined ? "default" : "profile";
  let factor = 1;
  if (model.provider === "simulated" && model.model !== undefined) {
    const profile = resolveProfile({
      model: model.model,
      ...(model.profile === undefined ? {} : { profile: model.profile }),
    });
    visible = Math.round(profile.output_words * SIMULATED_TOKENS_PER_WORD);
    if (words === undefined) rule = "simulated";
    if (profile.reasoning) factor = SIMULATED_REASONING_FACTOR;
  } else if (words !== undefined) {
    visible = Math.round(words * TOKENS_PER_WORD);
  }

  if (model.max_tokens !== undefined && model.max_tokens < visible) {
    visible = model.max_tokens;
    rule = "max_tokens";
  }
  return { tokens: Math.round(visible * factor), rule };
}

/** Returns the output tokens expected per call of a model, see {@linkcode expectedOutput}. */
export function expectedOutputTokens(model: OutputLengthModel): number {
  return expectedOutput(model).tokens;
}
