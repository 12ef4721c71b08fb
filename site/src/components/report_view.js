/**
 * The report viewer: summary, variant performance, streaming and errors per
 * arm, winner analysis with significance, the statistics and rating sections
 * as tables and text, and downloads as JSON, Markdown and CSV.
 *
 * @module
 */
import {
  formatCount,
  formatMs,
  formatP,
  formatPercent,
  formatTime,
  formatUsd,
  roundSignificant,
} from "./format.js";
import { streamingSection } from "./dashboard.js";
import { markdownNodes } from "./markdown.js";
import { textElement, textTable, truncateCodePoints } from "./text.js";

/** Characters of an error message shown, as in the Markdown report. */
const MESSAGE_CHARACTERS = 200;

/**
 * Flattens the report's per-arm errors into table rows: one per frequent
 * class and message, then one for the rest of the arm's errors.
 *
 * @param {import("../../../lib/mod.ts").ArmErrorSummary[] | undefined} errors
 */
export function errorRows(errors) {
  const rows = [];
  for (const arm of errors ?? []) {
    for (const kind of arm.most_frequent) {
      const { head, truncated } = truncateCodePoints(kind.error_message ?? "", MESSAGE_CHARACTERS);
      rows.push({
        arm_id: arm.arm_id,
        error_class: kind.error_class,
        message: truncated ? `${head}...` : head,
        n: kind.n,
      });
    }
    if (arm.other_n > 0) {
      const kinds = arm.other_kinds === 1 ? "1 other message" : `${arm.other_kinds} other messages`;
      rows.push({ arm_id: arm.arm_id, error_class: "", message: kinds, n: arm.other_n });
    }
  }
  return rows;
}

/** Per-arm columns of the CSV download, in order. */
export const CSV_COLUMNS = [
  "arm_id",
  "variant_id",
  "model_id",
  "n",
  "errors",
  "error_rate",
  "latency_n",
  "latency_mean_ms",
  "latency_p50_ms",
  "latency_p95_ms",
  "latency_p99_ms",
  "prompt_tokens_sum",
  "completion_tokens_sum",
  "total_tokens_sum",
  "prompt_tokens_mean",
  "completion_tokens_mean",
  "cost_usd_total",
  "cost_per_1k_calls_usd",
  "cost_unknown_n",
  "from_cache_n",
  "simulated_n",
];

/**
 * Quotes one CSV field per RFC 4180. Numbers are rounded to 12 significant
 * digits so sums of prices print without float noise. A text field gets a
 * quote mark before a leading `=`, `+`, `-`, `@`, tab or carriage return,
 * so spreadsheets do not run it as a formula.
 */
export function csvField(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(roundSignificant(value)) : "";
  }
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Builds the per-arm metrics CSV, header row first, CRLF line ends. */
export function armsCsv(arms) {
  const lines = [CSV_COLUMNS.join(",")];
  for (const arm of arms) lines.push(CSV_COLUMNS.map((column) => csvField(arm[column])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function downloadButton(label, name, type, content) {
  const button = textElement("button", label);
  button.type = "button";
  button.name = `download-${name.split(".").pop()}`;
  button.addEventListener("click", () => {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([content], { type }));
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  return button;
}

/** Wraps a table in a block that scrolls sideways when the table is wider than the page. */
function scrolling(table) {
  const block = document.createElement("div");
  block.className = "ablab-table-scroll";
  block.append(table);
  return block;
}

/**
 * Builds the report viewer.
 *
 * @param {{test_id: string, report: any | null, markdown: string | null, stored: boolean}} data
 * @returns {HTMLElement}
 */
export function reportView(data) {
  const root = document.createElement("div");
  root.className = "ablab-report";
  const { report } = data;
  if (report === null) {
    root.append(textElement(
      "p",
      `No report for this test yet. Write one with deno run -A lib/cli/main.ts report ${data.test_id} and rebuild the site.`,
      "ablab-warning",
    ));
    return root;
  }

  const downloads = document.createElement("p");
  downloads.className = "ablab-downloads ablab-no-print";
  downloads.append(
    "Download: ",
    downloadButton(
      "JSON",
      `${report.test_id}-report.json`,
      "application/json",
      `${JSON.stringify(report, null, 2)}\n`,
    ),
    " ",
  );
  if (data.markdown !== null) {
    downloads.append(
      downloadButton("Markdown", `${report.test_id}-report.md`, "text/markdown", data.markdown),
      " ",
    );
  }
  downloads.append(
    downloadButton("CSV", `${report.test_id}-arms.csv`, "text/csv", armsCsv(report.arms)),
  );
  root.append(downloads);

  root.append(textElement("h2", "Summary"));
  if (report.simulated) {
    root.append(
      textElement(
        "p",
        "Simulated: these results come from the simulated provider.",
        "ablab-warning",
      ),
    );
  }
  root.append(textElement("p", report.summary));
  root.append(textElement(
    "p",
    `Status ${report.status} · generated ${
      formatTime(report.generated_at)
    } · report schema ${report.schema_version}${
      data.stored ? "" : " · built from the stored results because no report was stored"
    }`,
    "ablab-muted",
  ));

  root.append(textElement("h2", "Variant performance"));
  root.append(scrolling(textTable(report.arms, [
    { label: "Arm", value: (a) => a.arm_id },
    { label: "Calls", value: (a) => formatCount(a.n), numeric: true },
    {
      label: "Errors",
      value: (a) => `${formatCount(a.errors)} (${formatPercent(a.error_rate)})`,
      numeric: true,
    },
    { label: "p50", value: (a) => formatMs(a.latency_p50_ms), numeric: true },
    { label: "p95", value: (a) => formatMs(a.latency_p95_ms), numeric: true },
    { label: "p99", value: (a) => formatMs(a.latency_p99_ms), numeric: true },
    { label: "Mean", value: (a) => formatMs(a.latency_mean_ms), numeric: true },
    { label: "Tokens", value: (a) => formatCount(a.total_tokens_sum), numeric: true },
    { label: "Cost", value: (a) => formatUsd(a.cost_usd_total), numeric: true },
    { label: "Per 1,000 calls", value: (a) => formatUsd(a.cost_per_1k_calls_usd), numeric: true },
  ], { caption: `Percentiles: ${report.quantile_method}` })));

  const streaming = streamingSection(report.arms);
  if (streaming !== null) root.append(streaming);
  const errors = errorRows(report.errors);
  if (errors.length > 0) {
    root.append(textElement("h2", "Errors"));
    root.append(scrolling(textTable(errors, [
      { label: "Arm", value: (row) => row.arm_id },
      { label: "Error", value: (row) => row.error_class },
      { label: "Message", value: (row) => row.message },
      { label: "Calls", value: (row) => formatCount(row.n), numeric: true },
    ], { caption: "The most frequent errors of each arm, over the latest result of each call." })));
  }

  root.append(textElement("h2", "Winner analysis"));
  if (report.winners.length === 0) {
    root.append(textElement("p", "The report names no winner for any metric.", "ablab-muted"));
  } else {
    root.append(scrolling(textTable(report.winners, [
      { label: "Metric", value: (w) => w.metric },
      {
        label: "Winner",
        value: (w) => w.arm_id ?? (w.leader ? `none named; ahead: ${w.leader}` : "none named"),
      },
      { label: "Finding", value: (w) => w.statement },
      { label: "Corrected p", value: (w) => formatP(w.p_value), numeric: true },
      { label: "Method", value: (w) => w.method ?? "descriptive" },
    ])));
  }

  // Section bodies are Markdown built from names and ids a user or a model
  // chose; markdownNodes() puts all of that text in text nodes.
  for (const section of report.sections ?? []) {
    const body = document.createElement("div");
    body.className = "ablab-section";
    body.append(markdownNodes(section.markdown, { headingOffset: 2 }));
    root.append(textElement("h2", section.title), body);
  }
  return root;
}
