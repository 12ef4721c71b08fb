/**
 * Number and text formatting shared by report statements and the Markdown
 * renderer, so a figure reads the same in both.
 *
 * @module
 */

/** Format milliseconds with one decimal, or an em dash when missing. */
export function formatMs(value: number | null): string {
  return value === null ? "—" : `${value.toFixed(1)} ms`;
}

/**
 * Format US dollars: cents for amounts of at least $1, three significant
 * digits below that (LLM calls often cost fractions of a cent).
 */
export function formatUsd(value: number | null): string {
  if (value === null) return "—";
  if (value === 0) return "$0";
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  return `$${value.toPrecision(3)}`;
}

/** Format a count with thousands separators. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** Format a share in [0, 1] as a percentage with one decimal. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Escape text for a Markdown table cell: pipes, backslashes and line breaks. */
export function escapeCell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

/** Escape text for Markdown inline content, so names cannot open emphasis, links or HTML. */
export function escapeInline(text: string): string {
  return text.replaceAll(/([\\`*_[\]<>#|])/g, "\\$1").replaceAll(/\r?\n/g, " ");
}
