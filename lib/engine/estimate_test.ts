import assert from "node:assert/strict";
import { makeTest } from "./_fixtures.ts";
import { DEFAULT_EXPECTED_OUTPUT_TOKENS, estimateCost, expectedOutputTokens } from "./estimate.ts";

Deno.test("estimateCost() counts calls and tokens per arm", () => {
  const test = makeTest(1, {
    repeats: 2,
    variants: [{ id: "v", template: "{{topic}}" }],
    models: [{ id: "mini", model: "gpt-4o-mini" }],
    cases: [{ id: "c", vars: { topic: "12345678" } }],
  });
  const estimate = estimateCost(test, { outputTokensPerCall: 100 });

  // 8 characters -> 2 tokens, plus 3 for the message, per call; 2 calls.
  const [arm] = estimate.arms;
  assert.ok(arm);
  assert.equal(arm.arm_id, "v/mini");
  assert.equal(arm.calls, 2);
  assert.equal(arm.prompt_tokens, 10);
  assert.equal(arm.output_tokens, 200);
  // 10 x 0.15 + 200 x 0.6 = 121.5 micro-USD
  assert.ok(Math.abs(arm.cost_usd! - 0.0001215) < 1e-15, `${arm.cost_usd}`);
  assert.equal(estimate.calls, 2);
  assert.equal(estimate.cost_usd, arm.cost_usd);
  assert.deepEqual(estimate.unpriced_arms, []);
});

Deno.test("estimateCost() follows the split plan", () => {
  const test = makeTest(1_000, {
    traffic: { mode: "split", weights: { "plain/mini": 70, "friendly/big": 30 } },
  });
  const estimate = estimateCost(test);
  const calls = Object.fromEntries(estimate.arms.map((arm) => [arm.arm_id, arm.calls]));
  assert.deepEqual(calls, {
    "plain/mini": 700,
    "plain/big": 0,
    "friendly/mini": 0,
    "friendly/big": 300,
  });
  assert.equal(estimate.calls, 1_000);
});

Deno.test("estimateCost() leaves unknown prices out", () => {
  const test = makeTest(3, { models: [{ id: "local", model: "llama-3-8b" }] });
  const estimate = estimateCost(test);
  assert.deepEqual(estimate.unpriced_arms, ["plain/local", "friendly/local"]);
  assert.equal(estimate.cost_usd, 0);
  assert.ok(estimate.arms.every((arm) => arm.cost_usd === null));
});

Deno.test("expectedOutputTokens() uses profile and max_tokens", () => {
  assert.equal(expectedOutputTokens({}), DEFAULT_EXPECTED_OUTPUT_TOKENS);
  assert.equal(expectedOutputTokens({ max_tokens: 50 }), 50);
  assert.equal(expectedOutputTokens({ profile: { output_words: 100 } }), 130);
});
