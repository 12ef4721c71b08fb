import assert from "node:assert/strict";
import type { TestResult } from "../schema/mod.ts";
import { buildRatings } from "../stats/_testing.ts";
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
  assert.match(cost.statement, /"short\/m2" \(5 of 10 successful calls without a price\)/);
  assert.ok(data.cost.every((c) => c.arm_a !== "short/m2" && c.arm_b !== "short/m2"));
});

Deno.test("statsSections() names missing token usage", () => {
  const rows = results({ "short/m1": 0.001, "long/m1": 0.002, "short/m2": null }).map((row) =>
    row.arm_id === "short/m2" ? { ...row, prompt_tokens: null, completion_tokens: null } : row
  );
  const { winners, sections } = statsSections(sampleTest(), {
    results: rows,
    pairs: [],
    ratings: [],
  }, FAST);

  const cost = winners.find((winner) => winner.metric === "cost")!;
  assert.match(cost.statement, /"short\/m2" \(10 of 10 successful calls without token usage\)/);
  assert.doesNotMatch(cost.statement, /without a price/);
  const markdown = sections.map((section) => section.markdown).join("\n");
  assert.match(markdown, /cost in USD over calls with a known cost\./);
  assert.doesNotMatch(markdown, /known price/);
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

Deno.test("statsSections() keeps the quality dimension on one overall", () => {
  const test = { ...sampleTest(), rating_dimensions: [{ id: "helpful" }] };
  const { pairs, ratings } = buildRatings([{ a: "short/m1", b: "long/m1", wins: 2 }], {
    dimension: "helpful",
  });
  const overall = { ...ratings[0]!, rater_id: "rater-2", choices: {}, overall: "A" as const };
  const { data, sections } = statsSections(test, {
    results: results({ "short/m1": 0.001, "long/m1": 0.002 }),
    pairs,
    ratings: [...ratings, overall],
  }, FAST);

  assert.equal(data.quality_dimension, "helpful");
  const rows = data.ratings.dimensions.map((d) => [d.dimension, d.verdicts]);
  assert.deepEqual(rows, [["helpful", 2], ["overall", 1]]);
  const methods = sections.find((section) => section.id === "methods")!;
  assert.match(methods.markdown, /Quality verdict: dimension "helpful"/);
});

Deno.test("statsSections() prefers a defined overall dimension", () => {
  const test = { ...sampleTest(), rating_dimensions: [{ id: "helpful" }, { id: "overall" }] };
  const { pairs, ratings } = buildRatings([{ a: "short/m1", b: "long/m1", wins: 2 }], {
    dimension: "helpful",
  });
  const { data } = statsSections(test, {
    results: results({ "short/m1": 0.001, "long/m1": 0.002 }),
    pairs,
    ratings,
  }, FAST);

  assert.equal(data.quality_dimension, "overall");
  const quality = data.winners.find((winner) => winner.metric === "quality")!;
  assert.equal(quality.arm_id, null);
  assert.match(quality.statement, /^No verdicts on the quality dimension "overall" yet/);
});
