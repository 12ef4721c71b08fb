/**
 * The test lifecycle: `Controller` and the errors its callers branch on.
 *
 * @module
 */
export * from "./controller.ts";
export * from "./errors.ts";
export * from "./transitions.ts";
