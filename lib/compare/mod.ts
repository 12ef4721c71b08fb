/**
 * Blind pairwise comparisons: pairing, the blind view raters see, the LLM
 * judge, position bias and agreement between raters.
 *
 * @module
 */
export * from "./pairs.ts";
export * from "./blind.ts";
export * from "./kappa.ts";
export * from "./agreement.ts";
export * from "./position_bias.ts";
export * from "./judge_prompt.ts";
export * from "./judge.ts";
export * from "./report_sections.ts";
