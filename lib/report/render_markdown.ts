/**
 * Renders a report as Markdown: a simulated-results banner when needed, the
 * summary, the variant performance table, the errors of arms with failed
 * calls, the cost and latency analysis, the quality status and any extra
 * sections.
 *
 * @module
 */
import { z } from "zod";
import type { ABTestReport, AggregateMetrics, Winner } from "../schema/mod.ts";
import { minSampleSize } from "../stats/quantile.ts";
import { ReportSectionSchema } from "./build_report.ts";
import { errorsSection } from "./errors_markdown.ts";
import {
  escapeCell,
  escapeInline,
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  formatUsd,
} from "./format.ts";

/** Marks a percentile computed from too few latencies to be more than the sample maximum. */
const SMALL_SAMPLE_MARK = "†";

/**
 * Render a report as Markdown. Accepts any report that passes the schema,
 * including one read back from `report.json`; sections and the rating count
 * are used when present.
 *
 * @param report The report, usually from `buildReport`.
 * @returns Markdown text ending with a newline.
 */
export function renderMarkdown(report: ABTestReport): string {
  const sections = z.array(ReportSectionSchema).catch([]).parse(report.sections);
  const lines: string[] = [];

  lines.push(`# A/B test report: ${escapeInline(report.name)}`, "");
  if (report.simulated) {
    lines.push(
      "> **Simulated results.** Rows marked *simulated* come from the simulated provider, " +
        "not from a real model. Do not use them to choose a model.",
      "",
    );
  }
  lines.push(
    `- Test: \`${report.test_id}\``,
    `- Status: ${report.status}`,
    `- Generated: ${report.generated_at}`,
    `- Report schema: ${report.schema_version}`,
    "",
    "## Summary",
    "",
    escapeInline(report.summary),
    "",
  );

  lines.push(...performanceTable(report.arms, report.quantile_method), "");
  const streaming = streamingTable(report.arms);
  if (streaming.length > 0) lines.push(...streaming, "");
  const errors = errorsSection(report.errors ?? []);
  if (errors.length > 0) lines.push(...errors, "");
  lines.push(...analysis(report.winners), "");

  const ratingCount = z.number().catch(0).parse(report.rating_count);
  if (ratingCount === 0 && !sections.some((section) => section.id === "ratings")) {
    lines.push(
      "## Ratings",
      "",
      "No ratings yet. Quality is compared only from blind pairwise ratings by people or an " +
        "LLM judge; collect some, then build the report again.",
      "",
    );
  }

  for (const section of sections) {
    lines.push(`## ${escapeInline(section.title)}`, "", section.markdown.trimEnd(), "");
  }
  return lines.join("\n").trimEnd() + "\n";
}

function performanceTable(arms: readonly AggregateMetrics[], quantileMethod: string): string[] {
  const lines = ["## Variant performance", ""];
  if (arms.length === 0) {
    lines.push("No arm has results yet.");
    return lines;
  }

  lines.push(
    "| Arm | n | Errors | Latency n | p50 | p95 | p99 | Mean | Prompt tokens | Completion tokens | Cost total | Cost per 1k calls |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  let smallSample = false;
  for (const arm of arms) {
    const p95 = percentileCell(arm.latency_p95_ms, arm.latency_n, 0.95);
    const p99 = percentileCell(arm.latency_p99_ms, arm.latency_n, 0.99);
    smallSample ||= p95.endsWith(SMALL_SAMPLE_MARK) || p99.endsWith(SMALL_SAMPLE_MARK);
    const cells = [
      armCell(arm),
      formatCount(arm.n),
      arm.n === 0 ? "0" : `${formatCount(arm.errors)} (${formatPercent(arm.error_rate)})`,
      formatCount(arm.latency_n),
      formatMs(arm.latency_p50_ms),
      p95,
      p99,
      formatMs(arm.latency_mean_ms),
      tokenSumCell(arm, arm.prompt_tokens_sum),
      tokenSumCell(arm, arm.completion_tokens_sum),
      costTotalCell(arm),
      formatUsd(arm.cost_per_1k_calls_usd),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }

  lines.push(
    "",
    "Latency counts successful calls not served from the response cache (latency n). " +
      `Percentiles are exact: \`${quantileMethod.replaceAll("`", "'")}\`.`,
  );
  if (smallSample) {
    lines.push(
      "",
      `${SMALL_SAMPLE_MARK} Fewer than ${minSampleSize(0.95)} latencies for p95 or ` +
        `${minSampleSize(0.99)} for p99: the percentile is close to the sample maximum.`,
    );
  }
  const cached = arms.reduce((sum, arm) => sum + arm.from_cache_n, 0);
  lines.push(
    "",
    "Costs are in USD and include only calls with a known cost. Cost per 1k calls is 1,000 " +
      "times the mean over those calls." + unknownCostTotals(arms) +
      (cached > 0 ? ` ${formatCount(cached)} calls were served from the response cache.` : ""),
  );
  return lines;
}

/** States how many successful calls have an unknown cost, by cause, or "" when none has. */
function unknownCostTotals(arms: readonly AggregateMetrics[]): string {
  const unknown = arms.reduce((sum, arm) => sum + arm.cost_unknown_n, 0);
  const noUsage = arms.reduce((sum, arm) => sum + (arm.cost_no_usage_n ?? 0), 0);
  const unpriced = unknown - noUsage;
  const usageClause = "no cost because the provider reported no token usage, so token sums " +
    "leave them out";
  if (unknown === 0) return "";
  if (noUsage === 0) return ` ${formatCount(unpriced)} successful calls have no known price.`;
  if (unpriced === 0) return ` ${formatCount(noUsage)} successful calls have ${usageClause}.`;
  return ` ${formatCount(unpriced)} successful calls have no known price, and ` +
    `${formatCount(noUsage)} have ${usageClause}.`;
}

/**
 * Renders TTFT and output speed per arm, or nothing when no arm has a
 * streamed call, so reports of unstreamed tests get no empty columns.
 */
function streamingTable(arms: readonly AggregateMetrics[]): string[] {
  const streamed = arms.some((arm) =>
    (arm.ttft_n ?? 0) > 0 || (arm.output_tokens_per_s_p50 ?? null) !== null
  );
  if (!streamed) return [];

  const lines = [
    "### Streaming",
    "",
    "| Arm | TTFT n | TTFT p50 | TTFT p95 | Output tokens/s (median) |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  let smallSample = false;
  for (const arm of arms) {
    const ttftN = arm.ttft_n ?? 0;
    const p95 = percentileCell(arm.ttft_p95_ms ?? null, ttftN, 0.95);
    smallSample ||= p95.endsWith(SMALL_SAMPLE_MARK);
    const cells = [
      armCell(arm),
      formatCount(ttftN),
      formatMs(arm.ttft_p50_ms ?? null),
      p95,
      formatRate(arm.output_tokens_per_s_p50 ?? null),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }

  lines.push(
    "",
    "Time to first token (TTFT) and output tokens per second after the first token come from " +
      "streamed calls that succeeded and were not served from the response cache (TTFT n).",
  );
  if (smallSample) {
    lines.push(
      "",
      `${SMALL_SAMPLE_MARK} Fewer than ${minSampleSize(0.95)} values for p95: the percentile ` +
        "is close to the sample maximum.",
    );
  }
  return lines;
}

/**
 * Formats an arm's cost total so an unknown cost never reads as $0. A partial
 * sum counts the calls left out, and a sum with no known cost is shown as
 * unknown. Both name the cause: no price for the model, or no token usage
 * reported by the provider.
 */
export function costTotalCell(arm: AggregateMetrics): string {
  const unknown = arm.cost_unknown_n;
  const noUsage = arm.cost_no_usage_n ?? 0;
  const model = escapeCell(arm.model_id);
  if (arm.cost_usd_total === null) {
    if (unknown === 0) return "—";
    if (noUsage === 0) return `unknown (no price for model ${model})`;
    if (noUsage === unknown) return "unknown (the provider reported no token usage)";
    return `unknown (no price for model ${model}, and ${formatCount(noUsage)} ` +
      `${calls(noUsage)} without token usage)`;
  }
  if (unknown === 0) return formatUsd(arm.cost_usd_total);

  let cause = "price or token usage";
  if (noUsage === 0) cause = "price";
  else if (noUsage === unknown) cause = "token usage";
  return `${formatUsd(arm.cost_usd_total)} + ${formatCount(unknown)} ${calls(unknown)} ` +
    `without ${cause}`;
}

function calls(count: number): string {
  return count === 1 ? "call" : "calls";
}

/**
 * Formats a token sum, so missing usage never reads as 0: "unknown" when the
 * arm has successful calls but none reported the count, and a dash when it
 * has no successful call.
 */
function tokenSumCell(arm: AggregateMetrics, sum: number | null): string {
  if (sum !== null) return formatCount(sum);
  return arm.n > arm.errors ? "unknown" : "—";
}

function armCell(arm: AggregateMetrics): string {
  const name = `\`${escapeCell(arm.arm_id)}\``;
  if (arm.simulated_n === 0) return name;
  if (arm.simulated_n === arm.n) return `${name} *simulated*`;
  return `${name} *${arm.simulated_n} of ${arm.n} simulated*`;
}

function percentileCell(value: number | null, n: number, p: number): string {
  const text = formatMs(value);
  return value !== null && n < minSampleSize(p) ? `${text} ${SMALL_SAMPLE_MARK}` : text;
}

function analysis(winners: readonly Winner[]): string[] {
  const lines = ["## Winner analysis", ""];
  const order = ["quality", "cost", "latency"] as const;
  for (const metric of order) {
    const winner = winners.find((entry) => entry.metric === metric);
    if (winner === undefined) continue;
    const verdict = winner.arm_id === null ? "no winner" : `winner \`${winner.arm_id}\``;
    lines.push(`- **${capitalize(metric)}** (${verdict}): ${escapeInline(winner.statement)}`);
  }
  return lines;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
