/**
 * Schemas for an A/B test definition: prompt variants, models, traffic
 * allocation, dataset cases and rating dimensions.
 *
 * Field names are snake_case because they are the keys users write in
 * experiment files and the columns notebooks query.
 *
 * @module
 */
import { z } from "zod";

/** Identifier rule shared by tests, variants, models, cases and dimensions. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** An identifier: letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
export const IdSchema = z.string().regex(
  ID_PATTERN,
  "expected an id of letters, digits, '.', '_' or '-' (at most 128 characters)",
);

/** Providers ablab can call. `simulated` is the embedded default and needs no key. */
export const ProviderNameSchema = z.enum(["simulated", "openai", "anthropic"]);
export type ProviderName = z.infer<typeof ProviderNameSchema>;

/** Prices in USD per million tokens for one model, from a dated price table or an override. */
export const PriceSchema = z.strictObject({
  /** USD per million uncached input tokens. */
  input: z.number().min(0),
  /** USD per million cached input tokens (cache reads); defaults to `input` when absent. */
  cached_input: z.number().min(0).optional(),
  /** USD per million cache-write input tokens; defaults to `input` when absent. */
  cache_write: z.number().min(0).optional(),
  /** USD per million output tokens; reasoning tokens are billed at this rate. */
  output: z.number().min(0),
  /** First day (YYYY-MM-DD) the price applies. */
  valid_from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD").optional(),
});
export type Price = z.infer<typeof PriceSchema>;

/** Latency, error and length profile of the simulated provider's responses for one model. */
export const SimulatedProfileSchema = z.strictObject({
  /** Median latency in milliseconds. */
  latency_median_ms: z.number().positive().optional(),
  /** Lognormal sigma of latency; larger means a longer tail. */
  latency_sigma: z.number().min(0).max(3).optional(),
  /** Probability in [0, 1] that a call fails with a simulated server error. */
  error_rate: z.number().min(0).max(1).optional(),
  /** Mean output length in words. */
  output_words: z.number().int().positive().optional(),
  /** Real time slept per simulated millisecond; 0 returns at once, 1 sleeps the full latency. */
  time_scale: z.number().min(0).max(1).optional(),
});
export type SimulatedProfile = z.infer<typeof SimulatedProfileSchema>;

/** One model an experiment calls, with its sampling parameters and limits. */
export const ModelConfigSchema = z.strictObject({
  /** Id used in arm ids and reports. */
  id: IdSchema,
  /** Provider that serves the model. */
  provider: ProviderNameSchema.default("simulated"),
  /** Model name sent to the provider, for example `gpt-4o-mini`. */
  model: z.string().min(1),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  /** Base URL for OpenAI-compatible servers such as vLLM, Ollama or LM Studio. */
  base_url: z.url().optional(),
  /** Name of the environment variable that contains the API key. */
  api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name")
    .optional(),
  /** Stream the response to record time to first token. */
  stream: z.boolean().default(false),
  /** Requests per minute allowed for this model; unlimited when absent. */
  rpm: z.number().positive().optional(),
  /** Tokens per minute allowed for this model, input and output together; unlimited when absent. */
  tpm: z.number().positive().optional(),
  /** Input tokens per minute allowed, for providers that limit input apart (Anthropic ITPM). */
  itpm: z.number().positive().optional(),
  /** Output tokens per minute allowed, for providers that limit output apart (Anthropic OTPM). */
  otpm: z.number().positive().optional(),
  /** Per-attempt timeout in milliseconds. */
  timeout_ms: z.number().int().positive().default(60_000),
  /** Maximum attempts per call, the first included. */
  max_attempts: z.number().int().min(1).max(20).default(5),
  /** Price override in USD per million tokens; the dated price table applies when absent. */
  price: PriceSchema.optional(),
  /** Extra provider parameters passed through unchanged. */
  params: z.record(z.string(), z.unknown()).optional(),
  /** Answer shape for the simulated provider. */
  profile: SimulatedProfileSchema.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** One prompt variant: a system prompt and a user template with `{{variable}}` slots. */
export const PromptVariantSchema = z.strictObject({
  id: IdSchema,
  description: z.string().optional(),
  system: z.string().optional(),
  /** User message template; `{{name}}` is replaced by the case's `name` field. */
  template: z.string().min(1),
});
export type PromptVariant = z.infer<typeof PromptVariantSchema>;

/**
 * Traffic allocation: the rule that spreads cases over arms. In `factorial`
 * mode every case goes to every arm. In `split` mode each case goes to one
 * arm: cases are ranked by `hash(seed, case id)` and cut into quotas by weight.
 */
export const TrafficAllocationSchema = z.strictObject({
  mode: z.enum(["factorial", "split"]).default("factorial"),
  /** Weight per arm id (`variant/model`) in percent, summing to 100; equal weights when absent. */
  weights: z.record(z.string(), z.number().min(0)).optional(),
});
export type TrafficAllocation = z.infer<typeof TrafficAllocationSchema>;

/** One dataset row: an id and the values its template slots take. */
export const CaseSchema = z.strictObject({
  id: IdSchema,
  vars: z.record(z.string(), z.string()),
});
export type Case = z.infer<typeof CaseSchema>;

/** A dimension raters judge pairs on, for example helpfulness or tone. */
export const RatingDimensionSchema = z.strictObject({
  id: IdSchema,
  description: z.string().optional(),
});
export type RatingDimension = z.infer<typeof RatingDimensionSchema>;

/** An optional LLM judge that rates comparison pairs. */
export const JudgeConfigSchema = z.strictObject({
  /** Id of a model from `models`, or a full model definition. */
  model: z.union([IdSchema, ModelConfigSchema]),
  /** Instructions the judge follows; the dimension descriptions are appended. */
  rubric: z.string().min(1),
});
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;

/** A resolved A/B test: what the controller stores and the engine runs. */
export const ABTestSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  /** Path of the experiment file the test came from, when it came from one. */
  source: z.string().optional(),
  seed: z.number().int().min(0).default(0),
  repeats: z.number().int().min(1).max(1000).default(1),
  concurrency: z.number().int().min(1).max(100_000).default(16),
  /** Spending limit in USD; the run pauses when reached. */
  max_cost_usd: z.number().positive().optional(),
  /** Serve repeated identical requests from a response cache; off so latency stays live. */
  cache: z.boolean().default(false),
  variants: z.array(PromptVariantSchema).min(1),
  models: z.array(ModelConfigSchema).min(1),
  traffic: TrafficAllocationSchema.default({ mode: "factorial" }),
  cases: z.array(CaseSchema).min(1),
  rating_dimensions: z.array(RatingDimensionSchema).min(1).default([{ id: "overall" }]),
  judge: JudgeConfigSchema.optional(),
  created_at: z.iso.datetime().optional(),
});
export type ABTest = z.infer<typeof ABTestSchema>;
export type ABTestInput = z.input<typeof ABTestSchema>;

/** One arm: a (prompt variant, model) pair. */
export interface Arm {
  /** `variant/model`. */
  id: string;
  variant: PromptVariant;
  model: ModelConfig;
}

/** Build the id of the arm for a variant and a model. */
export function armId(variantId: string, modelId: string): string {
  return `${variantId}/${modelId}`;
}

/** List every arm of a test in variant-major order. */
export function listArms(test: Pick<ABTest, "variants" | "models">): Arm[] {
  const arms: Arm[] = [];
  for (const variant of test.variants) {
    for (const model of test.models) {
      arms.push({ id: armId(variant.id, model.id), variant, model });
    }
  }
  return arms;
}
