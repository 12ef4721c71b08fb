/**
 * Observable Plot charts of the dashboard. Each function takes the
 * dashboard data (or a part of it) and a width, and returns an element. Arm
 * ids and other labels reach the SVG as text nodes only.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { textElement } from "./text.js";
import { formatInterval, formatMs, formatUsd, isNumber } from "./format.js";

/**
 * Narrowest chart drawn. `resize` can report a tiny width while the page
 * lays out, and a width below the margins would give bars a negative width.
 */
export const MIN_CHART_WIDTH = 360;

/** Builds the short note shown in place of a chart that has no data yet. */
export function emptyChart(message) {
  return textElement("p", message, "ablab-muted ablab-empty");
}

/**
 * Latency histogram per arm, one row per arm on shared bins.
 *
 * @param {{bins: {arm_id: string, x0: number, x1: number, count: number}[], clipped: number, upper_ms: number}} histogram
 * @param {{width: number}} options
 */
export function latencyChart(histogram, { width }) {
  if (histogram.bins.length === 0) return emptyChart("No successful call yet, so no latency.");
  const arms = new Set(histogram.bins.map((bin) => bin.arm_id));
  return Plot.plot({
    width: Math.max(width, MIN_CHART_WIDTH),
    height: 70 + arms.size * 60,
    marginLeft: 50,
    x: { label: "Latency (ms)", domain: [0, histogram.upper_ms] },
    y: { label: "Calls", ticks: 2 },
    fy: { axis: null, padding: 0.25 },
    color: { legend: false },
    caption: histogram.clipped > 0
      ? `${histogram.clipped} slower calls (above ${
        formatMs(histogram.upper_ms)
      }) are counted in the last bin.`
      : undefined,
    marks: [
      Plot.rectY(histogram.bins, {
        x1: "x0",
        x2: "x1",
        y: "count",
        fy: "arm_id",
        fill: "arm_id",
        title: (d) => `${d.arm_id}\n${formatMs(d.x0)} to ${formatMs(d.x1)}: ${d.count} calls`,
      }),
      Plot.ruleY([0]),
      Plot.text(
        [...arms],
        {
          fy: (d) => d,
          text: (d) => d,
          frameAnchor: "top-left",
          dx: 4,
          dy: -6,
          textAnchor: "start",
        },
      ),
    ],
  });
}

/**
 * Cost per 1,000 calls against quality (win rate with ties as half a win,
 * with its interval). Falls back to cost against p50 latency when there is no
 * rating.
 *
 * @param {{arm_id: string, cost_per_1k_calls_usd: number | null, latency_p50_ms: number | null}[]} arms
 * @param {{arm_id: string, win_rate: number, low: number, high: number, n: number}[] | null} quality
 * @param {{width: number}} options
 */
export function costQualityChart(arms, quality, { width }) {
  const byArm = new Map((quality ?? []).map((q) => [q.arm_id, q]));
  const points = arms
    .filter((arm) => isNumber(arm.cost_per_1k_calls_usd))
    .map((arm) => ({ ...arm, quality: byArm.get(arm.arm_id) }));
  if (points.length === 0) return emptyChart("No call with a known cost yet.");

  const rated = points.filter((p) => p.quality && isNumber(p.quality.win_rate));
  if (rated.length === 0) {
    return Plot.plot({
      width: Math.max(width, MIN_CHART_WIDTH),
      height: 300,
      grid: true,
      x: { label: "Cost per 1,000 calls (USD)", zero: true },
      y: { label: "Latency p50 (ms)", zero: true },
      caption: "No ratings yet, so quality is unknown: latency is shown in its place.",
      marks: [
        Plot.dot(points, { x: "cost_per_1k_calls_usd", y: "latency_p50_ms", fill: "arm_id", r: 6 }),
        Plot.text(points, {
          x: "cost_per_1k_calls_usd",
          y: "latency_p50_ms",
          text: "arm_id",
          dy: -12,
        }),
      ],
    });
  }

  return Plot.plot({
    width: Math.max(width, MIN_CHART_WIDTH),
    height: 320,
    grid: true,
    x: { label: "Cost per 1,000 calls (USD)", zero: true },
    y: { label: "Win rate, ties as half (95% interval)", domain: [0, 1] },
    marks: [
      Plot.ruleY([0.5], { stroke: "#999", strokeDasharray: "4 3" }),
      Plot.ruleX(rated, {
        x: "cost_per_1k_calls_usd",
        y1: (d) => d.quality.low,
        y2: (d) => d.quality.high,
        stroke: "arm_id",
      }),
      Plot.dot(rated, {
        x: "cost_per_1k_calls_usd",
        y: (d) => d.quality.win_rate,
        fill: "arm_id",
        r: 6,
        title: (d) =>
          `${d.arm_id}\n${formatUsd(d.cost_per_1k_calls_usd)} per 1,000 calls\nwin rate ${
            formatInterval(d.quality.win_rate, d.quality.low, d.quality.high)
          } over ${d.quality.n} ratings`,
      }),
      Plot.text(rated, {
        x: "cost_per_1k_calls_usd",
        y: (d) => d.quality.win_rate,
        text: "arm_id",
        dy: -12,
      }),
    ],
  });
}

/**
 * Mean prompt and completion tokens per call, stacked per arm.
 *
 * @param {{arm_id: string, prompt_tokens_mean: number | null, completion_tokens_mean: number | null}[]} arms
 * @param {{width: number}} options
 */
export function tokensChart(arms, { width }) {
  const rows = arms.flatMap((arm) => [
    { arm_id: arm.arm_id, kind: "prompt", tokens: arm.prompt_tokens_mean },
    { arm_id: arm.arm_id, kind: "completion", tokens: arm.completion_tokens_mean },
  ]).filter((row) => isNumber(row.tokens));
  if (rows.length === 0) return emptyChart("No token counts reported yet.");

  return Plot.plot({
    width: Math.max(width, MIN_CHART_WIDTH),
    height: 60 + arms.length * 32,
    marginLeft: 160,
    x: { label: "Mean tokens per call", grid: true },
    y: { label: null },
    color: { legend: true, domain: ["prompt", "completion"] },
    marks: [
      Plot.barX(rows, {
        x: "tokens",
        y: "arm_id",
        fill: "kind",
        title: (d) => `${d.arm_id}: ${Math.round(d.tokens)} ${d.kind} tokens per call`,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/**
 * Pairwise win-rate matrix: the cell in row A and column B is A's win rate
 * against B (ties as half a win), labeled with its interval.
 *
 * @param {{arm_a: string, arm_b: string, win_rate: number | null, low: number | null, high: number | null, n: number}[]} cells
 * @param {{width: number}} options
 */
export function winMatrixChart(cells, { width }) {
  const rated = cells.filter((cell) => cell.n > 0);
  if (rated.length === 0) return emptyChart("No ratings yet.");
  const arms = [...new Set(cells.flatMap((cell) => [cell.arm_a, cell.arm_b]))].sort();

  return Plot.plot({
    width: Math.max(width, MIN_CHART_WIDTH),
    height: 80 + arms.length * 48,
    marginLeft: 160,
    marginBottom: 80,
    padding: 0.04,
    x: { label: "Opponent", domain: arms, tickRotate: -25 },
    y: { label: "Arm", domain: arms },
    color: { type: "diverging", pivot: 0.5, domain: [0, 1], scheme: "RdBu", legend: true },
    marks: [
      Plot.cell(rated, {
        x: "arm_b",
        y: "arm_a",
        fill: "win_rate",
        title: (d) =>
          `${d.arm_a} against ${d.arm_b}\nwin rate ${
            formatInterval(d.win_rate, d.low, d.high)
          } over ${d.n} ratings`,
      }),
      Plot.text(rated, {
        x: "arm_b",
        y: "arm_a",
        text: (d) => formatInterval(d.win_rate, d.low, d.high),
        fontSize: 10,
      }),
    ],
  });
}

/**
 * Ranking with intervals: each arm's strength estimate and interval, arms
 * sorted by rank.
 *
 * @param {{arm_id: string, rank: number, estimate: number, low: number | null, high: number | null, tied_with?: string[]}[]} ranking
 * @param {{width: number, label?: string}} options
 */
export function rankingChart(ranking, { width, label = "Strength (95% interval)" }) {
  if (ranking.length === 0) return emptyChart("No ratings yet, so no ranking.");
  const order = [...ranking].sort((a, b) => a.rank - b.rank).map((row) => row.arm_id);
  const withInterval = ranking.filter((row) => isNumber(row.low) && isNumber(row.high));

  return Plot.plot({
    width: Math.max(width, MIN_CHART_WIDTH),
    height: 60 + ranking.length * 36,
    marginLeft: 180,
    x: { label, grid: true },
    y: { label: null, domain: order },
    marks: [
      Plot.ruleY(withInterval, { y: "arm_id", x1: "low", x2: "high", strokeWidth: 2 }),
      Plot.dot(ranking, {
        y: "arm_id",
        x: "estimate",
        r: 5,
        fill: "currentColor",
        title: (d) => `rank ${d.rank}: ${formatInterval(d.estimate, d.low, d.high)}`,
      }),
      Plot.text(ranking, { y: "arm_id", x: "estimate", text: (d) => `#${d.rank}`, dy: -10 }),
    ],
  });
}
