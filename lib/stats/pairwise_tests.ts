/**
 * The family of pairwise tests in a report, corrected together for multiple
 * comparisons.
 *
 * @module
 */
import type { ArmComparison, Identical } from "./compare_arms.ts";
import { adjustPValues, type CorrectionMethod } from "./multiple_comparisons.ts";
import type { RatingStatistics } from "./rating_stats.ts";

/** Metrics a winner can be named for. */
export type Metric = "quality" | "cost" | "latency";

/** Significance level applied to corrected p-values. */
export const DEFAULT_SIGNIFICANCE = 0.05;

/** One pairwise test with its raw and corrected p-values. */
export interface PairwiseTest {
  metric: Metric;
  /** Rating dimension for quality tests; null for latency and cost. */
  dimension: string | null;
  arm_a: string;
  arm_b: string;
  /** Name of the test, for example "exact sign test" or "Mann-Whitney U (asymptotic)". */
  test: string;
  /** Quality: win rate of arm_a with ties as half. Latency and cost: median of arm_a minus median of arm_b. */
  estimate: number;
  /** Arm with the better point estimate; null when they are equal or there is no data. */
  better: string | null;
  p_value: number;
  /** p-value after correction over every test in the family; NaN when the test could not run. */
  p_adjusted: number;
  /** True when `p_adjusted` is below the significance level. */
  significant: boolean;
  /**
   * Reason the data cannot show a difference between the arms: `all-values`
   * and `matched-cases` as in `ArmComparison.identical`, `no-decisive-verdict`
   * when every quality verdict was a tie or both bad. Null when they can.
   */
  no_difference: NoDifference | null;
}

/** Reason a pairwise test cannot tell two arms apart; see `PairwiseTest.no_difference`. */
export type NoDifference = Identical | "no-decisive-verdict";

/** Inputs of `collectPairwiseTests`. */
export interface PairwiseTestInputs {
  ratings?: RatingStatistics;
  latency?: readonly ArmComparison[];
  cost?: readonly ArmComparison[];
}

/** Options of `collectPairwiseTests`. */
export interface PairwiseTestOptions {
  /** Correction over the whole family. Default "holm". */
  correction?: CorrectionMethod;
  /** Level for `significant`. Default 0.05. */
  alpha?: number;
}

/**
 * Collects every pairwise test of a report (quality per rating dimension,
 * latency and cost) and corrects their p-values as one family. For latency
 * and cost, lower is better.
 *
 * @param inputs Rating statistics and between-arm comparisons.
 * @param options Correction method and significance level.
 * @returns The tests with corrected p-values, quality first.
 */
export function collectPairwiseTests(
  inputs: PairwiseTestInputs,
  options: PairwiseTestOptions = {},
): PairwiseTest[] {
  const alpha = options.alpha ?? DEFAULT_SIGNIFICANCE;
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`Invalid alpha ${alpha}: expected a number in (0, 1).`);
  }

  const tests: Omit<PairwiseTest, "p_adjusted" | "significant">[] = [];
  for (const dimension of inputs.ratings?.dimensions ?? []) {
    for (const pair of dimension.pairs) {
      let better: string | null = null;
      if (pair.wins > pair.losses) better = pair.arm_a;
      else if (pair.losses > pair.wins) better = pair.arm_b;
      tests.push({
        metric: "quality",
        dimension: dimension.dimension,
        arm_a: pair.arm_a,
        arm_b: pair.arm_b,
        test: "exact sign test (binomial, ties and both-bad left out)",
        estimate: pair.win_rate,
        better,
        p_value: pair.p_value,
        no_difference: pair.decisive_n === 0 && pair.n + pair.both_bad > 0
          ? "no-decisive-verdict"
          : null,
      });
    }
  }
  for (
    const [metric, comparisons] of [["latency", inputs.latency], ["cost", inputs.cost]] as const
  ) {
    for (const comparison of comparisons ?? []) {
      const difference = comparison.median_difference.estimate;
      let better: string | null = null;
      if (difference < 0) better = comparison.arm_a;
      else if (difference > 0) better = comparison.arm_b;
      tests.push({
        metric,
        dimension: null,
        arm_a: comparison.arm_a,
        arm_b: comparison.arm_b,
        test: comparison.test === "wilcoxon-signed-rank"
          ? `Wilcoxon signed-rank, paired by case (${comparison.test_method})`
          : `Mann-Whitney U (${comparison.test_method})`,
        estimate: difference,
        better,
        p_value: comparison.p_value,
        no_difference: comparison.identical,
      });
    }
  }

  const method = options.correction ?? "holm";
  const adjusted = adjustPValues(tests.map((test) => test.p_value), { method });
  return tests.map((test, k) => ({
    ...test,
    p_adjusted: adjusted[k]!,
    significant: adjusted[k]! < alpha,
  }));
}
