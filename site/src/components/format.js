/**
 * Number formats shared by the pages. Every formatter shows a missing value
 * (null, undefined or NaN) as an en dash, never as 0.
 *
 * @module
 */

const MISSING = "–";

/** True when `value` is a finite number. */
export function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

/** Formats a count with thousands separators. */
export function formatCount(value) {
  return isNumber(value) ? value.toLocaleString("en-US") : MISSING;
}

/** Significant digits shown for amounts below $1, as in the Markdown report. */
const SIGNIFICANT_USD_DIGITS = 3;

/** Decimals at most: 12 reach $0.000000000001, far below any per-call price. */
const MAX_USD_DECIMALS = 12;

/**
 * Formats US dollars in fixed notation by the rule of the Markdown report's
 * `formatUsd` (lib/report/format.ts): cents from $1, otherwise at least four
 * decimals and three significant digits, so $0.0200 and $0.00324 line up in
 * one column. The site keeps its own copy because pages load only browser
 * modules, and a unit test compares the two.
 */
export function formatUsd(value) {
  if (!isNumber(value)) return MISSING;
  if (value === 0) return "$0";
  const sign = value < 0 ? "-" : "";
  const size = Math.abs(value);
  if (size >= 1) return `${sign}$${size.toFixed(2)}`;
  if (size < 10 ** -MAX_USD_DECIMALS) return `${sign}<$${(10 ** -MAX_USD_DECIMALS).toFixed(12)}`;
  const decimals = Math.min(
    MAX_USD_DECIMALS,
    Math.max(4, SIGNIFICANT_USD_DIGITS - 1 - Math.floor(Math.log10(size))),
  );
  return `${sign}$${size.toFixed(decimals)}`;
}

/**
 * Rounds a number to 12 significant digits, the precision of the report's
 * statistics, so binary float noise such as 0.0032430000000000002 is dropped.
 * Integers and non-finite values are returned unchanged.
 */
export function roundSignificant(value) {
  if (!isNumber(value) || Number.isInteger(value)) return value;
  return Number(value.toPrecision(12));
}

/** Formats milliseconds, switching to seconds from 10 s. */
export function formatMs(value) {
  if (!isNumber(value)) return MISSING;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value).toLocaleString("en-US")} ms`;
}

/**
 * Formats a rate, such as output tokens per second, with one decimal after
 * rounding float noise away, as the Markdown report's `formatRate` does.
 */
export function formatRate(value) {
  return isNumber(value) ? roundSignificant(value).toFixed(1) : MISSING;
}

/** Formats a proportion in [0, 1] as a percentage with `digits` decimals. */
export function formatPercent(value, digits = 1) {
  return isNumber(value) ? `${(value * 100).toFixed(digits)}%` : MISSING;
}

/** Formats a p-value, with very small values as "< 0.001". */
export function formatP(value) {
  if (!isNumber(value)) return MISSING;
  return value < 0.001 ? "< 0.001" : value.toFixed(3);
}

/** Formats a point estimate with its interval, as in "0.62 [0.51, 0.72]". */
export function formatInterval(estimate, low, high, digits = 2) {
  if (!isNumber(estimate)) return MISSING;
  const point = estimate.toFixed(digits);
  if (!isNumber(low) || !isNumber(high)) return point;
  return `${point} [${low.toFixed(digits)}, ${high.toFixed(digits)}]`;
}

/** Formats an ISO timestamp as UTC "YYYY-MM-DD HH:MM". */
export function formatTime(iso) {
  if (typeof iso !== "string" || iso === "") return MISSING;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return MISSING;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
