import assert from "node:assert/strict";
import type { RunSummary } from "./engine.ts";
import { runOutcome } from "./outcome.ts";

function summary(fields: Partial<RunSummary>): RunSummary {
  return {
    total: 10,
    planned: 10,
    skipped: 0,
    done: 10,
    errors: 0,
    retries: 0,
    rateLimitWaits: 0,
    costUsd: 0,
    costUnknown: 0,
    usageMissing: 0,
    interrupted: false,
    budgetReached: false,
    stoppedModels: [],
    errorsByArm: [],
    elapsedMs: 1,
    ...fields,
  };
}

Deno.test("runOutcome() completes a full run", () => {
  assert.deepEqual(runOutcome(summary({})), { status: "completed" });
  assert.deepEqual(runOutcome(summary({ errors: 3 })), { status: "completed" });
});

Deno.test("runOutcome() pauses when every call failed", () => {
  assert.deepEqual(runOutcome(summary({ errors: 10 })), {
    status: "paused",
    kind: "every call failed",
    reason: "every call failed",
    retryErrors: true,
  });
});

Deno.test("runOutcome() pauses on errors when asked", () => {
  const outcome = runOutcome(summary({ errors: 3 }), { pauseOnErrors: true });
  assert.deepEqual(outcome, {
    status: "paused",
    kind: "errors",
    reason: "errors",
    retryErrors: true,
  });
});

Deno.test("runOutcome() pauses for a stopped model", () => {
  // Every call was in flight when the model stopped, so all were made.
  const outcome = runOutcome(summary({ errors: 5, stoppedModels: ["gpt", "claude"] }));
  assert.deepEqual(outcome, {
    status: "paused",
    kind: "models stopped",
    reason: "models stopped: gpt, claude",
    retryErrors: true,
  });
});

Deno.test("runOutcome() names why an early stop paused", () => {
  const budget = runOutcome(summary({ done: 4, budgetReached: true }));
  assert.equal(budget.status === "paused" && budget.kind, "budget reached");
  assert.equal(budget.status === "paused" && budget.retryErrors, false);

  const signal = runOutcome(summary({ done: 4 }), { interrupted: true });
  assert.equal(signal.status === "paused" && signal.kind, "interrupted");

  const stoppedAndInterrupted = runOutcome(summary({ done: 4, stoppedModels: ["gpt"] }), {
    interrupted: true,
  });
  assert.equal(
    stoppedAndInterrupted.status === "paused" && stoppedAndInterrupted.kind,
    "interrupted",
  );
  assert.equal(
    stoppedAndInterrupted.status === "paused" && stoppedAndInterrupted.retryErrors,
    true,
  );

  const incomplete = runOutcome(summary({ done: 4 }));
  assert.equal(incomplete.status === "paused" && incomplete.kind, "incomplete");
});

Deno.test("runOutcome() pauses when every call of an arm failed", () => {
  const outcome = runOutcome(summary({
    errors: 6,
    errorsByArm: [
      { armId: "a/bad", calls: 5, errors: 5, kinds: [], otherErrors: 5 },
      { armId: "a/good", calls: 5, errors: 1, kinds: [], otherErrors: 1 },
    ],
  }));
  assert.deepEqual(outcome, {
    status: "paused",
    kind: "arms failed",
    reason: "every call failed in a/bad",
    retryErrors: true,
  });
});
