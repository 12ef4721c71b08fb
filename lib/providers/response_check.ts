/**
 * Checks a provider's response before the engine builds a result row from it.
 *
 * Servers that speak the OpenAI wire format are not all strict: one may
 * report `prompt_tokens: -1`, a fractional count or a number as a string.
 * Such a response becomes a failed attempt with a message that names the
 * field, instead of a row the store would reject.
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

/**
 * Returns `response` when every field has the type a result row needs, so
 * callers can write it without validating the row again.
 *
 * @param response What the provider returned.
 * @param source Provider and model, for the message, such as `openai model gpt-4o-mini`.
 * @throws {ProviderError} Not retryable, code `invalid_response`, naming the
 *   first field that is wrong and its value.
 */
export function checkResponse(response: CallResponse, source: string): CallResponse {
  const problem = findProblem(response);
  if (problem === undefined) return response;
  throw new ProviderError(
    `${source}: malformed response: ${problem}; ` +
      "check the server's response format, or the provider's mapping if it is a custom provider",
    { code: "invalid_response", retryable: false },
  );
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
  if (typeof usage !== "object" || usage === null) {
    return `usage is ${describe(usage)}, expected an object`;
  }
  for (const field of USAGE_FIELDS) {
    const value = usage[field];
    if (value !== null && !(isNonNegative(value) && Number.isInteger(value))) {
      return `usage.${field} is ${describe(value)}, expected a whole number >= 0 or null`;
    }
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
