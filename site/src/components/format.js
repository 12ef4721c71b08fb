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

/** Formats US dollars; amounts under a cent keep four significant digits. */
export function formatUsd(value) {
  if (!isNumber(value)) return MISSING;
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toPrecision(4)}`;
  return value.toLocaleString("en-US", { style: "currency", currency: "USD" });
}

/** Formats milliseconds, switching to seconds from 10 s. */
export function formatMs(value) {
  if (!isNumber(value)) return MISSING;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value).toLocaleString("en-US")} ms`;
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
