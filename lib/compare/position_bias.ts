/**
 * Position bias: how often the left side (A) wins among decisive verdicts,
 * per rater kind. Sides are assigned at random and balanced, so an unbiased
 * rater's left-win rate is near 0.5.
 *
 * @module
 */
import type { Choice, Rating } from "../schema/mod.ts";
import { latestRatings } from "../stats/latest_ratings.ts";
import { parseJudgeComment } from "./judge_prompt.ts";

/** A person, or an LLM judge (rater id `judge:<model>`). */
export type RaterKind = "human" | "judge";

/** Left-win rate of one rater kind. */
export interface PositionBias {
  rater_kind: RaterKind;
  /**
   * `ratings` counts stored verdicts. `judge_single_order` counts the judge's
   * verdicts on each presentation order before the two orders are combined,
   * which is where a judge's own position bias shows.
   */
  source: "ratings" | "judge_single_order";
  /** Verdicts that picked a side (A or B); ties and both_bad are left out. */
  decisive_n: number;
  left_wins: number;
  /** Share of decisive verdicts won by the left side; null when there are none. */
  left_win_rate: number | null;
  /** 95% Wilson score interval of the rate. */
  ci_low: number | null;
  ci_high: number | null;
  /** Exact two-sided binomial test against 0.5. */
  p_value: number | null;
}

/** Classify a rater id: `judge:` ids are LLM judges, every other id is a person. */
export function raterKind(raterId: string): RaterKind {
  return raterId.startsWith("judge:") ? "judge" : "human";
}

/**
 * Measure position bias over all dimensions' verdicts, per rater kind, and
 * for judges also over their single-order verdicts. Only each rater's latest
 * rating of a pair counts, the same input rule as the win rates.
 *
 * @param ratings Stored ratings of one test.
 * @returns One row per rater kind that has ratings, then the judge's single-order row if any.
 */
export function positionBias(ratings: readonly Rating[]): PositionBias[] {
  const tallies = new Map<
    string,
    { kind: RaterKind; source: PositionBias["source"]; a: number; b: number }
  >();
  const tally = (kind: RaterKind, source: PositionBias["source"], choice: Choice | undefined) => {
    const key = `${kind}/${source}`;
    const entry = tallies.get(key) ?? { kind, source, a: 0, b: 0 };
    if (choice === "A") entry.a++;
    if (choice === "B") entry.b++;
    tallies.set(key, entry);
  };

  for (const rating of latestRatings(ratings)) {
    const kind = raterKind(rating.rater_id);
    for (const choice of Object.values(rating.choices)) tally(kind, "ratings", choice);
    if (kind !== "judge") continue;

    // Each presentation order's raw verdict is in that order's own terms: A was shown left.
    const orders = parseJudgeComment(rating.comment);
    if (orders === undefined) continue;
    for (const choice of Object.values(orders.ab)) tally(kind, "judge_single_order", choice);
    for (const choice of Object.values(orders.ba)) tally(kind, "judge_single_order", choice);
  }

  const order = ["human/ratings", "judge/ratings", "judge/judge_single_order"];
  return order.flatMap((key) => {
    const entry = tallies.get(key);
    if (entry === undefined) return [];
    const n = entry.a + entry.b;
    const [low, high] = n === 0 ? [null, null] : wilsonInterval(entry.a, n);
    return [{
      rater_kind: entry.kind,
      source: entry.source,
      decisive_n: n,
      left_wins: entry.a,
      left_win_rate: n === 0 ? null : entry.a / n,
      ci_low: low,
      ci_high: high,
      p_value: n === 0 ? null : binomialTwoSided(entry.a, n),
    }];
  });
}

/** 95% Wilson score interval for `successes` out of `n` (n > 0). */
function wilsonInterval(successes: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = successes / n;
  const denominator = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Exact two-sided binomial p-value against p = 0.5: the probability of an
 * outcome no more likely than the observed one.
 */
function binomialTwoSided(successes: number, n: number): number {
  // log C(n, k) from cumulative log factorials; n stays in the thousands for ratings.
  const logFactorial = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) logFactorial[i] = logFactorial[i - 1]! + Math.log(i);
  const logPmf = (k: number) =>
    logFactorial[n]! - logFactorial[k]! - logFactorial[n - k]! - n * Math.LN2;

  const observed = logPmf(successes);
  let p = 0;
  for (let k = 0; k <= n; k++) {
    const value = logPmf(k);
    // Relative tolerance so that the mirrored outcome counts despite rounding.
    if (value <= observed + 1e-9) p += Math.exp(value);
  }
  return Math.min(1, p);
}
