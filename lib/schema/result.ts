/**
 * Schemas for per-call results and per-arm aggregate metrics.
 *
 * A `TestResult` is one row of the Parquet files under `runs/<test-id>/results/`.
 * Token counts a provider did not report are `null`, never 0, and a cost whose
 * price is unknown is `null`, never 0.
 *
 * @module
 */
import { z } from "zod";

const count = z.number().int().min(0);

/** One call's outcome: output, timing, usage, cost and error. */
export const TestResultSchema = z.strictObject({
  test_id: z.string(),
  /** `variant/model`. */
  arm_id: z.string(),
  variant_id: z.string(),
  model_id: z.string(),
  case_id: z.string(),
  /** Repeat index, from 0. */
  repeat: z.number().int().min(0),
  /** Deterministic key `test|arm|case|repeat`; the idempotency key of the call. */
  call_key: z.string(),
  provider: z.string(),
  /** Model name the provider was asked for. */
  model: z.string(),
  /** Output text; null when the call failed. */
  output: z.string().nullable(),
  finish_reason: z.string().nullable(),
  /** Wall time of the successful attempt in milliseconds (simulated time for the simulated provider). */
  latency_ms: z.number().min(0).nullable(),
  /** Time to first token in milliseconds; null unless streamed. */
  ttft_ms: z.number().min(0).nullable(),
  /** Output tokens per second after the first token; null unless streamed. */
  output_tokens_per_s: z.number().min(0).nullable(),
  prompt_tokens: count.nullable(),
  completion_tokens: count.nullable(),
  total_tokens: count.nullable(),
  /** Input tokens read from the provider's prompt cache. */
  cached_tokens: count.nullable(),
  /** Input tokens written to the provider's prompt cache. */
  cache_write_tokens: count.nullable(),
  /** Reasoning tokens, part of the completion tokens where the provider reports them. */
  reasoning_tokens: count.nullable(),
  /** Cost in USD; null when the model's price is unknown. */
  cost_usd: z.number().min(0).nullable(),
  /** Error class such as `RateLimitError` or `TimeoutError`; null on success. */
  error_class: z.string().nullable(),
  error_message: z.string().nullable(),
  /** Attempts made, the successful one included. */
  attempts: z.number().int().min(1),
  started_at: z.iso.datetime(),
  finished_at: z.iso.datetime(),
  /** True when the simulated provider produced the row. */
  simulated: z.boolean(),
  /** True when the row was served from the response cache; left out of latency statistics. */
  from_cache: z.boolean(),
});
export type TestResult = z.infer<typeof TestResultSchema>;

/** Column names of `TestResult` in storage order. */
export const RESULT_COLUMNS = Object.keys(TestResultSchema.shape) as (keyof TestResult)[];

/** Build the deterministic call key for an arm, a case and a repeat. */
export function callKey(testId: string, armId: string, caseId: string, repeat: number): string {
  return `${testId}|${armId}|${caseId}|${repeat}`;
}

/** Metrics for one arm, computed in DuckDB over the stored results. */
export const AggregateMetricsSchema = z.strictObject({
  arm_id: z.string(),
  variant_id: z.string(),
  model_id: z.string(),
  /** Calls with a stored result. */
  n: count,
  errors: count,
  error_rate: z.number().min(0).max(1),
  /** Successful calls whose latency counts (not served from cache). */
  latency_n: count,
  latency_mean_ms: z.number().nullable(),
  latency_p50_ms: z.number().nullable(),
  latency_p95_ms: z.number().nullable(),
  latency_p99_ms: z.number().nullable(),
  /**
   * Streamed calls among those whose latency counts: successful, not served
   * from cache, with a time to first token (TTFT). The streaming fields are
   * optional so that a report without them still parses. They are null when
   * the arm has no such call.
   */
  ttft_n: count.optional(),
  ttft_p50_ms: z.number().nullable().optional(),
  ttft_p95_ms: z.number().nullable().optional(),
  /** Median output tokens per second after the first token, over the same calls. */
  output_tokens_per_s_p50: z.number().nullable().optional(),
  /**
   * Sums of the reported token counts. Null when the arm has calls but none
   * reported the count, so missing usage never reads as 0 tokens.
   */
  prompt_tokens_sum: count.nullable(),
  completion_tokens_sum: count.nullable(),
  total_tokens_sum: count.nullable(),
  prompt_tokens_mean: z.number().nullable(),
  completion_tokens_mean: z.number().nullable(),
  /**
   * Sum of known costs in USD; null when no call has a known cost, so an
   * unknown cost never reads as $0. Check `cost_unknown_n` for a partial sum.
   */
  cost_usd_total: z.number().min(0).nullable(),
  /** Mean known cost per 1,000 calls in USD; null when no call has a known cost. */
  cost_per_1k_calls_usd: z.number().min(0).nullable(),
  /**
   * Successful calls whose cost is unknown, because the model has no price or
   * the provider reported no token usage.
   */
  cost_unknown_n: count,
  /**
   * Calls among `cost_unknown_n` without a prompt or completion token count,
   * whose cost no price could give. Optional, so a report without it still parses.
   */
  cost_no_usage_n: count.optional(),
  from_cache_n: count,
  simulated_n: count,
});
export type AggregateMetrics = z.infer<typeof AggregateMetricsSchema>;
