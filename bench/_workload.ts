/**
 * The simulated workload the long-run and site benchmarks share.
 *
 * @module
 */
import { type ABTest, ABTestSchema } from "../lib/mod.ts";

/** Retry tuning that retries simulated 429s and 5xx at once instead of after real seconds. */
export const NO_RETRY_DELAY = { baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } as const;

/**
 * Builds a test of 2 prompts x 2 simulated models x `cases` cases. The
 * models respond without sleeping (time scale 0) and fail 1% of calls.
 */
export function simulatedTest(id: string, cases: number, concurrency: number): ABTest {
  return ABTestSchema.parse({
    id,
    name: `benchmark ${id}`,
    concurrency,
    variants: [
      { id: "short", template: "Answer briefly: {{question}}" },
      { id: "steps", template: "Think step by step, then answer: {{question}}" },
    ],
    models: [
      { id: "mini", model: "gpt-4o-mini", profile: { time_scale: 0, error_rate: 0.01 } },
      { id: "nano", model: "gpt-4.1-nano", profile: { time_scale: 0, error_rate: 0.01 } },
    ],
    cases: Array.from(
      { length: cases },
      (_, i) => ({ id: `c${i}`, vars: { question: `question number ${i}` } }),
    ),
  });
}
