/**
 * End-to-end check of the statistics sections: run a shipped example on the
 * simulated provider, add simulated ratings, and build the report.
 */
import assert from "node:assert/strict";
import { buildPairs } from "../lib/compare/mod.ts";
import { loadExperiment } from "../lib/config/mod.ts";
import { runTest } from "../lib/engine/mod.ts";
import { statsReportExtension, statsSections } from "../lib/report/stats_sections.ts";
import { writeReport } from "../lib/report/mod.ts";
import {
  type ABTest,
  ABTestReportSchema,
  type TestResult,
  WinnerSchema,
} from "../lib/schema/mod.ts";
import { simulateRatings } from "../lib/stats/mod.ts";
import { MemoryStore } from "../lib/store/mod.ts";
import { draftState, errorRow, resultRow, sampleTest } from "../lib/store/_testing.ts";

const FAST = { resamples: 300, rankingResamples: 100 };

async function runExample(name: string): Promise<{ test: ABTest; store: MemoryStore }> {
  const test = await loadExperiment(new URL(`../examples/${name}`, import.meta.url).pathname);
  const store = new MemoryStore();
  const at = "2026-01-01T00:00:00.000Z";
  await store.createTest(test, {
    test_id: test.id,
    status: "running",
    history: [{ status: "running", at }],
  });
  await runTest(test, { store });
  return { test, store };
}

Deno.test("stats report on support-tone example", async () => {
  const { test, store } = await runExample("support-tone.yaml");
  const pairs = buildPairs(test, await store.readResults(test.id));
  await store.putComparisons(test.id, pairs);
  const ratings = simulateRatings(pairs, {
    seed: 5,
    strengths: { "friendly/claude-3-5-haiku": 3 },
    dimensions: test.rating_dimensions.map((dimension) => dimension.id),
  });
  for (const rating of ratings) await store.putRating(rating);

  const { report, markdown } = await writeReport(store, test.id, {
    extensions: [statsReportExtension(FAST)],
    generatedAt: "2026-01-02T00:00:00.000Z",
  });
  ABTestReportSchema.parse(report);
  for (const winner of report.winners) WinnerSchema.parse(winner);

  const ids = report.sections.map((section) => section.id);
  for (
    const id of ["recommendation", "variant-intervals", "pairwise", "ranking", "srm", "methods"]
  ) {
    assert.ok(ids.includes(id), `section ${id}`);
  }
  const quality = report.winners.find((winner) => winner.metric === "quality")!;
  assert.equal(quality.arm_id, "friendly/claude-3-5-haiku", quality.statement);
  assert.match(markdown, /## Recommendation/);
  assert.match(markdown, /Choose "friendly\/claude-3-5-haiku"/);
  assert.match(markdown, /p50 \[95% CI\]/);
  assert.match(markdown, /\d+ ms \[\d+\.\d ms, \d+\.\d ms\]/);
  assert.match(markdown, /Corrected p/);
  assert.match(markdown, /corrected together \(Holm\)/);
  assert.match(markdown, /not applicable \(factorial mode\)/);
  const latency = report.winners.find((winner) => winner.metric === "latency")!;
  assert.ok(
    latency.arm_id !== null || /No significant difference in latency/.test(latency.statement),
    latency.statement,
  );
});

Deno.test("stats report without ratings", async () => {
  const { test, store } = await runExample("support-tone.yaml");
  const { report, markdown } = await writeReport(store, test.id, {
    extensions: [statsReportExtension(FAST)],
  });
  const quality = report.winners.find((winner) => winner.metric === "quality")!;
  assert.equal(quality.arm_id, null);
  assert.match(quality.statement, /^No ratings yet/);
  assert.match(markdown, /No ratings yet, so there is no ranking/);
});

Deno.test("stats report checks split traffic", async () => {
  const { test, store } = await runExample("summarize.yaml");
  const results = await store.readResults(test.id);
  const fair = statsSections(test, { results, pairs: [], ratings: [] }, FAST);
  assert.equal(fair.data.srm.applicable, true);
  assert.match(fair.sections.find((s) => s.id === "srm")!.markdown, /Traffic split check passed/);

  // Keep one case of a heavy arm and add cases to another, as a broken allocator would.
  const dropped = "bullet/gpt-4o-mini";
  let kept = 0;
  const skewed = results.filter((result) => result.arm_id !== dropped || kept++ < 1);
  skewed.push(...extraCases(skewed, "abstract/gpt-4o-mini", 60));
  const checked = statsSections(test, { results: skewed, pairs: [], ratings: [] }, FAST);
  assert.equal(checked.data.srm.applicable, true);
  assert.equal(checked.data.srm.applicable && checked.data.srm.mismatch, true, "SRM flagged");
  assert.match(checked.data.recommendation, /not trustworthy/);
  assert.ok(checked.winners.every((winner) => winner.arm_id === null));
});

/** Copies an arm's results under new case ids, so that the arm receives more cases than its weight. */
function extraCases(results: readonly TestResult[], arm: string, count: number): TestResult[] {
  const source = results.filter((result) => result.arm_id === arm);
  return Array.from({ length: count }, (_, k) => {
    const row = source[k % source.length]!;
    const caseId = `extra-${k}`;
    return { ...row, case_id: caseId, call_key: `${row.test_id}|${arm}|${caseId}|0` };
  });
}

/** Stores `sampleTest()` with `rows` as its results. */
async function storeWith(rows: readonly TestResult[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.createTest(sampleTest(), draftState());
  const sink = await store.openResults("t1");
  for (const row of rows) await sink.write(row);
  await sink.close();
  return store;
}

/** Ten calls on each of two arms over the same cases, every one with the same cost and latency. */
function constantRows(): TestResult[] {
  return ["short/m1", "long/m1"].flatMap((arm) => {
    const [variant, model] = arm.split("/") as [string, string];
    return Array.from(
      { length: 10 },
      (_, i) => resultRow({ variant, model, caseId: `c${i}` }, { cost_usd: 0, latency_ms: 250 }),
    );
  });
}

Deno.test("stats report of equal values", async () => {
  const store = await storeWith(constantRows());
  const { report, markdown } = await writeReport(store, "t1", {
    extensions: [statsReportExtension(FAST)],
  });

  assert.match(markdown, /\| `short\/m1` \| `long\/m1` \| 10 pairs \| \$0 \[\$0, \$0\]/);
  assert.doesNotMatch(markdown, /fewer than two arms/);
  for (const metric of ["cost", "latency"] as const) {
    const winner = report.winners.find((entry) => entry.metric === metric)!;
    assert.equal(winner.arm_id, null, metric);
    assert.equal(winner.leader, null, metric);
    assert.equal(winner.p_value, null, metric);
    assert.match(
      winner.statement,
      new RegExp(`^"short/m1" and "long/m1" do not differ on ${metric}: every measured call`),
    );
  }
});

Deno.test("stats report of an arm with only errors", async () => {
  const rows = Array.from({ length: 10 }, (_, i) => [
    resultRow({ caseId: `c${i}` }, { latency_ms: 100 + i }),
    errorRow({ caseId: `c${i}`, variant: "long" }, { error_message: "401 invalid API key" }),
  ]).flat();
  const store = await storeWith(rows);
  const { report, markdown } = await writeReport(store, "t1", {
    extensions: [statsReportExtension(FAST)],
  });

  const recommendation = report.sections.find((s) => s.id === "recommendation")!;
  const data = recommendation.data as { recommendation: string };
  assert.doesNotMatch(data.recommendation, /collect more data/);
  assert.match(data.recommendation, /^No comparison is possible/);
  assert.match(data.recommendation, /Every call of "long\/m1" failed\./);
  assert.match(data.recommendation, /The Errors section lists why/);
  assert.match(
    markdown,
    /## Errors\n[\s\S]*\| `long\/m1` \| ProviderError \| 401 invalid API key \| 10 \|/,
  );
  for (const metric of ["cost", "latency"] as const) {
    const winner = report.winners.find((entry) => entry.metric === metric)!;
    assert.match(winner.statement, /Every call of "long\/m1" failed\./, metric);
  }
});

Deno.test("stats recommendation of equal values", async () => {
  const store = await storeWith(constantRows());
  const { report } = await writeReport(store, "t1", {
    extensions: [statsReportExtension(FAST)],
  });

  const recommendation = report.sections.find((s) => s.id === "recommendation")!;
  const data = recommendation.data as { recommendation: string };
  assert.doesNotMatch(data.recommendation, /estimate how much/);
  assert.match(data.recommendation, /Keep the current choice or collect more data\.$/);
});
