/**
 * Markdown of the report's Errors section: why calls failed, per arm.
 *
 * @module
 */
import type { ArmErrorSummary } from "../schema/mod.ts";
import { escapeCell, escapeInline, formatCount } from "./format.ts";

/** Characters of an error message shown in report.md; report.json stores the message in full. */
export const MAX_MESSAGE_CHARACTERS = 200;

/**
 * Renders the failed calls of each arm with errors as a table of error
 * classes and messages, or nothing when no call failed. Messages come from
 * servers, so they are cut to {@linkcode MAX_MESSAGE_CHARACTERS} characters and
 * escaped, and cannot break the table or add Markdown or HTML.
 *
 * @param errors The report's `errors` field.
 * @returns Lines of the section with its heading, or no lines.
 */
export function errorsSection(errors: readonly ArmErrorSummary[]): string[] {
  const failing = errors.filter((arm) => arm.errors > 0);
  if (failing.length === 0) return [];

  const lines = [
    "## Errors",
    "",
    "Failed calls by error class and message, counting each call once by its final result, " +
    "so a call that succeeded on a retry is not counted. Each arm lists its most frequent " +
    `errors and sums the rest. Messages are cut at ${MAX_MESSAGE_CHARACTERS} characters, and ` +
    "report.json stores them in full.",
    "",
    "| Arm | Error class | Message | Calls |",
    "| --- | --- | --- | ---: |",
  ];
  for (const arm of failing) {
    const name = `\`${escapeCell(arm.arm_id)}\``;
    for (const error of arm.most_frequent) {
      const message = error.error_message === null || error.error_message === ""
        ? "—"
        : escapeInline(cutMessage(error.error_message));
      lines.push(
        `| ${name} | ${escapeInline(error.error_class)} | ${message} | ${formatCount(error.n)} |`,
      );
    }
    if (arm.other_n > 0) {
      const kinds = arm.other_kinds === 1
        ? "1 other class or message"
        : `${formatCount(arm.other_kinds)} other classes or messages`;
      lines.push(`| ${name} | other | ${kinds} | ${formatCount(arm.other_n)} |`);
    }
  }
  return lines;
}

/** Cuts a message to `MAX_MESSAGE_CHARACTERS` code points, marking a cut with an ellipsis. */
function cutMessage(message: string): string {
  const characters = [...message.trim()];
  if (characters.length <= MAX_MESSAGE_CHARACTERS) return characters.join("");
  return `${characters.slice(0, MAX_MESSAGE_CHARACTERS).join("").trimEnd()}…`;
}
