import assert from "node:assert/strict";
import type { Rating, TestResult } from "../schema/mod.ts";
import { blindPair, nextUnratedPair } from "./blind.ts";
import { buildPairs } from "./pairs.ts";
import { fixtureResults, fixtureTest } from "./_testing.ts";

const test = fixtureTest(2);
const results = fixtureResults(test);
const pairs = buildPairs(test, results);
const byKey = new Map<string, TestResult>(results.map((row) => [row.call_key, row]));

function rating(rater: string, comparisonId: string): Rating {
  return {
    comparison_id: comparisonId,
    test_id: test.id,
    rater_id: rater,
    choices: { overall: "A" },
    idempotency_key: `${rater}-${comparisonId}`,
    created_at: "2026-01-01T00:00:00.000Z",
  };
}

Deno.test("blindPair() hides the arm ids", () => {
  const view = blindPair(test, pairs[0]!, byKey)!;
  assert.equal("arm_a" in view, false);
  assert.equal("call_key_a" in view, false);
  assert.equal(view.a, byKey.get(pairs[0]!.call_key_a)!.output);
  assert.deepEqual(view.vars, { q: "q0" });
});

Deno.test("blindPair() needs both outputs", () => {
  const partial = new Map(byKey);
  partial.delete(pairs[0]!.call_key_b);
  assert.equal(blindPair(test, pairs[0]!, partial), undefined);
});

Deno.test("nextUnratedPair() completes overlap first", () => {
  const ratings = [rating("ann", pairs[3]!.id), rating("judge:m", pairs[0]!.id)];
  assert.equal(nextUnratedPair(pairs, { raterId: "bob", ratings })?.id, pairs[3]!.id);
  // Ann herself moves on to a pair nobody rated; the judge's rating does not count.
  assert.equal(nextUnratedPair(pairs, { raterId: "ann", ratings })?.id, pairs[0]!.id);
});

Deno.test("nextUnratedPair() spreads once pairs reach the target", () => {
  const ratings = [rating("ann", pairs[0]!.id), rating("bob", pairs[0]!.id)];
  assert.equal(nextUnratedPair(pairs, { raterId: "cy", ratings })?.id, pairs[1]!.id);
});

Deno.test("nextUnratedPair() ends when all are rated", () => {
  const ratings = pairs.map((pair) => rating("ann", pair.id));
  assert.equal(nextUnratedPair(pairs, { raterId: "ann", ratings }), undefined);
});
