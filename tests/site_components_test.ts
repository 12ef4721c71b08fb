/**
 * Unit tests of the site's browser modules that need no DOM: code point
 * truncation, the configurator's form model against the real experiment file
 * parser, CSV export, totals, the streaming table's rows, number formats, the
 * Markdown subset of report sections, and the index's judge cost.
 */
import assert from "node:assert/strict";
import { type AggregateMetrics, parseCsv, parseExperiment } from "../lib/mod.ts";
import { stringify } from "yaml";
import { truncateCodePoints } from "../site/src/components/text.js";
import {
  casesFromCsv,
  defaultFormState,
  dimensionsFromText,
  experimentFromForm,
  formArms,
  formNumber,
  placeholderEnv,
} from "../site/src/components/experiment_form.js";
import { armsCsv, CSV_COLUMNS, csvField, errorRows } from "../site/src/components/report_view.js";
import { streamingRows, totals } from "../site/src/components/dashboard.js";
import { judgeCost } from "../site/src/components/index_view.js";
import { parseInline, parseMarkdown } from "../site/src/components/markdown.js";
import {
  formatRate as formatRateMarkdown,
  formatUsd as formatUsdMarkdown,
} from "../lib/report/format.ts";
import {
  formatInterval,
  formatMs,
  formatP,
  formatPercent,
  formatRate,
  formatUsd,
  roundSignificant,
} from "../site/src/components/format.js";

Deno.test("truncateCodePoints() never splits a surrogate pair", () => {
  const text = "ab🙂cd🙂";
  const cut = truncateCodePoints(text, 3);
  assert.equal(cut.head, "ab🙂");
  assert.equal(cut.truncated, true);
  assert.equal(cut.length, 6);
  assert.deepEqual(truncateCodePoints(text, 6), { head: text, truncated: false, length: 6 });
  assert.throws(() => truncateCodePoints(text, -1), RangeError);
});

async function parseForm(state: ReturnType<typeof defaultFormState>) {
  const yaml = stringify(experimentFromForm(state, parseCsv), { lineWidth: 0 });
  return await parseExperiment(yaml, { file: "form.yaml", baseDir: ".", env: placeholderEnv });
}

Deno.test("experimentFromForm() default state passes the experiment parser", async () => {
  const test = await parseForm(defaultFormState());
  assert.equal(test.id, "my-test");
  assert.equal(test.variants.length, 2);
  assert.equal(test.cases.length, 3);
  assert.equal(
    test.cases[2]!.vars.question,
    "Why was I charged twice, and when will the refund arrive?",
  );
  assert.deepEqual(test.rating_dimensions.map((d) => d.id), ["helpfulness", "tone"]);
});

Deno.test("experimentFromForm() writes split weights per arm", async () => {
  const state = defaultFormState();
  state.mode = "split";
  state.weights = { "direct/gpt-4o-mini": "70", "friendly/gpt-4o-mini": "30", "gone/x": "5" };
  const file = experimentFromForm(state, parseCsv);
  assert.deepEqual(file.traffic, {
    mode: "split",
    weights: { "direct/gpt-4o-mini": 70, "friendly/gpt-4o-mini": 30 },
  });
  const test = await parseForm(state);
  assert.equal(test.traffic.mode, "split");
});

Deno.test("experimentFromForm() leaves bad numbers for the parser to name", async () => {
  const state = defaultFormState();
  state.models[0]!.temperature = "hot";
  await assert.rejects(() => parseForm(state), /models\[0\]\.temperature/);
});

Deno.test("experimentFromForm() keeps ${NAME} for run time", async () => {
  const state = defaultFormState();
  state.models[0]!.base_url = "${LOCAL_URL}";
  state.models[0]!.provider = "openai";
  const file = experimentFromForm(state, parseCsv) as { models: { base_url?: string }[] };
  assert.equal(file.models[0]!.base_url, "${LOCAL_URL}");
  const test = await parseForm(state);
  assert.equal(test.models[0]!.base_url, "http://placeholder.invalid/LOCAL_URL");
});

Deno.test("experimentFromForm() writes rpm, stream and the judge", async () => {
  const state = defaultFormState();
  state.models[0]!.rpm = "60";
  state.models[0]!.stream = true;
  state.judge_model = "gpt-4o-mini";
  const test = await parseForm(state);
  assert.equal(test.models[0]!.rpm, 60);
  assert.equal(test.models[0]!.stream, true);
  assert.equal(test.judge?.model, "gpt-4o-mini");
  state.judge_model = "no-such-model";
  await assert.rejects(() => parseForm(state), /judge/);
});

Deno.test("formNumber() reads blanks, numbers and text", () => {
  assert.equal(formNumber(""), undefined);
  assert.equal(formNumber("  "), undefined);
  assert.equal(formNumber("0.5"), 0.5);
  assert.equal(formNumber("ten"), "ten");
});

Deno.test("formArms() lists variant/model pairs", () => {
  assert.deepEqual(formArms(defaultFormState()), ["direct/gpt-4o-mini", "friendly/gpt-4o-mini"]);
});

Deno.test("casesFromCsv() rejects rows with the wrong field count", () => {
  assert.deepEqual(casesFromCsv("id,q\n1,a\n", parseCsv), [{ id: "1", q: "a" }]);
  assert.deepEqual(casesFromCsv("", parseCsv), []);
  assert.throws(() => casesFromCsv("id,q\n1,a,b\n", parseCsv), /line 2: expected 2 fields/);
});

Deno.test("dimensionsFromText() reads ids and descriptions", () => {
  assert.deepEqual(dimensionsFromText("tone\n\n accuracy: Facts right? \nclarity:"), [
    { id: "tone" },
    { id: "accuracy", description: "Facts right?" },
    { id: "clarity" },
  ]);
});

Deno.test("csvField() quotes and defuses formulas", () => {
  assert.equal(csvField(null), "");
  assert.equal(csvField(Number.NaN), "");
  assert.equal(csvField(1.5), "1.5");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("=SUM(A1)"), "'=SUM(A1)");
  assert.equal(csvField("-1+2"), "'-1+2");
});

Deno.test("armsCsv() writes a header and one row per arm", () => {
  const csv = armsCsv([{
    arm_id: "a/m",
    variant_id: "a",
    model_id: "m",
    n: 3,
    latency_p50_ms: null,
  }]);
  const lines = csv.split("\r\n");
  assert.equal(lines[0], CSV_COLUMNS.join(","));
  assert.equal(lines[1]!.split(",").length, CSV_COLUMNS.length);
  assert.ok(lines[1]!.startsWith("a/m,a,m,3,"));
  assert.equal(lines[2], "");
});

function arm(patch: Partial<AggregateMetrics>): AggregateMetrics {
  return {
    arm_id: "a/m",
    variant_id: "a",
    model_id: "m",
    n: 0,
    errors: 0,
    error_rate: 0,
    latency_n: 0,
    latency_mean_ms: null,
    latency_p50_ms: null,
    latency_p95_ms: null,
    latency_p99_ms: null,
    prompt_tokens_sum: 0,
    completion_tokens_sum: 0,
    total_tokens_sum: 0,
    prompt_tokens_mean: null,
    completion_tokens_mean: null,
    cost_usd_total: 0,
    cost_per_1k_calls_usd: null,
    cost_unknown_n: 0,
    from_cache_n: 0,
    simulated_n: 0,
    ...patch,
  };
}

Deno.test("totals() prices 1,000 calls over calls with a known cost", () => {
  const t = totals([
    arm({ n: 10, errors: 1, cost_usd_total: 0.02, total_tokens_sum: 150 }),
    arm({ arm_id: "b/m", n: 10, cost_unknown_n: 10 }),
  ]);
  assert.equal(t.calls, 20);
  assert.equal(t.error_rate, 0.05);
  assert.equal(t.total_tokens, 150);
  assert.ok(Math.abs(t.cost_per_1k_calls_usd! - 2) < 1e-12);
  assert.equal(totals([]).error_rate, null);
  assert.equal(totals([]).cost_per_1k_calls_usd, null);
});

Deno.test("totals() keeps unreported token sums null", () => {
  const unreported = {
    prompt_tokens_sum: null,
    completion_tokens_sum: null,
    total_tokens_sum: null,
  };
  const t = totals([arm(unreported), arm({ arm_id: "b/m", ...unreported })]);
  assert.equal(t.prompt_tokens, null);
  assert.equal(t.completion_tokens, null);
  assert.equal(t.total_tokens, null);

  const partly = totals([arm(unreported), arm({ arm_id: "b/m", total_tokens_sum: 40 })]);
  assert.equal(partly.total_tokens, 40);
});

Deno.test("streamingRows() shows arms when one streamed", () => {
  const rows = streamingRows([
    arm({
      ttft_n: 40,
      ttft_p50_ms: 212.4,
      ttft_p95_ms: 480,
      output_tokens_per_s_p50: 54.26,
    }),
    arm({ arm_id: "b/m", ttft_n: 0, ttft_p50_ms: null }),
  ]);
  assert.ok(rows !== null);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], {
    arm_id: "a/m",
    ttft_n: "40",
    ttft_p50: "212 ms",
    ttft_p95: "480 ms",
    output_tokens_per_s: "54.3",
    rough: false,
  });
});

Deno.test("streamingRows() is null when no arm streamed", () => {
  const unstreamed = {
    ttft_n: 0,
    ttft_p50_ms: null,
    ttft_p95_ms: null,
    output_tokens_per_s_p50: null,
  };
  assert.equal(streamingRows([arm(unstreamed), arm({ arm_id: "b/m", ...unstreamed })]), null);
  // A report written before the streaming fields has none of them.
  assert.equal(streamingRows([arm({}), arm({ arm_id: "b/m" })]), null);
  assert.equal(streamingRows([]), null);
});

Deno.test("streamingRows() shows missing values per arm", () => {
  const rows = streamingRows([
    arm({ ttft_n: 3, ttft_p50_ms: 150, ttft_p95_ms: 190, output_tokens_per_s_p50: null }),
    arm({
      arm_id: "b/m",
      ttft_n: 0,
      ttft_p50_ms: null,
      ttft_p95_ms: null,
      output_tokens_per_s_p50: null,
    }),
    arm({ arm_id: "c/m" }),
  ]);
  assert.ok(rows !== null);
  const [small, unstreamed, unreported] = rows;

  assert.equal(small!.ttft_p50, "150 ms");
  assert.equal(small!.ttft_p95, "190 ms (rough)");
  assert.equal(small!.rough, true);
  assert.equal(small!.output_tokens_per_s, "–");

  assert.equal(unstreamed!.ttft_n, "0");
  assert.equal(unstreamed!.ttft_p50, "–");
  assert.equal(unstreamed!.ttft_p95, "–");
  assert.equal(unstreamed!.rough, false);
  assert.equal(unstreamed!.output_tokens_per_s, "–");

  assert.equal(unreported!.ttft_n, "–");
  assert.equal(unreported!.ttft_p50, "–");
});

Deno.test("formatters show missing values as a dash, not 0", () => {
  for (const format of [formatUsd, formatMs, formatPercent, formatP, formatRate]) {
    assert.equal(format(null), "–");
    assert.equal(format(Number.NaN), "–");
  }
  assert.equal(formatUsd(0.0031), "$0.00310");
  assert.equal(formatUsd(12.5), "$12.50");
  assert.equal(formatMs(12_345), "12.3 s");
  assert.equal(formatP(0.0001), "< 0.001");
  assert.equal(formatInterval(0.5, 0.4, 0.6), "0.50 [0.40, 0.60]");
  assert.equal(formatInterval(0.5, null, 0.6), "0.50");
});

Deno.test("formatUsd() matches the Markdown report", () => {
  const values = [0, 0.02, 0.003243, 0.0000007049, 0.5, 0.99949, 1, 12.5, 1234.567, -0.0042, 1e-13];
  for (const value of values) {
    assert.equal(formatUsd(value), formatUsdMarkdown(value), String(value));
  }
  assert.equal(formatUsd(0.02), "$0.0200");
  assert.equal(formatUsd(0.003243), "$0.00324");
});

Deno.test("formatRate() matches the Markdown report", () => {
  for (const value of [0, 54.26, 54.35, 54.349999999999994, 1234.5]) {
    assert.equal(formatRate(value), formatRateMarkdown(value), String(value));
  }
  assert.equal(formatRate(54.349999999999994), "54.4");
});

Deno.test("csvField() rounds float noise", () => {
  assert.equal(csvField(0.0032430000000000002), "0.003243");
  assert.equal(csvField(0.1 + 0.2), "0.3");
  assert.equal(csvField(123456789012345), "123456789012345");
  assert.equal(csvField(1e-20 / 3), "3.33333333333e-21");
  assert.equal(roundSignificant(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
});

Deno.test("parseMarkdown() reads a pipe table", () => {
  const blocks = parseMarkdown(
    [
      "Intro line one",
      "line two with **bold** and `a|b`.",
      "",
      "| arm | cost | note |",
      "| --- | ---: | :---: |",
      "| a/m | $0.0200 | x \\| y |",
      "| `co\\|de` | 1 |",
    ].join("\n"),
  );
  assert.equal(blocks.length, 2);
  assert.deepEqual(blocks[0], {
    type: "paragraph",
    inline: [
      { type: "text", text: "Intro line one line two with " },
      { type: "strong", children: [{ type: "text", text: "bold" }] },
      { type: "text", text: " and " },
      { type: "code", text: "a|b" },
      { type: "text", text: "." },
    ],
  });
  const table = blocks[1] as {
    type: string;
    align: (string | null)[];
    header: unknown[][];
    rows: { type: string; text: string }[][][];
  };
  assert.equal(table.type, "table");
  assert.deepEqual(table.align, [null, "right", "center"]);
  assert.equal(table.header.length, 3);
  assert.deepEqual(table.rows[0]![2], [{ type: "text", text: "x | y" }]);
  assert.deepEqual(table.rows[1]![0], [{ type: "code", text: "co|de" }]);
  assert.equal(table.rows[1]!.length, 2);
});

Deno.test("parseMarkdown() keeps HTML as text", () => {
  const hostile = '<img src=x onerror="alert(1)"> [x](javascript:alert(1))';
  const blocks = parseMarkdown(`- ${hostile}\n- two\n\n### Title <b>`);
  assert.deepEqual(blocks[0], {
    type: "list",
    ordered: false,
    items: [[{ type: "text", text: hostile }], [{ type: "text", text: "two" }]],
  });
  assert.deepEqual(blocks[1], {
    type: "heading",
    level: 3,
    inline: [{ type: "text", text: "Title <b>" }],
  });
});

Deno.test("parseInline() unescapes and leaves unmatched marks", () => {
  assert.deepEqual(parseInline("\\*a\\* \\\\ `x"), [{ type: "text", text: "*a* \\ `x" }]);
  assert.deepEqual(parseInline("**open"), [{ type: "text", text: "**open" }]);
  assert.deepEqual(parseInline("p 0.01*"), [{ type: "text", text: "p 0.01*" }]);
});

Deno.test("judgeCost() shows the judge's cost apart", () => {
  assert.equal(judgeCost({ judge_cost_usd: null, judge_cost_unknown: 0 }), "no judge");
  assert.equal(judgeCost({ judge_cost_usd: 0.003243, judge_cost_unknown: 0 }), "$0.00324");
  assert.equal(judgeCost({ judge_cost_usd: 0, judge_cost_unknown: 2 }), "$0 + 2 unknown");
});

Deno.test("errorRows() lists frequent errors, then the rest", () => {
  const long = "x".repeat(250);
  const rows = errorRows([
    {
      arm_id: "a/m",
      errors: 9,
      most_frequent: [
        { error_class: "ProviderError", error_message: "HTTP 500: boom", n: 5 },
        { error_class: "TimeoutError", error_message: long, n: 2 },
        { error_class: "ProviderError", error_message: null, n: 1 },
      ],
      other_n: 1,
      other_kinds: 1,
    },
    { arm_id: "b/m", errors: 0, most_frequent: [], other_n: 0, other_kinds: 0 },
  ]);

  assert.deepEqual(rows.map((row) => [row.arm_id, row.error_class, row.n]), [
    ["a/m", "ProviderError", 5],
    ["a/m", "TimeoutError", 2],
    ["a/m", "ProviderError", 1],
    ["a/m", "", 1],
  ]);
  assert.equal(rows[0]!.message, "HTTP 500: boom");
  assert.equal(rows[1]!.message, `${"x".repeat(200)}...`);
  assert.equal(rows[2]!.message, "");
  assert.equal(rows[3]!.message, "1 other message");
  assert.deepEqual(errorRows(undefined), []);
});
