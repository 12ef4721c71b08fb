/**
 * Statistics for A/B tests of LLM prompts and models: exact percentiles,
 * between-arm tests of latency and cost, win rates and rankings from pairwise
 * ratings, the sample ratio mismatch check, multiple-comparison corrections
 * and the winner analysis.
 *
 * @module
 */
export * from "./special_functions.ts";
export * from "./distributions.ts";
export * from "./random.ts";
export * from "./rank.ts";
export * from "./quantile.ts";
export * from "./bootstrap.ts";
export * from "./mann_whitney.ts";
export * from "./wilcoxon.ts";
export * from "./welch.ts";
export * from "./proportion.ts";
export * from "./multiple_comparisons.ts";
export * from "./srm.ts";
export * from "./power.ts";
export * from "./davidson.ts";
export * from "./bradley_terry.ts";
export * from "./win_rates.ts";
export * from "./latest_ratings.ts";
export * from "./rating_stats.ts";
export * from "./compare_arms.ts";
export * from "./pairwise_tests.ts";
export * from "./winner.ts";
export * from "./simulate_ratings.ts";
export * from "./aggregate.ts";
export * from "./error_summary.ts";
