/**
 * The engine: plans a test's calls, allocates traffic, runs the calls with
 * retries, rate limits and a cost budget, and estimates cost before a run.
 *
 * @module
 */
export * from "./allocate.ts";
export * from "./plan.ts";
export * from "./engine.ts";
export * from "./outcome.ts";
export * from "./estimate.ts";
export * from "./retry.ts";
export { type ModelLimiterStats, RateLimiter, type RateLimiterOptions } from "./rate_limit.ts";
export * from "./cache.ts";
