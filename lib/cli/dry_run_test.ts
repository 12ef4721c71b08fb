import assert from "node:assert/strict";
import type { CostEstimate } from "../mod.ts";
import { type DryRunPlan, formatDryRunPlan, formatUsd, outputLengthRule } from "./dry_run.ts";

function plan(overrides: Partial<DryRunPlan> = {}): DryRunPlan {
  const estimate: CostEstimate = {
    arms: [
      {
        arm_id: "a/m",
        variant_id: "a",
        model_id: "m",
        model: "gpt-4o-mini",
        calls: 10,
        prompt_tokens: 500,
        output_tokens: 3000,
        cost_usd: 0.0019,
      },
      {
        arm_id: "b/local",
        variant_id: "b",
        model_id: "local",
        model: "llama",
        calls: 10,
        prompt_tokens: 520,
        output_tokens: 3000,
        cost_usd: null,
      },
    ],
    calls: 20,
    cost_usd: 0.0019,
    unpriced_arms: ["b/local"],
  };
  return {
    dry_run: true,
    test_id: "t1",
    name: "T",
    source: "exp.yaml",
    mode: "factorial",
    cases: 10,
    repeats: 1,
    seed: 3,
    concurrency: 4,
    estimate,
    calls_to_run: 20,
    max_cost_usd: null,
    output_length: {
      "a/m": { tokens: 300, rule: "default" },
      "b/local": { tokens: 300, rule: "default" },
    },
    ...overrides,
  };
}

Deno.test("formatDryRunPlan() lists arms and total", () => {
  const text = formatDryRunPlan(plan());

  assert.match(text, /^plan t1 \(exp\.yaml\)$/m);
  assert.match(text, /factorial mode, 10 cases, 2 arms, 1 repeat, seed 3, concurrency 4/);
  assert.match(text, /^ {2}a\/m +gpt-4o-mini +300\/call \(default\) +10 +500 +3000 +\$0\.0019$/m);
  assert.match(text, /^ {2}b\/local +llama +300\/call \(default\) +10 +520 +3000 +unknown price$/m);
  assert.match(text, /^ {2}total +20 +\$0\.0019 \+ unknown$/m);
  assert.match(text, /budget: none/);
  assert.doesNotMatch(text, /this run makes/);
});

Deno.test("formatDryRunPlan() compares with the budget", () => {
  assert.match(
    formatDryRunPlan(plan({ max_cost_usd: 0.001 })),
    /budget: \$0\.0010; the estimate exceeds it, so the run pauses when the cost reaches \$0\.0010/,
  );
  // The fixture has an unpriced arm, whose cost the budget cannot see.
  assert.match(
    formatDryRunPlan(plan({ max_cost_usd: 5 })),
    /budget: \$5\.00; the priced arms' estimate is within it, and the unpriced arms' cost is unknown/,
  );
  const priced = plan({ max_cost_usd: 5 });
  priced.estimate = { ...priced.estimate, unpriced_arms: [] };
  assert.match(formatDryRunPlan(priced), /budget: \$5\.00; the estimate is within it$/m);
});

Deno.test("formatDryRunPlan() shows calls left on resume", () => {
  assert.match(
    formatDryRunPlan(plan({ calls_to_run: 7 })),
    /this run makes 7 of the 20 planned calls/,
  );
});

Deno.test("formatUsd() picks the precision", () => {
  assert.equal(formatUsd(0.012345), "$0.0123");
  assert.equal(formatUsd(12.345), "$12.35");
  assert.equal(formatUsd(0), "$0.0000");
  assert.equal(formatUsd(0.000001), "$0.00000100");
});

Deno.test("outputLengthRule() names the rule that applies", () => {
  assert.deepEqual(outputLengthRule({}), { tokens: 300, rule: "default" });
  assert.deepEqual(outputLengthRule({ max_tokens: 400 }), { tokens: 300, rule: "default" });
  assert.deepEqual(outputLengthRule({ max_tokens: 100 }), { tokens: 100, rule: "max_tokens" });
  assert.deepEqual(
    outputLengthRule({ profile: { output_words: 100 } } as Parameters<typeof outputLengthRule>[0]),
    { tokens: 130, rule: "profile" },
  );
  assert.deepEqual(
    outputLengthRule(
      { max_tokens: 50, profile: { output_words: 100 } } as Parameters<typeof outputLengthRule>[0],
    ),
    { tokens: 50, rule: "max_tokens" },
  );
});

Deno.test("formatDryRunPlan() shows output length rule", () => {
  const text = formatDryRunPlan(plan({
    output_length: {
      "a/m": { tokens: 100, rule: "max_tokens" },
      "b/local": { tokens: 300, rule: "default" },
    },
  }));

  assert.match(text, /^ {2}a\/m .*100\/call \(max_tokens\)/m);
  assert.match(text, /^ {2}b\/local .*300\/call \(default\)/m);
});

Deno.test("outputLengthRule() uses simulated profiles", () => {
  const sim = (model: string, extra: Record<string, unknown> = {}) =>
    outputLengthRule({ provider: "simulated", model, ...extra });

  // gpt-4o-mini's default profile has 70 words, at 1.5 tokens per word.
  assert.deepEqual(sim("gpt-4o-mini"), { tokens: 105, rule: "simulated" });
  assert.deepEqual(sim("gpt-4o-mini", { profile: { output_words: 20 } }), {
    tokens: 30,
    rule: "profile",
  });
  assert.deepEqual(sim("gpt-4o-mini", { max_tokens: 50 }), { tokens: 50, rule: "max_tokens" });
  // o3 has 110 words and bills 2.5 reasoning tokens per visible token on average.
  assert.deepEqual(sim("o3"), { tokens: 578, rule: "simulated" });
  assert.deepEqual(outputLengthRule({ provider: "openai", model: "gpt-4o-mini" }), {
    tokens: 300,
    rule: "default",
  });
});
