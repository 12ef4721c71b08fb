/**
 * Test ids made from an experiment id and the UTC start time.
 *
 * @module
 */
import { ID_PATTERN } from "../mod.ts";

/** Length of the `-YYYYMMDD-HHMMSS` suffix. */
const SUFFIX_LENGTH = 16;
/** Maximum id length allowed by `ID_PATTERN`. */
const MAX_ID_LENGTH = 128;

/**
 * Builds `<experiment id>-YYYYMMDD-HHMMSS` from a UTC time, cutting the
 * experiment id so the result stays within 128 characters.
 *
 * @example
 * ```ts
 * makeTestId("support-tone", new Date("2026-12-04T19:56:22Z")); // "support-tone-20261204-195622"
 * ```
 */
export function makeTestId(experimentId: string, at: Date): string {
  const iso = at.toISOString();
  const suffix = `-${iso.slice(0, 10).replaceAll("-", "")}-${
    iso.slice(11, 19).replaceAll(":", "")
  }`;
  const base = experimentId.slice(0, MAX_ID_LENGTH - SUFFIX_LENGTH);
  return `${base}${suffix}`;
}

/** Reports whether a string is a valid test id. */
export function isValidTestId(id: string): boolean {
  return ID_PATTERN.test(id);
}
