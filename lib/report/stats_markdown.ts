/**
 * Markdown of the statistics sections. Every figure carries its n or its
 * interval, and "—" marks a figure that cannot be computed.
 *
 * @module
 */
import type { ArmComparison } from "../stats/compare_arms.ts";

import type { PairwiseTest } from "../stats/pairwise_tests.ts";
import type { Percentile } from "../stats/quantile.ts";
import type { DimensionStatistics } from "../stats/rating_stats.ts";
import { formatP } from "../stats/winner.ts";
import type { ReportSection } from "./build_report.ts";
import { escapeCell, escapeInline, formatCount, formatMs, formatUsd } from "./format.ts";
import type { StatsData } from "./stats_sections.ts";

/**
 * Renders the statistics sections in report order: recommendation, variant
 * performance with intervals, pairwise comparisons, ranking, traffic split
 * check, and methods and assumptions.
 *
 * @param data Computed statistics.
 * @returns Sections with Markdown and the data behind each.
 */
export function renderStatsSections(data: StatsData): ReportSection[] {
  return [
    {
      id: "recommendation",
      title: "Recommendation",
      markdown: recommendation(data),
      data: { version: data.version, recommendation: data.recommendation, winners: data.winners },
    },
    {
      id: "variant-intervals",
      title: "Variant performance with intervals",
      markdown: variantIntervals(data),
      data: { version: data.version, confidence: data.confidence, arms: data.arms },
    },
    {
      id: "pairwise",
      title: "Pairwise comparisons",
      markdown: pairwise(data),
      data: {
        version: data.version,
        correction: data.correction,
        alpha: data.alpha,
        tests: data.tests,
        latency: data.latency,
        cost: data.cost,
      },
    },
    {
      id: "ranking",
      title: "Ranking",
      markdown: ranking(data),
      data: {
        version: data.version,
        rankings: data.ratings.dimensions.map((d) => ({ dimension: d.dimension, ...d.ranking })),
      },
    },
    {
      id: "srm",
      title: "Traffic split check (SRM)",
      markdown: srm(data),
      data: { version: data.version, ...data.srm },
    },
    {
      id: "methods",
      title: "Methods and assumptions",
      markdown: [
        "Methods:",
        "",
        ...data.methods.map((line) => `- ${line}`),
        "",
        "Assumptions and limits:",
        "",
        ...data.assumptions.map((line) => `- ${line}`),
      ].join("\n"),
      data: { version: data.version, methods: data.methods, assumptions: data.assumptions },
    },
  ];
}

function recommendation(data: StatsData): string {
  const lines = [`**${escapeInline(data.recommendation)}**`, ""];
  lines.push("| Metric | Winner | Leader by estimate | Corrected p | Verdict |");
  lines.push("| --- | --- | --- | ---: | --- |");
  for (const winner of data.winners) {
    const cells = [
      winner.metric,
      winner.arm_id === null ? "none" : code(winner.arm_id),
      winner.leader === null ? "—" : code(winner.leader),
      winner.p_value === null || winner.p_value === undefined ? "—" : formatP(winner.p_value),
      escapeCell(winner.statement),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  lines.push("", srmStatusLine(data));
  return lines.join("\n");
}

function variantIntervals(data: StatsData): string {
  const level = `${Math.round(data.confidence * 100)}% CI`;
  const quality = data.ratings.dimensions.find((d) => d.dimension === data.quality_dimension);
  const lines = [
    `| Arm | Latency n | p50 [${level}] | p95 | p99 | Cost n | Mean cost per call [${level}] | ` +
    `Win rate${
      quality ? ` (${escapeCell(quality.dimension)})` : ""
    } [${level}] | Both bad | Strength [${level}] | Rank |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const warnings: string[] = [];
  for (const arm of data.arms) {
    const rate = quality?.arms.find((a) => a.arm_id === arm.arm_id);
    const ranked = quality?.ranking.arms.find((a) => a.arm_id === arm.arm_id);
    const [, p95, p99] = arm.latency_percentiles;
    for (const percentile of arm.latency_percentiles) {
      if (percentile.warning && percentile.n > 0) {
        warnings.push(`${code(arm.arm_id)}: ${percentile.warning}`);
      }
    }
    const cells = [
      code(arm.arm_id),
      formatCount(arm.latency_n),
      `${ms(arm.latency_median.estimate)} ${interval(arm.latency_median.ci, ms)}`,
      percentileCell(p95),
      percentileCell(p99),
      formatCount(arm.cost_n),
      `${usd(arm.cost_mean.estimate)} ${interval(arm.cost_mean.ci, usd)}`,
      rate ? `${number(rate.win_rate)} ${interval(rate.win_rate_ci, number)} (n=${rate.n})` : "—",
      rate ? formatCount(rate.both_bad) : "—",
      ranked?.strength_ci
        ? `${number(ranked.strength)} ${interval(ranked.strength_ci, number)}`
        : "—",
      ranked?.rank === null || ranked?.rank === undefined ? "—" : String(ranked.rank),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  lines.push(
    "",
    "Latency in ms over successful calls not served from cache, and cost in USD over calls " +
      "with a known cost. Win rate counts ties as half a win and leaves both-bad verdicts out; " +
      "“—” marks a figure with no data (an arm without ratings has no win rate, not 0.5).",
  );
  if (warnings.length > 0) {
    lines.push("", "† Small sample:", "", ...warnings.map((warning) => `- ${warning}`));
  }
  return lines.join("\n");
}

function pairwise(data: StatsData): string {
  const name = data.correction === "holm" ? "Holm" : "Benjamini-Hochberg";
  const tested = data.tests.filter((test) => !Number.isNaN(test.p_value)).length;
  const lines = [
    `${tested} pairwise tests with data, corrected together (${name}). Significant means ` +
    `corrected p < ${data.alpha}.`,
    "",
    data.pairing,
  ];

  for (const dimension of data.ratings.dimensions) {
    if (dimension.verdicts === 0) continue;
    lines.push(
      "",
      `### Quality: ${escapeInline(dimension.dimension)}`,
      "",
      ...winMatrix(dimension),
    );
    lines.push("", "| A | B | W-L-T | Both bad | Win rate of A [CI] | p | Corrected p |");
    lines.push("| --- | --- | --- | ---: | ---: | ---: | ---: |");
    for (const pair of dimension.pairs) {
      if (pair.n + pair.both_bad === 0) continue;
      const test = data.tests.find((t) =>
        t.metric === "quality" && t.dimension === dimension.dimension &&
        t.arm_a === pair.arm_a && t.arm_b === pair.arm_b
      );
      const cells = [
        code(pair.arm_a),
        code(pair.arm_b),
        `${pair.wins}-${pair.losses}-${pair.ties}`,
        String(pair.both_bad),
        `${number(pair.win_rate)} ${interval(pair.win_rate_ci, number)}`,
        formatP(pair.p_value),
        correctedCell(test),
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
  lines.push(...comparisonTable("Latency", data.latency, data, ms));
  lines.push(...comparisonTable("Cost per call", data.cost, data, usd));
  lines.push("", "\\* significant after correction.");
  return lines.join("\n");
}

/** Renders the win rate of each row arm against each column arm. */
function winMatrix(dimension: DimensionStatistics): string[] {
  const arms = dimension.arms.map((arm) => arm.arm_id);
  const lines = [
    "Win rate of the row arm against the column arm (ties as half), with n:",
    "",
    `| | ${arms.map(code).join(" | ")} |`,
    `| --- |${arms.map(() => " ---: |").join("")}`,
  ];
  for (const row of arms) {
    const cells = arms.map((column) => {
      if (row === column) return "—";
      const pair = dimension.pairs.find((p) =>
        (p.arm_a === row && p.arm_b === column) || (p.arm_a === column && p.arm_b === row)
      );
      if (!pair || pair.n === 0) return "—";
      const rate = pair.arm_a === row ? pair.win_rate : 1 - pair.win_rate;
      return `${number(rate)} (n=${pair.n})`;
    });
    lines.push(`| ${code(row)} | ${cells.join(" | ")} |`);
  }
  return lines;
}

function comparisonTable(
  title: string,
  comparisons: readonly ArmComparison[],
  data: StatsData,
  format: (value: number | null) => string,
): string[] {
  if (comparisons.length === 0) return [];
  const metric = title === "Latency" ? "latency" : "cost";
  const lines = [
    "",
    `### ${title}`,
    "",
    "Differences are A minus B.",
    "",
    "| A | B | n | Median difference [CI] | p95 difference [CI] | Mean difference (Welch p) | Test | p | Corrected p |",
    "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
  ];
  for (const c of comparisons) {
    const test = data.tests.find((t) =>
      t.metric === metric && t.arm_a === c.arm_a && t.arm_b === c.arm_b
    );
    const cells = [
      code(c.arm_a),
      code(c.arm_b),
      c.paired ? `${c.n_pairs} pairs` : `${c.n_a} / ${c.n_b}`,
      `${format(c.median_difference.estimate)} ${interval(c.median_difference.ci, format)}`,
      `${format(c.p95_difference.estimate)} ${interval(c.p95_difference.ci, format)}`,
      `${format(c.welch.mean_difference)} (${formatP(c.welch.p_value)})`,
      c.test === "wilcoxon-signed-rank"
        ? `Wilcoxon, paired (${c.test_method})`
        : `Mann-Whitney (${c.test_method})`,
      formatP(c.p_value),
      correctedCell(test),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines;
}

function ranking(data: StatsData): string {
  const lines: string[] = [];
  for (const dimension of data.ratings.dimensions) {
    if (dimension.verdicts === 0) continue;
    const fit = dimension.ranking;
    // By rank, then by strength within a shared rank; arms without comparisons go last.
    const ranked = [...fit.arms].sort((a, b) =>
      (a.rank ?? Infinity) - (b.rank ?? Infinity) ||
      (b.strength ?? -Infinity) - (a.strength ?? -Infinity)
    );
    lines.push(
      `### ${escapeInline(dimension.dimension)}`,
      "",
      `| Rank | Arm | Strength [${
        Math.round(fit.confidence * 100)
      }% CI] | Comparisons | Tied with |`,
      "| ---: | --- | ---: | ---: | --- |",
    );
    for (const arm of ranked) {
      const cells = [
        arm.rank === null ? "—" : String(arm.rank),
        code(arm.arm_id),
        arm.strength_ci
          ? `${number(arm.strength)} ${interval(arm.strength_ci, number)}`
          : "no comparisons",
        formatCount(arm.comparisons),
        arm.tied_with.length === 0 ? "—" : arm.tied_with.map(code).join(", "),
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    }
    lines.push(
      "",
      `Strength is the log of the Bradley-Terry worth, mean 0; tie parameter ν = ${
        number(fit.nu)
      }.`,
    );
    if (fit.nu === Infinity) {
      lines.push("Every verdict was a tie, so ν is infinite and all strengths are equal.");
    } else if (!fit.mle_exists) {
      lines.push(
        `The maximum likelihood estimate does not exist for these verdicts (an arm never lost ` +
          `or never won), so strengths come from a fit with ridge penalty λ = ${fit.penalty}.`,
      );
    }
    lines.push("");
  }
  return lines.length === 0
    ? "No ratings yet, so there is no ranking."
    : lines.join("\n").trimEnd();
}

function srm(data: StatsData): string {
  const check = data.srm;
  if (!check.applicable) return check.reason;
  const lines = [
    srmStatusLine(data),
    "",
    "| Arm | Observed cases | Expected cases |",
    "| --- | ---: | ---: |",
    ...Object.keys(check.observed).map((arm) =>
      `| ${code(arm)} | ${formatCount(check.observed[arm]!)} | ${number(check.expected[arm]!, 1)} |`
    ),
    "",
    `Chi-square = ${number(check.chi_square)}, df = ${check.df}, p = ${formatP(check.p_value)}.`,
    "",
    "Split mode assigns cases to arms in fixed quotas set by the weights, so this check cannot " +
    "detect a biased assignment; it detects results that are missing or lost, such as calls " +
    "never made, failed writes or dropped rows.",
  ];
  return lines.join("\n");
}

function srmStatusLine(data: StatsData): string {
  const check = data.srm;
  if (!check.applicable) return "Traffic split check: not applicable (factorial mode).";
  if (Number.isNaN(check.p_value)) return "Traffic split check: no results yet.";
  if (check.mismatch) {
    return `**Traffic split check failed** (p = ${formatP(check.p_value)}): arms did not receive ` +
      "traffic in the configured ratio, so the comparison is not trustworthy.";
  }
  return `Traffic split check passed (p = ${formatP(check.p_value)}).`;
}

/** Formats a percentile, marked with † when its sample is too small. */
function percentileCell(percentile: Percentile | undefined): string {
  if (!percentile) return "—";
  const mark = percentile.warning ? " †" : "";
  return ms(percentile.value) + mark;
}

/** Formats a corrected p-value, marked with * when significant. */
function correctedCell(test: PairwiseTest | undefined): string {
  if (!test) return "—";
  const mark = test.significant ? " *" : "";
  return formatP(test.p_adjusted) + mark;
}

function code(text: string): string {
  return `\`${text.replaceAll("`", "'").replaceAll("|", "\\|")}\``;
}

function number(value: number | null, digits = 3): string {
  if (value === null || !Number.isFinite(value)) return value === Infinity ? "∞" : "—";
  return value.toFixed(digits);
}

function ms(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "—" : formatMs(value);
}

function usd(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return value < 0 ? `-${formatUsd(-value)}` : formatUsd(value);
}

function interval(ci: readonly [number, number], format: (value: number | null) => string): string {
  if (!Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return "";
  return `[${format(ci[0])}, ${format(ci[1])}]`;
}
