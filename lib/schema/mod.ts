/**
 * Zod schemas and the types inferred from them.
 *
 * @module
 */
export * from "./experiment.ts";
export * from "./status.ts";
export * from "./result.ts";
export * from "./rating.ts";
export * from "./report.ts";
