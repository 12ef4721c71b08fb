/**
 * Fixtures for comparison, judge and server tests: a small four-arm test and
 * result rows for it.
 *
 * @module
 */
import {
  type ABTest,
  type ABTestInput,
  ABTestSchema,
  callKey,
  type TestResult,
} from "../schema/mod.ts";

/** The four arms of {@linkcode fixtureTest}. */
export const FIXTURE_ARMS = ["v1/m1", "v1/m2", "v2/m1", "v2/m2"];

/** Build a test with two variants, two models and `cases` cases. */
export function fixtureTest(cases: number, overrides: Partial<ABTestInput> = {}): ABTest {
  return ABTestSchema.parse({
    id: "t1",
    name: "pairs",
    seed: 7,
    variants: [{ id: "v1", template: "{{q}}" }, { id: "v2", template: "Q: {{q}}" }],
    models: [{ id: "m1", model: "sim-a" }, { id: "m2", model: "sim-b" }],
    cases: Array.from({ length: cases }, (_, i) => ({ id: `c${i}`, vars: { q: `q${i}` } })),
    ...overrides,
  });
}

/** Build one result row; `output` defaults to text naming the arm and case. */
export function fixtureResult(
  testId: string,
  arm: string,
  caseId: string,
  options: { error?: boolean; repeat?: number; output?: string } = {},
): TestResult {
  const [variant, model] = arm.split("/") as [string, string];
  const repeat = options.repeat ?? 0;
  const failed = options.error === true;
  return {
    test_id: testId,
    arm_id: arm,
    variant_id: variant,
    model_id: model,
    case_id: caseId,
    repeat,
    call_key: callKey(testId, arm, caseId, repeat),
    provider: "simulated",
    model,
    output: failed ? null : options.output ?? `${arm} answers ${caseId}`,
    finish_reason: failed ? null : "stop",
    latency_ms: 10,
    ttft_ms: null,
    output_tokens_per_s: null,
    prompt_tokens: 1,
    completion_tokens: 1,
    total_tokens: 2,
    cached_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    cost_usd: 0,
    error_class: failed ? "ProviderError" : null,
    error_message: failed ? "simulated failure" : null,
    attempts: 1,
    started_at: "2026-01-01T00:00:00.000Z",
    finished_at: "2026-01-01T00:00:00.010Z",
    simulated: true,
    from_cache: false,
  };
}

/** Build a successful result for every arm and case of a test. */
export function fixtureResults(test: ABTest): TestResult[] {
  return test.cases.flatMap((c) => FIXTURE_ARMS.map((arm) => fixtureResult(test.id, arm, c.id)));
}
