import assert from "node:assert/strict";
import type { AggregateMetrics } from "../schema/mod.ts";
import { draftState, sampleTest } from "../store/_testing.ts";
import { buildReport } from "./build_report.ts";
import { renderMarkdown } from "./render_markdown.ts";
import { armMetrics } from "./_testing.ts";

/** Metrics of 200 calls, with figures that exercise rounding. */
function metrics(armId: string, overrides: Partial<AggregateMetrics> = {}): AggregateMetrics {
  return armMetrics(armId, {
    n: 200,
    errors: 4,
    latency_n: 196,
    latency_mean_ms: 150.04,
    latency_p50_ms: 120.26,
    prompt_tokens_sum: 20_000,
    completion_tokens_sum: 4_000,
    cost_usd_total: 1.234,
    cost_per_1k_calls_usd: 6.3,
    ...overrides,
  });
}

function tableRow(markdown: string, armId: string): string[] {
  const line = markdown.split("\n").find((row) => row.startsWith(`| \`${armId}\``));
  assert.ok(line, `table row for ${armId}`);
  return line.split(" | ").map((cell) => cell.replace(/^\| |\s\|$/g, ""));
}

Deno.test("renderMarkdown writes the performance table", () => {
  const markdown = renderMarkdown(buildReport(sampleTest(), draftState(), [
    metrics("short/m1"),
    metrics("long/m1", { latency_n: 12, latency_p95_ms: 280, cost_per_1k_calls_usd: null }),
  ], { generatedAt: "2026-12-04T12:00:00.000Z" }));

  assert.match(markdown, /^# A\/B test report: Sample t1\n/);
  assert.match(
    markdown,
    /\| Arm \| n \| Errors \| Latency n \| p50 \| p95 \| p99 \| Mean \| Prompt tokens \| Completion tokens \| Cost total \| Cost per 1k calls \|/,
  );
  assert.deepEqual(tableRow(markdown, "short/m1"), [
    "`short/m1`",
    "200",
    "4 (2.0%)",
    "196",
    "120.3 ms",
    "300.0 ms",
    "450.0 ms",
    "150.0 ms",
    "20,000",
    "4,000",
    "$1.23",
    "$6.30",
  ]);
  const small = tableRow(markdown, "long/m1");
  assert.equal(small[5], "280.0 ms †");
  assert.equal(small[6], "450.0 ms †");
  assert.equal(small[11], "—");
  assert.match(markdown, /† Fewer than 20 latencies for p95 or 100 for p99/);
  assert.match(markdown, /Percentiles are exact: `quantile_cont: linear interpolation/);
  assert.doesNotMatch(markdown, /Simulated results/);
});

Deno.test("renderMarkdown marks simulated arms", () => {
  const markdown = renderMarkdown(buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { simulated_n: 200 }),
    metrics("long/m1", { simulated_n: 50 }),
    metrics("long/m2"),
  ]));

  assert.match(markdown, /> \*\*Simulated results\.\*\*/);
  assert.equal(tableRow(markdown, "short/m1")[0], "`short/m1` *simulated*");
  assert.equal(tableRow(markdown, "long/m1")[0], "`long/m1` *50 of 200 simulated*");
  assert.equal(tableRow(markdown, "long/m2")[0], "`long/m2`");
});

Deno.test("renderMarkdown says there are no ratings", () => {
  const markdown = renderMarkdown(buildReport(sampleTest(), draftState(), [metrics("short/m1")]));

  assert.match(markdown, /## Ratings\n\nNo ratings yet\./);
  assert.match(markdown, /- \*\*Quality\*\* \(no winner\): No ratings yet/);
  assert.match(markdown, /- \*\*Cost\*\* \(no winner\): Only "short\/m1"/);
});

Deno.test("renderMarkdown renders added sections", () => {
  const report = buildReport(sampleTest(), draftState(), [metrics("short/m1")], {
    ratingCount: 3,
    winners: [{ metric: "quality", arm_id: "short/m1", statement: "short/m1 wins." }],
    sections: [{ id: "ratings", title: "Ratings | win rates", markdown: "| a | b |\n" }],
  });
  const markdown = renderMarkdown(report);

  assert.match(markdown, /- \*\*Quality\*\* \(winner `short\/m1`\): short\/m1 wins\./);
  assert.match(markdown, /## Ratings \\\| win rates\n\n\| a \| b \|\n$/);
  assert.doesNotMatch(markdown, /No ratings yet/);
});

Deno.test("renderMarkdown escapes names", () => {
  const test = { ...sampleTest(), name: "A|B <script> *x*" };
  const markdown = renderMarkdown(buildReport(test, draftState(), []));

  assert.match(markdown, /^# A\/B test report: A\\\|B \\<script\\> \\\*x\\\*\n/);
  assert.match(markdown, /No arm has results yet\./);
});

Deno.test("renderMarkdown never shows unknown cost as $0", () => {
  const markdown = renderMarkdown(buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { cost_usd_total: 0.0123, cost_unknown_n: 3 }),
    metrics("long/m1", {
      cost_usd_total: null,
      cost_per_1k_calls_usd: null,
      cost_unknown_n: 196,
    }),
  ], { generatedAt: "2026-12-04T12:00:00.000Z" }));

  assert.equal(tableRow(markdown, "short/m1")[10], "$0.0123 + 3 calls without price");
  assert.equal(tableRow(markdown, "long/m1")[10], "unknown (no price for model m1)");
  assert.doesNotMatch(markdown, /\| \$0 \|/);
});

Deno.test("renderMarkdown names missing token usage", () => {
  const unreported = {
    prompt_tokens_sum: null,
    completion_tokens_sum: null,
    total_tokens_sum: null,
    prompt_tokens_mean: null,
    completion_tokens_mean: null,
    cost_usd_total: null,
    cost_per_1k_calls_usd: null,
  };
  const markdown = renderMarkdown(buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { ...unreported, cost_unknown_n: 196, cost_no_usage_n: 196 }),
    metrics("long/m1", { ...unreported, cost_unknown_n: 196, cost_no_usage_n: 10 }),
    metrics("short/m2", { cost_usd_total: 0.0123, cost_unknown_n: 3, cost_no_usage_n: 3 }),
    metrics("long/m2", { cost_usd_total: 0.0123, cost_unknown_n: 3, cost_no_usage_n: 1 }),
    metrics("short/m3", { ...unreported, n: 4, errors: 4, latency_n: 0 }),
  ], { generatedAt: "2026-12-04T12:00:00.000Z" }));

  const noUsage = tableRow(markdown, "short/m1");
  assert.equal(noUsage[8], "unknown");
  assert.equal(noUsage[9], "unknown");
  assert.equal(noUsage[10], "unknown (the provider reported no token usage)");
  assert.equal(
    tableRow(markdown, "long/m1")[10],
    "unknown (no price for model m1, and 10 calls without token usage)",
  );
  assert.equal(tableRow(markdown, "short/m2")[10], "$0.0123 + 3 calls without token usage");
  assert.equal(tableRow(markdown, "long/m2")[10], "$0.0123 + 3 calls without price or token usage");
  const onlyErrors = tableRow(markdown, "short/m3");
  assert.equal(onlyErrors[8], "—");
  assert.equal(onlyErrors[9], "—");
  assert.match(
    markdown,
    /188 successful calls have no known price, and 210 have no cost because the provider reported no token usage, so token sums leave them out\./,
  );
});

Deno.test("renderMarkdown shows streaming metrics", () => {
  const markdown = renderMarkdown(buildReport(sampleTest(), draftState(), [
    metrics("short/m1", {
      ttft_n: 150,
      ttft_p50_ms: 310.04,
      ttft_p95_ms: 702.5,
      output_tokens_per_s_p50: 54.26,
    }),
    metrics("long/m1", {
      ttft_n: 12,
      ttft_p50_ms: 280,
      ttft_p95_ms: 500,
      output_tokens_per_s_p50: null,
    }),
    metrics("long/m2", {
      ttft_n: 0,
      ttft_p50_ms: null,
      ttft_p95_ms: null,
      output_tokens_per_s_p50: null,
    }),
  ], { generatedAt: "2026-12-04T12:00:00.000Z" }));

  assert.match(
    markdown,
    /### Streaming\n\n\| Arm \| TTFT n \| TTFT p50 \| TTFT p95 \| Output tokens\/s \(median\) \|/,
  );
  const streaming = markdown.slice(markdown.indexOf("### Streaming"));
  assert.deepEqual(tableRow(streaming, "short/m1"), [
    "`short/m1`",
    "150",
    "310.0 ms",
    "702.5 ms",
    "54.3",
  ]);
  assert.deepEqual(tableRow(streaming, "long/m1"), [
    "`long/m1`",
    "12",
    "280.0 ms",
    "500.0 ms †",
    "—",
  ]);
  assert.deepEqual(tableRow(streaming, "long/m2"), ["`long/m2`", "0", "—", "—", "—"]);
  assert.match(streaming, /† Fewer than 20 values for p95/);
});

Deno.test("renderMarkdown hides empty streaming metrics", () => {
  const unstreamed = { ttft_n: 0, ttft_p50_ms: null, ttft_p95_ms: null };
  const markdown = renderMarkdown(buildReport(sampleTest(), draftState(), [
    metrics("short/m1", { ...unstreamed, output_tokens_per_s_p50: null }),
    metrics("long/m1"),
  ]));

  assert.doesNotMatch(markdown, /Streaming/);
  assert.doesNotMatch(markdown, /TTFT/);
});
