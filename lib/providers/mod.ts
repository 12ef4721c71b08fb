/**
 * Providers: the interface, the simulated provider, the price table and the
 * registry that picks a provider for a model.
 *
 * @module
 */
export * from "./provider.ts";
export * from "./errors.ts";
export * from "./tokens.ts";
export * from "./prices.ts";
export * from "./pricing.ts";
export * from "./simulated.ts";
export * from "./registry.ts";
