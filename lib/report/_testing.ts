/**
 * Fixtures for report tests.
 *
 * @module
 */
import type { AggregateMetrics } from "../schema/mod.ts";

/** Build metrics for an arm id `variant/model`: 100 calls, 2 errors; `overrides` replaces fields. */
export function armMetrics(
  armId: string,
  overrides: Partial<AggregateMetrics> = {},
): AggregateMetrics {
  const [variant, model] = armId.split("/") as [string, string];
  return {
    arm_id: armId,
    variant_id: variant,
    model_id: model,
    n: 100,
    errors: 2,
    error_rate: 0.02,
    latency_n: 98,
    latency_mean_ms: 150,
    latency_p50_ms: 120,
    latency_p95_ms: 300,
    latency_p99_ms: 450,
    prompt_tokens_sum: 10_000,
    completion_tokens_sum: 2_000,
    total_tokens_sum: 12_000,
    prompt_tokens_mean: 102,
    completion_tokens_mean: 20.4,
    cost_usd_total: 0.5,
    cost_per_1k_calls_usd: 5.1,
    cost_unknown_n: 0,
    from_cache_n: 0,
    simulated_n: 0,
    ...overrides,
  };
}
