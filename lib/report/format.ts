/**
 * Number and text formatting shared by report statements and the Markdown
 * renderer, so a figure reads the same in both.
 *
 * @module
 */
import { roundStatistic } from "../stats/quantile.ts";

/**
 * Format milliseconds with one decimal, or an em dash when missing. The value
 * is first rounded to 12 significant digits, so 969.85 and 969.8499999999999
 * from two quantile implementations print the same.
 */
export function formatMs(value: number | null): string {
  return value === null ? "—" : `${roundStatistic(value).toFixed(1)} ms`;
}

/** Format a rate, such as output tokens per second, with one decimal, or an em dash when missing. */
export function formatRate(value: number | null): string {
  return value === null ? "—" : roundStatistic(value).toFixed(1);
}

/**
 * Format US dollars in fixed notation: cents for amounts of at least $1,
 * otherwise at least four decimals and three significant digits, because LLM
 * calls often cost fractions of a cent ($0.0123, $0.000000705).
 */
export function formatUsd(value: number | null): string {
  if (value === null) return "—";
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

/** Significant digits shown for amounts below $1. */
const SIGNIFICANT_USD_DIGITS = 3;

/** Decimals at most: 12 reach $0.000000000001, far below any per-call price. */
const MAX_USD_DECIMALS = 12;

/** Format a count with thousands separators. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** Format a share in [0, 1] as a percentage with one decimal. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A Markdown line ending: CR LF, LF or a lone CR, which CommonMark also ends a line at. */
const LINE_BREAK = /\r\n|\r|\n/g;

/** Escape text for a Markdown table cell: pipes, backslashes and line breaks. */
export function escapeCell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll(LINE_BREAK, " ");
}

/** Escape text for Markdown inline content, so names cannot open emphasis, links or HTML. */
export function escapeInline(text: string): string {
  return text.replaceAll(/([\\`*_[\]<>#|])/g, "\\$1").replaceAll(LINE_BREAK, " ");
}
