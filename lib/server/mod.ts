/**
 * The HTTP API and site server.
 *
 * @module
 */
export * from "./app.ts";
export * from "./serve.ts";
export { HttpError } from "./http_error.ts";
export type { TestRunner } from "./runs.ts";
