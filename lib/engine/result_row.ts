/**
 * Builds the `TestResult` row of a finished call, success or error.
 *
 * @module
 */
import type { CallResponse } from "../providers/provider.ts";
import type { ProviderError } from "../providers/provider.ts";
import type { TestResult } from "../schema/mod.ts";
import type { PlannedCall } from "./plan.ts";

/** Response and bookkeeping of a successful call. */
export interface SuccessFields {
  response: CallResponse;
  /** Attempts made, the successful one included. */
  attempts: number;
  /** Wall time of the successful attempt, used when the provider reports no latency. */
  wallLatencyMs: number;
  costUsd: number | null;
  /** True when the response came from the response cache. */
  fromCache: boolean;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * Builds the row of a successful call. The provider's own latency wins over
 * wall time, because the simulated provider reports simulated milliseconds.
 */
export function successRow(testId: string, call: PlannedCall, fields: SuccessFields): TestResult {
  const { response } = fields;
  const { arm } = call;
  // Written out rather than spread from a helper: this runs once per call.
  return {
    test_id: testId,
    arm_id: arm.id,
    variant_id: arm.variant.id,
    model_id: arm.model.id,
    case_id: call.testCase.id,
    repeat: call.repeat,
    call_key: call.key,
    provider: arm.model.provider,
    model: arm.model.model,
    output: response.output,
    finish_reason: response.finish_reason,
    latency_ms: response.latency_ms ?? Math.max(0, fields.wallLatencyMs),
    ttft_ms: response.ttft_ms,
    output_tokens_per_s: response.output_tokens_per_s ?? null,
    prompt_tokens: response.usage.prompt_tokens,
    completion_tokens: response.usage.completion_tokens,
    total_tokens: response.usage.total_tokens,
    cached_tokens: response.usage.cached_tokens,
    cache_write_tokens: response.usage.cache_write_tokens,
    reasoning_tokens: response.usage.reasoning_tokens,
    cost_usd: fields.costUsd,
    error_class: null,
    error_message: null,
    attempts: fields.attempts,
    started_at: fields.startedAt.toISOString(),
    finished_at: fields.finishedAt.toISOString(),
    simulated: response.simulated,
    from_cache: fields.fromCache,
  };
}

/** Builds the row of a call whose last attempt failed; usage and cost are null. */
export function errorRow(
  testId: string,
  call: PlannedCall,
  fields: { error: ProviderError; startedAt: Date; finishedAt: Date },
): TestResult {
  return {
    ...identity(testId, call),
    output: null,
    finish_reason: null,
    latency_ms: null,
    ttft_ms: null,
    output_tokens_per_s: null,
    prompt_tokens: null,
    completion_tokens: null,
    total_tokens: null,
    cached_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    cost_usd: null,
    error_class: fields.error.name,
    error_message: fields.error.message,
    attempts: Math.max(1, fields.error.attempts),
    started_at: fields.startedAt.toISOString(),
    finished_at: fields.finishedAt.toISOString(),
    simulated: call.arm.model.provider === "simulated",
    from_cache: false,
  };
}

function identity(testId: string, call: PlannedCall) {
  return {
    test_id: testId,
    arm_id: call.arm.id,
    variant_id: call.arm.variant.id,
    model_id: call.arm.model.id,
    case_id: call.testCase.id,
    repeat: call.repeat,
    call_key: call.key,
    provider: call.arm.model.provider,
    model: call.arm.model.model,
  };
}
