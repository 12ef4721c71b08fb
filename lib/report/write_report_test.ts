import assert from "node:assert/strict";
import { join } from "node:path";
import { ABTestReportSchema } from "../schema/mod.ts";
import { FsStore } from "../store/fs_store.ts";
import { MemoryStore } from "../store/memory_store.ts";
import { TestNotFoundError } from "../store/errors.ts";
import type { Store } from "../store/store.ts";
import { draftState, errorRow, resultRow, sampleTest } from "../store/_testing.ts";
import { type ReportContext, writeReport } from "./write_report.ts";

async function fillStore(store: Store): Promise<void> {
  await store.createTest(sampleTest(), draftState());
  const sink = await store.openResults("t1", { maxRows: 5 });
  for (let i = 0; i < 12; i++) {
    await sink.write(resultRow({ caseId: `c${i}` }, { latency_ms: 100 + i }));
    await sink.write(resultRow({ caseId: `c${i}`, model: "m2" }, { latency_ms: 200 + i }));
  }
  await sink.write(errorRow({ caseId: "c0", variant: "long" }));
  await sink.close();
}

Deno.test("writeReport stores JSON and Markdown", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_report_" });
  const store = new FsStore({ root });
  try {
    await fillStore(store);
    const { report, markdown } = await writeReport(store, "t1", {
      generatedAt: "2026-12-04T12:00:00.000Z",
    });

    const json = JSON.parse(await Deno.readTextFile(join(root, "t1", "report.json")));
    assert.doesNotThrow(() => ABTestReportSchema.parse(json));
    assert.deepEqual(json, report);
    assert.equal(await Deno.readTextFile(join(root, "t1", "report.md")), markdown);
    assert.deepEqual(await store.getReport("t1"), report);

    assert.deepEqual(report.arms.map((arm) => [arm.arm_id, arm.n]), [
      ["short/m1", 12],
      ["short/m2", 12],
      ["long/m1", 1],
      ["long/m2", 0],
    ]);
    assert.equal(report.arms[0]?.latency_p50_ms, 105.5);
    assert.equal(report.arms[0]?.ttft_n, 12);
    assert.equal(report.arms[0]?.ttft_p50_ms, 30.25);
    assert.equal(report.arms[0]?.output_tokens_per_s_p50, 55.5);
    assert.equal(report.arms[2]?.ttft_n, 0);
    assert.equal(report.arms[2]?.ttft_p50_ms, null);
    assert.match(
      markdown,
      /\| `short\/m1` \*simulated\* \| 12 \| 30\.3 ms \| 30\.3 ms † \| 55\.5 \|/,
    );
    assert.equal(report.simulated, true);
    assert.match(markdown, /No ratings yet/);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeReport works on MemoryStore", async () => {
  const store = new MemoryStore();
  await fillStore(store);
  const { report } = await writeReport(store, "t1");

  assert.equal(report.arms.find((arm) => arm.arm_id === "short/m2")?.latency_p50_ms, 205.5);
  assert.deepEqual(await store.getReport("t1"), report);
  assert.match((await store.getReportMarkdown("t1"))!, /## Variant performance/);
});

Deno.test("writeReport runs extensions", async () => {
  const store = new MemoryStore();
  await fillStore(store);
  await store.putRating({
    comparison_id: "p1",
    test_id: "t1",
    rater_id: "ana",
    choices: { overall: "A" },
    idempotency_key: "k1",
    created_at: "2026-12-04T11:00:00.000Z",
  });
  const seen: ReportContext[] = [];

  const { report, markdown } = await writeReport(store, "t1", {
    extensions: [
      (context) => {
        seen.push(context);
        return { sections: [{ id: "ratings", title: "Ratings", markdown: "1 rating." }] };
      },
      () => ({
        winners: [{ metric: "cost", arm_id: null, statement: "Tested: no difference." }],
        ratings: { count: 1 },
      }),
    ],
  });

  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.ratings.length, 1);
  assert.equal(seen[0]?.metrics.length, 4);
  assert.equal(report.rating_count, 1);
  assert.deepEqual(report.ratings, { count: 1 });
  assert.equal(
    report.winners.find((w) => w.metric === "cost")?.statement,
    "Tested: no difference.",
  );
  assert.match(markdown, /## Ratings\n\n1 rating\./);
});

Deno.test("writeReport of a priced model without usage", async () => {
  // The model has a price, but the server reported no token counts, so the
  // engine stored a null cost and null counts.
  const store = new MemoryStore();
  await store.createTest(sampleTest(), draftState());
  const sink = await store.openResults("t1");
  for (let i = 0; i < 3; i++) {
    await sink.write(resultRow({ caseId: `c${i}` }, {
      prompt_tokens: null,
      completion_tokens: null,
      total_tokens: null,
      cost_usd: null,
    }));
  }
  await sink.close();

  const { report, markdown } = await writeReport(store, "t1");
  const arm = report.arms.find((entry) => entry.arm_id === "short/m1")!;
  assert.equal(arm.prompt_tokens_sum, null);
  assert.equal(arm.completion_tokens_sum, null);
  assert.equal(arm.total_tokens_sum, null);
  assert.equal(arm.cost_no_usage_n, 3);
  assert.match(
    markdown,
    /\| unknown \| unknown \| unknown \(the provider reported no token usage\) \|/,
  );
  assert.doesNotMatch(markdown, /no price for model/);
});

Deno.test("writeReport rejects an unknown test", async () => {
  await assert.rejects(writeReport(new MemoryStore(), "missing"), TestNotFoundError);
});

Deno.test("writeReport stores why calls failed", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_report_" });
  const store = new FsStore({ root });
  try {
    await store.createTest(sampleTest(), draftState());
    const sink = await store.openResults("t1", { maxRows: 2 });
    await sink.write(resultRow({ caseId: "c0" }));
    for (let i = 1; i < 4; i++) {
      await sink.write(errorRow({ caseId: `c${i}` }, { error_message: "502 | Bad Gateway" }));
    }
    // The retry of c3 succeeded, so only c1 and c2 count as errors.
    await sink.write(resultRow({ caseId: "c3" }, { finished_at: "2026-12-04T10:00:05.000Z" }));
    await sink.close();

    const { report, markdown } = await writeReport(store, "t1");
    const json = JSON.parse(await Deno.readTextFile(join(root, "t1", "report.json")));
    assert.deepEqual(json.errors, [{
      arm_id: "short/m1",
      errors: 2,
      most_frequent: [{ error_class: "ProviderError", error_message: "502 | Bad Gateway", n: 2 }],
      other_n: 0,
      other_kinds: 0,
    }]);
    assert.deepEqual(report.errors, json.errors);
    assert.match(markdown, /## Errors\n/);
    assert.match(markdown, /\| `short\/m1` \| ProviderError \| 502 \\\| Bad Gateway \| 2 \|/);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeReport without errors", async () => {
  const store = new MemoryStore();
  await store.createTest(sampleTest(), draftState());
  const sink = await store.openResults("t1");
  await sink.write(resultRow());
  await sink.close();

  const { report, markdown } = await writeReport(store, "t1");
  assert.deepEqual(report.errors, []);
  assert.doesNotMatch(markdown, /## Errors/);
});
