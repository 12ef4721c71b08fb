/**
 * ablab: A/B testing of LLM prompts and models.
 *
 * The public API. Notebooks, the site's data loaders and the CLI import only
 * from here.
 *
 * @module
 */
export * from "./schema/mod.ts";
export * from "./log.ts";
export * from "./store/mod.ts";
export * from "./providers/mod.ts";
export * from "./engine/mod.ts";
export * from "./controller/mod.ts";
export * from "./config/mod.ts";
export * from "./compare/mod.ts";
export * from "./server/mod.ts";
export * from "./stats/mod.ts";
export * from "./stats/aggregate.ts";
export * from "./report/mod.ts";
export * from "./notebook/mod.ts";
