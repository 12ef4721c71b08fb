/**
 * The tests index table.
 *
 * @module
 */
import { formatCount, formatTime, formatUsd } from "./format.js";
import { relativeLink, textElement, textTable } from "./text.js";

/**
 * Builds a status badge; the status text is also its class suffix, limited
 * to the five lifecycle states.
 *
 * @param {string} status
 * @returns {HTMLElement}
 */
export function statusBadge(status) {
  const known = ["draft", "running", "paused", "completed", "failed"];
  const badge = textElement("span", status, "ablab-badge");
  if (known.includes(status)) badge.classList.add(`ablab-status-${status}`);
  return badge;
}

/**
 * Builds the index table, or a note on how to make a first run when there
 * is no test.
 *
 * @param {import("../../loaders/tests_index.ts").TestIndexRow[]} rows
 * @returns {HTMLElement}
 */
export function testsIndexView(rows) {
  if (rows.length === 0) {
    const note = document.createElement("p");
    note.append(
      "No test found. Run one with ",
      textElement("code", "deno task run examples/support-tone.yaml"),
      " and rebuild the site with ",
      textElement("code", "deno task site"),
      ".",
    );
    return note;
  }

  return textTable(rows, [
    {
      label: "Test",
      value: (row) => row.name,
      render: (row) => {
        const cell = document.createElement("span");
        cell.append(relativeLink(`./tests/${encodeURIComponent(row.id)}/index.html`, row.name));
        cell.append(document.createElement("br"), textElement("small", row.id, "ablab-muted"));
        return cell;
      },
    },
    { label: "Status", value: (row) => row.status, render: (row) => statusBadge(row.status) },
    {
      label: "Arms",
      value: (row) => row.arms.length,
      render: (row) => {
        const cell = textElement("span", formatCount(row.arms.length));
        cell.title = row.arms.join("\n");
        return cell;
      },
      numeric: true,
    },
    {
      label: "Calls",
      value: (row) => `${formatCount(row.calls)} / ${formatCount(row.planned_calls)}`,
      numeric: true,
    },
    { label: "Errors", value: (row) => formatCount(row.errors), numeric: true },
    {
      label: "Call cost",
      value: (row) => `${formatUsd(row.cost_usd)}${row.simulated ? " (simulated)" : ""}`,
      numeric: true,
    },
    { label: "Judge cost", value: judgeCost, numeric: true },
    { label: "Last change", value: (row) => formatTime(row.last_change_at) },
    {
      label: "Winner",
      value: (row) =>
        row.winners.length === 0
          ? row.has_report ? "none significant" : "no report yet"
          : row.winners.map((w) => `${w.metric}: ${w.arm_id}`).join(", "),
    },
  ], {
    className: "ablab-table ablab-index",
    caption: "Call cost sums the test's model calls with a known price. Judge cost sums the " +
      'LLM judge\'s rating calls, and "no judge" means no judge rated the test.',
  });
}

/** Formats the judge cost; "+ n unknown" marks ratings whose cost was not recorded. */
export function judgeCost(row) {
  if (row.judge_cost_usd === null || row.judge_cost_usd === undefined) return "no judge";
  const unknown = row.judge_cost_unknown > 0
    ? ` + ${formatCount(row.judge_cost_unknown)} unknown`
    : "";
  return `${formatUsd(row.judge_cost_usd)}${unknown}`;
}
