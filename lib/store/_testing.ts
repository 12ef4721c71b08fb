/**
 * Fixtures for store, aggregation and report tests: a small test definition,
 * result rows with overrides, and timers that fire only when a test calls `fire()`.
 *
 * @module
 */
import {
  type ABTest,
  ABTestSchema,
  armId,
  callKey,
  type TestResult,
  type TestState,
} from "../schema/mod.ts";
import type { FlushTimers } from "./buffered_sink.ts";

/** Build a test with two variants, two models and three cases. */
export function sampleTest(id = "t1"): ABTest {
  return ABTestSchema.parse({
    id,
    name: `Sample ${id}`,
    variants: [{ id: "short", template: "Summarize {{text}}" }, {
      id: "long",
      template: "Summarize in detail {{text}}",
    }],
    models: [{ id: "m1", model: "sim-1" }, { id: "m2", model: "sim-2" }],
    cases: [
      { id: "c1", vars: { text: "a" } },
      { id: "c2", vars: { text: "b" } },
      { id: "c3", vars: { text: "c" } },
    ],
    created_at: "2026-12-04T10:00:00.000Z",
  });
}

/** Build the `draft` state of a test. */
export function draftState(testId = "t1"): TestState {
  return {
    test_id: testId,
    status: "draft",
    history: [{ status: "draft", at: "2026-12-04T10:00:00.000Z" }],
  };
}

/** Fields that pick a row's identity; the rest can be overridden. */
export interface RowKey {
  testId?: string;
  variant?: string;
  model?: string;
  caseId?: string;
  repeat?: number;
}

/** Build a successful result row with every field set, then apply `overrides`. */
export function resultRow(key: RowKey = {}, overrides: Partial<TestResult> = {}): TestResult {
  const testId = key.testId ?? "t1";
  const variant = key.variant ?? "short";
  const model = key.model ?? "m1";
  const caseId = key.caseId ?? "c1";
  const repeat = key.repeat ?? 0;
  const arm = armId(variant, model);
  return {
    test_id: testId,
    arm_id: arm,
    variant_id: variant,
    model_id: model,
    case_id: caseId,
    repeat,
    call_key: callKey(testId, arm, caseId, repeat),
    provider: "simulated",
    model: `sim-${model}`,
    output: `output of ${arm} on ${caseId}`,
    finish_reason: "stop",
    latency_ms: 120.5,
    ttft_ms: 30.25,
    output_tokens_per_s: 55.5,
    prompt_tokens: 100,
    completion_tokens: 20,
    total_tokens: 120,
    cached_tokens: 10,
    cache_write_tokens: 0,
    reasoning_tokens: 5,
    cost_usd: 0.00042,
    error_class: null,
    error_message: null,
    attempts: 1,
    started_at: "2026-12-04T10:00:00.000Z",
    finished_at: "2026-12-04T10:00:00.120Z",
    simulated: true,
    from_cache: false,
    ...overrides,
  };
}

/** Build an error row, which has no output, usage, latency or cost. */
export function errorRow(key: RowKey = {}, overrides: Partial<TestResult> = {}): TestResult {
  return resultRow(key, {
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
    error_class: "ProviderError",
    error_message: "simulated server error",
    attempts: 5,
    ...overrides,
  });
}

/** Timers that fire only through `fire()`, with a record of the requested delays. */
export class ManualTimers implements FlushTimers {
  readonly #pending = new Map<number, { callback: () => void; delayMs: number }>();
  #nextId = 1;

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { callback, delayMs });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.#pending.delete(id as number);
  }

  /** Delays of the timers still pending. */
  get pendingDelays(): number[] {
    return [...this.#pending.values()].map((timer) => timer.delayMs);
  }

  /** Run every pending callback once, as if their delay elapsed. */
  fire(): void {
    const due = [...this.#pending.values()];
    this.#pending.clear();
    for (const timer of due) timer.callback();
  }
}

/** Let queued promise callbacks and I/O run. */
export function settleMicrotasks(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
