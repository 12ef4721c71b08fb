/**
 * Parts of the test dashboard that are not charts: the header, KPI cards,
 * the per-arm tables and the traffic split (SRM) status.
 *
 * @module
 */
import {
  formatCount,
  formatInterval,
  formatMs,
  formatP,
  formatPercent,
  formatRate,
  formatTime,
  formatUsd,
  isNumber,
} from "./format.js";
import { statusBadge } from "./index_view.js";
import { relativeLink, textElement, textTable } from "./text.js";

/**
 * Sums the per-arm metrics into the test's totals. Cost per 1,000 calls is
 * the total known cost over the calls whose cost is known.
 *
 * @param {import("../../../lib/mod.ts").AggregateMetrics[]} arms
 */
export function totals(arms) {
  const sum = (key) => arms.reduce((total, arm) => total + (arm[key] ?? 0), 0);
  // A token sum that is null in every arm (no call reported it) is shown as missing, not 0.
  const knownSum = (key) => arms.some((arm) => arm[key] != null) ? sum(key) : null;
  const calls = sum("n");
  const errors = sum("errors");
  // An unknown cost is null, never 0.
  const cost = arms.some((arm) => arm.cost_usd_total != null) ? sum("cost_usd_total") : null;
  const knownCostCalls = calls - sum("cost_unknown_n");
  return {
    calls,
    errors,
    error_rate: calls === 0 ? null : errors / calls,
    cost_usd: cost,
    cost_per_1k_calls_usd: cost === null || knownCostCalls === 0
      ? null
      : (cost / knownCostCalls) * 1000,
    cost_unknown_n: sum("cost_unknown_n"),
    prompt_tokens: knownSum("prompt_tokens_sum"),
    completion_tokens: knownSum("completion_tokens_sum"),
    total_tokens: knownSum("total_tokens_sum"),
    simulated_n: sum("simulated_n"),
  };
}

/**
 * Builds the page header: name, id, status, links to the test's other pages,
 * and a simulated-data warning.
 */
export function dashboardHeader(data, { live } = {}) {
  const header = document.createElement("div");
  header.className = "ablab-header";
  const title = textElement("h1", data.test.name);
  title.append(" ", statusBadge(data.state.status));
  header.append(title);

  const meta = textElement("p", "", "ablab-muted");
  meta.append(
    textElement("code", data.test.id),
    ` · ${data.test.mode} traffic · ${data.test.variants.length} variants × ${data.test.models.length} models · ${data.test.cases} cases · seed ${data.test.seed}`,
  );
  header.append(meta);
  if (data.test.description) header.append(textElement("p", data.test.description));

  const nav = document.createElement("p");
  nav.className = "ablab-nav";
  nav.append(
    relativeLink("./report.html", "Report"),
    " · ",
    relativeLink("./compare.html", "Rate outputs"),
    " · ",
    relativeLink("./explore.html", "SQL explorer"),
    " · ",
    relativeLink("../../index.html", "All tests"),
  );
  header.append(nav);

  if (data.simulated) {
    header.append(textElement(
      "p",
      "Simulated: results come from the simulated provider, so latency, tokens and cost are synthetic.",
      "ablab-warning",
    ));
  }
  header.append(textElement(
    "p",
    live ?? `Built from the runs folder at ${formatTime(data.generated_at)}.`,
    "ablab-muted ablab-live-status",
  ));
  return header;
}

function card(label, value, detail) {
  const element = document.createElement("div");
  element.className = "card ablab-kpi";
  element.append(textElement("h2", label), textElement("span", value, "big"));
  if (detail) element.append(textElement("div", detail, "ablab-muted"));
  return element;
}

/** Sample sizes below which a pooled percentile is flagged as rough. */
const ROUGH_BELOW = { p50: 0, p95: 20, p99: 100 };

/**
 * Returns a latency card's value and detail. Pooled percentiles need every
 * latency, which only the build has, so a live dashboard shows the range of
 * the per-arm values instead.
 */
function latencyCard(data, key, label) {
  if (!data.live) {
    const n = data.latency.n;
    const detail = label === "p50"
      ? `n = ${formatCount(n)} successful calls`
      : n < ROUGH_BELOW[label]
      ? `fewer than ${ROUGH_BELOW[label]} values: rough`
      : "";
    return [formatMs(data.latency[`${label}_ms`]), detail];
  }

  const values = data.arms.map((arm) => arm[key]).filter(isNumber);
  if (values.length === 0) return [formatMs(null), "live: no successful call yet"];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const value = low === high ? formatMs(low) : `${formatMs(low)} – ${formatMs(high)}`;
  return [value, "live: range of the per-arm values"];
}

/** Builds the KPI cards: calls, error rate, cost, cost per 1,000 calls, latency and tokens. */
export function kpiCards(data) {
  const t = totals(data.arms);
  const grid = document.createElement("div");
  grid.className = "grid grid-cols-4 ablab-kpis";
  const progress = data.planned_calls > 0 ? t.calls / data.planned_calls : null;
  grid.append(
    card(
      "Calls",
      formatCount(t.calls),
      `of ${formatCount(data.planned_calls)} planned (${formatPercent(progress, 0)})`,
    ),
    card("Error rate", formatPercent(t.error_rate), `${formatCount(t.errors)} failed calls`),
    card(
      "Total cost",
      formatUsd(t.cost_usd),
      t.cost_unknown_n > 0
        ? `${formatCount(t.cost_unknown_n)} calls with unknown price`
        : "all prices known",
    ),
    card(
      "Cost per 1,000 calls",
      formatUsd(t.cost_per_1k_calls_usd),
      "mean over calls with a known cost",
    ),
    card("Latency p50", ...latencyCard(data, "latency_p50_ms", "p50")),
    card("Latency p95", ...latencyCard(data, "latency_p95_ms", "p95")),
    card("Latency p99", ...latencyCard(data, "latency_p99_ms", "p99")),
    card(
      "Tokens",
      formatCount(t.total_tokens),
      `${formatCount(t.prompt_tokens)} prompt · ${formatCount(t.completion_tokens)} completion`,
    ),
  );
  return grid;
}

/** Builds the per-arm metrics table. */
export function armTable(arms) {
  return textTable(arms, [
    { label: "Arm", value: (arm) => arm.arm_id },
    { label: "Calls", value: (arm) => formatCount(arm.n), numeric: true },
    {
      label: "Errors",
      value: (arm) => `${formatCount(arm.errors)} (${formatPercent(arm.error_rate)})`,
      numeric: true,
    },
    { label: "p50", value: (arm) => formatMs(arm.latency_p50_ms), numeric: true },
    { label: "p95", value: (arm) => formatMs(arm.latency_p95_ms), numeric: true },
    { label: "p99", value: (arm) => formatMs(arm.latency_p99_ms), numeric: true },
    { label: "Mean", value: (arm) => formatMs(arm.latency_mean_ms), numeric: true },
    {
      label: "Tokens in / out",
      value: (arm) =>
        `${formatCount(round(arm.prompt_tokens_mean))} / ${
          formatCount(round(arm.completion_tokens_mean))
        }`,
      numeric: true,
    },
    { label: "Cost", value: (arm) => formatUsd(arm.cost_usd_total), numeric: true },
    {
      label: "Per 1,000 calls",
      value: (arm) => formatUsd(arm.cost_per_1k_calls_usd),
      numeric: true,
    },
  ], { caption: "Latency percentiles over successful calls not served from cache." });
}

function round(value) {
  return isNumber(value) ? Math.round(value) : value;
}

/**
 * Formats each arm's time to first token (TTFT) and output speed as table
 * text, or returns null when no arm has a streamed call. `rough` marks a TTFT
 * p95 from fewer than 20 values, the threshold of the latency p95 card.
 *
 * @param {import("../../../lib/mod.ts").AggregateMetrics[]} arms
 */
export function streamingRows(arms) {
  const streamed = arms.some((arm) =>
    (arm.ttft_n ?? 0) > 0 || isNumber(arm.output_tokens_per_s_p50)
  );
  if (!streamed) return null;

  return arms.map((arm) => {
    const p95 = formatMs(arm.ttft_p95_ms);
    const rough = isNumber(arm.ttft_p95_ms) && (arm.ttft_n ?? 0) < ROUGH_BELOW.p95;
    return {
      arm_id: arm.arm_id,
      // A report written before the streaming fields has no ttft_n, shown as missing.
      ttft_n: formatCount(arm.ttft_n),
      ttft_p50: formatMs(arm.ttft_p50_ms),
      ttft_p95: rough ? `${p95} (rough)` : p95,
      output_tokens_per_s: formatRate(arm.output_tokens_per_s_p50),
      rough,
    };
  });
}

/**
 * Builds the streaming table with its heading, or returns null when no arm
 * has a streamed call.
 *
 * @param {import("../../../lib/mod.ts").AggregateMetrics[]} arms
 * @returns {HTMLElement | null}
 */
export function streamingSection(arms) {
  const rows = streamingRows(arms);
  if (rows === null) return null;

  let caption = "Time to first token (TTFT) and output tokens per second after the first " +
    "token, over streamed calls that succeeded and were not served from cache (TTFT n).";
  if (rows.some((row) => row.rough)) {
    caption += ` A rough p95 comes from fewer than ${ROUGH_BELOW.p95} values, so it is ` +
      "close to the sample maximum.";
  }
  const section = document.createElement("div");
  section.className = "ablab-streaming";
  section.append(
    textElement("h3", "Streaming"),
    textTable(rows, [
      { label: "Arm", value: (row) => row.arm_id },
      { label: "TTFT n", value: (row) => row.ttft_n, numeric: true },
      { label: "TTFT p50", value: (row) => row.ttft_p50, numeric: true },
      { label: "TTFT p95", value: (row) => row.ttft_p95, numeric: true },
      {
        label: "Output tokens/s (median)",
        value: (row) => row.output_tokens_per_s,
        numeric: true,
      },
    ], { caption }),
  );
  return section;
}

/** Builds the traffic split (sample ratio mismatch) status. */
export function srmStatus(srm) {
  const box = document.createElement("div");
  if (srm === null) {
    box.append(
      textElement("p", "No results yet, so the traffic split is not checked.", "ablab-muted"),
    );
    return box;
  }
  const verdict = srm.mismatch
    ? `Sample ratio mismatch (p ${
      formatP(srm.p_value)
    } < 0.001): the arms did not get the traffic the weights ask for, so comparisons between them are not trustworthy.`
    : `No sample ratio mismatch (chi-square ${
      isNumber(srm.chi_square) ? srm.chi_square.toFixed(2) : "–"
    }, df ${srm.df}, p ${formatP(srm.p_value)}).`;
  box.append(textElement("p", verdict, srm.mismatch ? "ablab-warning" : "ablab-ok"));
  if (srm.note) box.append(textElement("p", srm.note, "ablab-muted"));
  const rows = Object.keys(srm.observed).map((arm) => ({
    arm,
    observed: srm.observed[arm],
    expected: srm.expected[arm],
  }));
  box.append(textTable(rows, [
    { label: "Arm", value: (row) => row.arm },
    { label: "Observed calls", value: (row) => formatCount(row.observed), numeric: true },
    {
      label: "Expected",
      value: (row) => (isNumber(row.expected) ? row.expected.toFixed(1) : "–"),
      numeric: true,
    },
  ]));
  return box;
}

/** Builds the ranking table that goes with the ranking chart. */
export function rankingTable(ranking) {
  return textTable([...ranking].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99)), [
    { label: "Rank", value: (row) => row.rank ?? "–", numeric: true },
    { label: "Arm", value: (row) => row.arm_id },
    {
      label: "Strength (95% interval)",
      value: (row) => formatInterval(row.estimate, row.low, row.high),
    },
    {
      label: "Tied with",
      value: (row) => (row.tied_with.length > 0 ? row.tied_with.join(", ") : "none"),
    },
    { label: "Comparisons", value: (row) => formatCount(row.comparisons), numeric: true },
  ]);
}
