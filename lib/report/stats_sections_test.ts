import assert from "node:assert/strict";
import type { TestResult } from "../schema/mod.ts";
import { resultRow, sampleTest } from "../store/_testing.ts";
import { statsSections } from "./stats_sections.ts";

const FAST = { resamples: 200, rankingResamples: 50 };

/** Ten calls per arm; `cost` gives each arm's cost per call, null for no price, "partial" for half. */
function results(cost: Record<string, number | null | "partial">): TestResult[] {
  const rows: TestResult[] = [];
  for (const [arm, costUsd] of Object.entries(cost)) {
    const [variant, model] = arm.split("/") as [string, string];
    for (let i = 0; i < 10; i++) {
      rows.push(resultRow({ variant, model, caseId: "c1", repeat: i }, {
        cost_usd: costUsd === null || (costUsd === "partial" && i < 5)
          ? null
          : (costUsd === "partial" ? 0.0001 : costUsd) * (1 + i / 100),
        latency_ms: 100 + i,
      }));
    }
  }
  return rows;
}

Deno.test("statsSections() says no ratings yet", () => {
  const { winners } = statsSections(sampleTest(), {
    results: results({ "short/m1": 0.001, "long/m1": 0.002 }),
    pairs: [],
    ratings: [],
  }, FAST);

  const quality = winners.find((winner) => winner.metric === "quality")!;
  assert.equal(quality.arm_id, null);
  assert.match(quality.statement, /^No ratings yet/);
});

Deno.test("statsSections() leaves unpriced arms out of cost", () => {
  const { winners, data } = statsSections(sampleTest(), {
    results: results({ "short/m1": 0.001, "long/m1": 0.002, "short/m2": "partial" }),
    pairs: [],
    ratings: [],
  }, FAST);

  const cost = winners.find((winner) => winner.metric === "cost")!;
  assert.notEqual(cost.arm_id, "short/m2");
  assert.notEqual(cost.leader, "short/m2");
  assert.match(cost.statement, /"short\/m2" \(5 successful calls without a price\)/);
  assert.ok(data.cost.every((c) => c.arm_a !== "short/m2" && c.arm_b !== "short/m2"));
});

Deno.test("statsSections() says what the SRM check detects", () => {
  const test = { ...sampleTest(), traffic: { mode: "split" as const } };
  const { sections } = statsSections(test, {
    results: results({ "short/m1": 0.001, "long/m1": 0.002 }),
    pairs: [],
    ratings: [],
  }, FAST);

  const srm = sections.find((section) => section.id === "srm")!;
  assert.match(
    srm.markdown,
    /cannot detect a biased assignment; it detects results that are missing/,
  );
});
