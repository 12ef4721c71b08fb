/**
 * Checks a provider's response before the engine builds a result row from it.
 *
 * Servers that speak the OpenAI wire format are not all strict: one may
 * report `prompt_tokens: -1`, a fractional count or a number as a string.
 * Such a token count is stored as null, which the report counts as not
 * reported, and the output is kept. A response whose other fields are wrong
 * becomes a failed attempt with a message that names the field, instead of a
 * row the store would reject.
 *
 * @module
 */
import type { CallResponse, Usage } from "./provider.ts";
import { ProviderError } from "./provider.ts";

const USAGE_FIELDS = [
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "cached_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
] as const satisfies readonly (keyof Usage)[];

/** A checked response and the token counts that were replaced by null. */
export interface CheckedResponse {
  /** The response, with invalid token counts set to null. */
  response: CallResponse;
  /** One line per replaced count, such as `usage.prompt_tokens is -1, expected ...`. */
  usageProblems: string[];
}

/**
 * Checks that every field has the type a result row needs, so callers can
 * write the row without validating it again.
 *
 * @param response What the provider returned.
 * @param source Provider and model, for the message, such as `openai model gpt-4o-mini`.
 * @returns The response, unchanged unless a token count was invalid.
 * @throws {ProviderError} Not retryable, code `invalid_response`, naming the
 *   first field other than a token count that is wrong, and its value.
 */
export function checkResponse(response: CallResponse, source: string): CheckedResponse {
  const problem = findProblem(response);
  if (problem !== undefined) {
    throw new ProviderError(
      `${source}: malformed response: ${problem}; check the server's response format, ` +
        "or the provider's mapping if it is a custom provider",
      { code: "invalid_response", retryable: false },
    );
  }

  let usage: Usage | undefined;
  const usageProblems: string[] = [];
  for (const field of USAGE_FIELDS) {
    const value = response.usage[field];
    if (value === null || (isNonNegative(value) && Number.isInteger(value))) continue;
    usageProblems.push(`usage.${field} is ${describe(value)}, expected a whole number >= 0`);
    usage ??= { ...response.usage };
    usage[field] = null;
  }
  return { response: usage === undefined ? response : { ...response, usage }, usageProblems };
}

/** Describes the first wrong field, or returns undefined when there is none. */
function findProblem(response: CallResponse): string | undefined {
  if (typeof response !== "object" || response === null) {
    return `the response is ${describe(response)}, expected an object`;
  }
  if (typeof response.output !== "string") {
    return `output is ${describe(response.output)}, expected a string`;
  }
  if (response.finish_reason !== null && typeof response.finish_reason !== "string") {
    return `finish_reason is ${describe(response.finish_reason)}, expected a string or null`;
  }
  if (typeof response.simulated !== "boolean") {
    return `simulated is ${describe(response.simulated)}, expected true or false`;
  }
  for (const field of ["latency_ms", "ttft_ms", "output_tokens_per_s"] as const) {
    const value = response[field];
    if (value !== undefined && value !== null && !isNonNegative(value)) {
      return `${field} is ${describe(value)}, expected a number >= 0 or null`;
    }
  }
  const usage = response.usage;
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) {
    return `usage is ${describe(usage)}, expected an object`;
  }
  return undefined;
}

function isNonNegative(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** Renders a value for a message, with strings quoted and cut at 40 characters. */
function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  }
  if (value === undefined) return "missing";
  if (typeof value === "object" && value !== null) {
    return Array.isArray(value) ? "a list" : "an object";
  }
  return String(value);
}
