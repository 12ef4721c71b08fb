import assert from "node:assert/strict";
import { ABTestReportSchema } from "../schema/mod.ts";
import { QUANTILE_METHOD } from "../stats/quantile.ts";
import { draftState, sampleTest } from "../store/_testing.ts";
import { buildReport } from "./build_report.ts";
import { armMetrics as metrics } from "./_testing.ts";

const GENERATED_AT = "2026-12-04T12:00:00.000Z";

function winner(report: ReturnType<typeof buildReport>, metric: string) {
  const found = report.winners.find((entry) => entry.metric === metric);
  assert.ok(found, `winner for ${metric}`);
  return found;
}

Deno.test("buildReport passes the schema", () => {
  const report = buildReport(sampleTest(), draftState(), [
    metrics("short/m1"),
    metrics("long/m1"),
  ], { generatedAt: GENERATED_AT });

  assert.doesNotThrow(() => ABTestReportSchema.parse(report));
  assert.equal(report.schema_version, "1.0.0");
  assert.equal(report.generated_at, GENERATED_AT);
  assert.equal(report.quantile_method, QUANTILE_METHOD);
  assert.equal(report.simulated, false);
  assert.equal(report.ratings, undefined);
  assert.equal(report.rating_count, 0);
  assert.deepEqual(report.arms.map((arm) => arm.arm_id), ["short/m1", "long/m1"]);
  assert.deepEqual(report.winners.map((entry) => entry.metric), ["quality", "cost", "latency"]);
});

Deno.test("buildReport names leaders, not winners", () => {
  const report = buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { cost_per_1k_calls_usd: 2, latency_p50_ms: 200 }),
    metrics("long/m1", { cost_per_1k_calls_usd: 3, latency_p50_ms: 90 }),
    metrics("long/m2", { cost_per_1k_calls_usd: null, latency_p50_ms: null, latency_n: 0 }),
  ], { generatedAt: GENERATED_AT });

  const cost = winner(report, "cost");
  assert.equal(cost.arm_id, null);
  assert.equal(cost.leader, "short/m1");
  assert.match(cost.statement, /^"short\/m1" has the lowest known cost per call \(\$2\.00 per/);
  assert.match(cost.statement, /ahead of "long\/m1"/);
  assert.match(cost.statement, /Descriptive only: no significance test was run/);

  const latency = winner(report, "latency");
  assert.equal(latency.arm_id, null);
  assert.equal(latency.leader, "long/m1");
  assert.match(latency.statement, /p50 90\.0 ms, n=98/);
});

Deno.test("buildReport states missing ratings", () => {
  const report = buildReport(sampleTest(), draftState(), [metrics("short/m1")], {
    generatedAt: GENERATED_AT,
  });

  const quality = winner(report, "quality");
  assert.equal(quality.arm_id, null);
  assert.match(quality.statement, /^No ratings yet/);
  assert.match(report.summary, /No ratings yet, so quality has not been compared\./);

  const rated = buildReport(sampleTest(), draftState(), [metrics("short/m1")], {
    ratingCount: 12,
  });
  assert.match(winner(rated, "quality").statement, /^12 ratings are stored/);
  assert.equal(rated.rating_count, 12);
  assert.match(rated.summary, /12 ratings are stored and counted\./);
});

Deno.test("buildReport states replaced ratings", () => {
  const report = buildReport(sampleTest(), draftState(), [metrics("short/m1")], {
    ratingCount: 12,
    countedRatingCount: 9,
  });
  assert.match(report.summary, /12 ratings are stored: 9 are counted and 3 were replaced/);
  assert.throws(
    () => buildReport(sampleTest(), draftState(), [], { ratingCount: 1, countedRatingCount: 2 }),
    { name: "RangeError", message: /Invalid countedRatingCount 2/ },
  );
});

Deno.test("buildReport marks simulated results", () => {
  const report = buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { simulated_n: 100 }),
    metrics("long/m1", { simulated_n: 40, cost_per_1k_calls_usd: 9 }),
  ]);

  assert.equal(report.simulated, true);
  assert.match(report.summary, /140 of the calls are simulated/);
  assert.match(winner(report, "cost").statement, /per 1,000 calls, simulated\)/);
  assert.match(winner(report, "cost").statement, /per 1,000 calls, 40 of 100 simulated\)/);

  const allSimulated = buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { simulated_n: 100 }),
  ]);
  assert.match(allSimulated.summary, /All results are simulated/);
});

Deno.test("buildReport handles ties and single arms", () => {
  const tied = buildReport(sampleTest(), draftState(), [
    metrics("short/m1"),
    metrics("long/m1"),
  ]);
  assert.equal(winner(tied, "cost").leader, null);
  assert.match(winner(tied, "cost").statement, /^"short\/m1", "long\/m1" tie for the lowest/);

  const single = buildReport(sampleTest(), draftState(), [metrics("short/m1")]);
  assert.equal(winner(single, "latency").leader, "short/m1");
  assert.match(winner(single, "latency").statement, /nothing to compare it with/);

  const empty = buildReport(sampleTest(), draftState(), []);
  assert.match(empty.summary, /No results are stored yet/);
  assert.match(winner(empty, "cost").statement, /^No cost comparison/);
});

Deno.test("buildReport reports unknown costs", () => {
  const report = buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { cost_unknown_n: 7, cost_per_1k_calls_usd: 1 }),
    metrics("long/m1"),
  ]);
  const cost = winner(report, "cost");
  assert.match(cost.statement, /"short\/m1" \(7 of 98 successful calls without a price\)/);
  assert.match(cost.statement, /^Only "long\/m1" has a known cost per call/);
});

Deno.test("buildReport names missing token usage", () => {
  const report = buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { cost_unknown_n: 7, cost_no_usage_n: 7, cost_per_1k_calls_usd: 1 }),
    metrics("short/m2", { cost_unknown_n: 7, cost_no_usage_n: 2, cost_per_1k_calls_usd: 1 }),
    metrics("long/m1"),
  ]);
  const cost = winner(report, "cost");
  assert.match(cost.statement, /"short\/m1" \(7 of 98 successful calls without token usage\)/);
  assert.match(
    cost.statement,
    /"short\/m2" \(5 of 98 successful calls without a price and 2 without token usage\)/,
  );
});

Deno.test("buildReport takes additions", () => {
  const report = buildReport(sampleTest(), draftState(), [metrics("short/m1")], {
    winners: [{
      metric: "latency",
      arm_id: "short/m1",
      statement: "short/m1 is faster (Holm p = 0.001).",
      p_value: 0.001,
      method: "Mann-Whitney U",
    }],
    sections: [
      { id: "srm", title: "Sample ratio", markdown: "first" },
      { id: "srm", title: "Sample ratio", markdown: "second" },
      { id: "ratings", title: "Ratings", markdown: "win rates", data: { arms: 2 } },
    ],
    ratings: { dimensions: [] },
  });

  assert.equal(winner(report, "latency").arm_id, "short/m1");
  assert.equal(winner(report, "cost").arm_id, null);
  assert.deepEqual(report.sections.map((section) => section.markdown), ["second", "win rates"]);
  assert.deepEqual(report.ratings, { dimensions: [] });
  assert.doesNotThrow(() => ABTestReportSchema.parse(report));
});

Deno.test("buildReport rejects mismatched input", () => {
  assert.throws(() => buildReport(sampleTest(), draftState("other"), []), {
    name: "TypeError",
    message: 'Invalid state for test "t1": its test_id is "other"',
  });
  assert.throws(() => buildReport(sampleTest(), draftState(), [], { ratingCount: -1 }), RangeError);
  assert.throws(
    () =>
      buildReport(sampleTest(), draftState(), [], {
        sections: [{ id: "../bad", title: "x", markdown: "" }],
      }),
    { name: "ZodError" },
  );
});

Deno.test("buildReport returns JSON values", () => {
  const report = buildReport(sampleTest(), draftState(), [metrics("short/m1")], {
    sections: [{
      id: "stats",
      title: "Stats",
      markdown: "",
      data: { estimate: Number.NaN, upper: Infinity, skipped: undefined },
    }],
    ratings: { mean: Number.NaN },
  });

  assert.deepEqual(report.sections[0]?.data, { estimate: null, upper: null });
  assert.deepEqual(report.ratings, { mean: null });
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

Deno.test("buildReport cost winner skips unpriced arms", () => {
  const report = buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { cost_per_1k_calls_usd: 1, cost_unknown_n: 5 }),
    metrics("long/m1", { cost_per_1k_calls_usd: 4 }),
    metrics("long/m2", { cost_per_1k_calls_usd: 3 }),
  ], { generatedAt: "2026-12-04T12:00:00.000Z" });

  const cost = report.winners.find((winner) => winner.metric === "cost")!;
  assert.equal(cost.leader, "long/m2");
  assert.match(cost.statement, /Left out of the cost comparison .*"short\/m1" \(5 of 98 /);
});

Deno.test("buildReport lists arms in test order", () => {
  const report = buildReport(sampleTest(), draftState(), [
    metrics("long/m2"),
    metrics("long/m1"),
    metrics("short/m2"),
    metrics("short/m1"),
  ], { generatedAt: GENERATED_AT });

  assert.deepEqual(
    report.arms.map((arm) => arm.arm_id),
    ["short/m1", "short/m2", "long/m1", "long/m2"],
  );
});
