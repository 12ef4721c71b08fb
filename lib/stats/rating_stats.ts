/**
 * Statistics from blind pairwise ratings: win rates per arm and per pair of
 * arms, sign tests and a Bradley-Terry ranking, for every rating dimension.
 *
 * @module
 */
import type { Choice, ComparisonPair, Rating } from "../schema/mod.ts";
import { rankArms, type Ranking, type RankingOptions } from "./bradley_terry.ts";
import type { PairOutcome } from "./davidson.ts";
import { latestRatings } from "./latest_ratings.ts";
import { signTest } from "./proportion.ts";
import { emptyCounts, type OutcomeCounts, type WinRate, winRate } from "./win_rates.ts";

/** Key under which a rating's `overall` verdict is reported. */
export const OVERALL_DIMENSION = "overall";

/** Options of `ratingStatistics`. */
export interface RatingStatisticsOptions extends RankingOptions {
  /** Arms to report, in order; arms without ratings get NaN rates. Default: arms named by the pairs. */
  arms?: readonly string[];
  /** Dimensions to report. Default: every dimension in the ratings, then `overall` if present. */
  dimensions?: readonly string[];
}

/** One arm's win rate against all other arms. */
export interface ArmWinRate extends WinRate {
  arm_id: string;
}

/** Verdicts between two arms, from `arm_a`'s point of view, with an exact sign test. */
export interface PairWinRate extends WinRate {
  arm_a: string;
  arm_b: string;
  /** Two-sided exact sign test of wins against losses (ties and both-bad left out); NaN without decisive verdicts. */
  p_value: number;
}

/** Everything computed for one rating dimension. */
export interface DimensionStatistics {
  dimension: string;
  /** Verdicts on this dimension, both-bad included. */
  verdicts: number;
  arms: ArmWinRate[];
  pairs: PairWinRate[];
  ranking: Ranking;
}

/** Rating statistics for every dimension. */
export interface RatingStatistics {
  dimensions: DimensionStatistics[];
  /** Ratings whose comparison pair was found. */
  ratings_used: number;
  /** Ratings whose `comparison_id` matched no pair; they are left out. */
  ratings_unmatched: number;
  /** Ratings left out because the same rater rated the same pair again later. */
  ratings_superseded: number;
}

/**
 * Computes rating statistics from comparison pairs and the ratings on them.
 * Each rater's latest rating of a pair counts as one verdict (see
 * `latestRatings()`), so two raters of the same pair give two verdicts and
 * one rater who rates a pair twice gives one.
 *
 * @param pairs Comparison pairs, giving the arms behind sides A and B.
 * @param ratings Ratings of those pairs.
 * @param options Arms, dimensions, and the ranking bootstrap.
 * @returns Per dimension: win rates per arm and per pair, sign tests and a ranking.
 * @example
 * ```ts
 * const stats = ratingStatistics(pairs, ratings, { arms: ["a/m", "b/m"], seed: 7 });
 * stats.dimensions[0].pairs[0].win_rate;
 * ```
 */
export function ratingStatistics(
  pairs: readonly ComparisonPair[],
  ratings: readonly Rating[],
  options: RatingStatisticsOptions = {},
): RatingStatistics {
  const pairById = new Map(pairs.map((pair) => [pair.id, pair]));
  const arms = [...(options.arms ?? uniqueArms(pairs))];
  const armIndex = new Map(arms.map((arm, k) => [arm, k]));
  const dimensions = [...(options.dimensions ?? listDimensions(ratings))];

  const counted = latestRatings(ratings);
  const matched: { pair: ComparisonPair; rating: Rating }[] = [];
  for (const rating of counted) {
    const pair = pairById.get(rating.comparison_id);
    if (pair) matched.push({ pair, rating });
  }
  for (const { pair } of matched) {
    for (const arm of [pair.arm_a, pair.arm_b]) {
      if (!armIndex.has(arm)) {
        armIndex.set(arm, arms.length);
        arms.push(arm);
      }
    }
  }

  const results = dimensions.map((dimension) => {
    const verdicts = matched.flatMap(({ pair, rating }) => {
      const choice = choiceFor(rating, dimension);
      return choice ? [{ a: armIndex.get(pair.arm_a)!, b: armIndex.get(pair.arm_b)!, choice }] : [];
    });
    return dimensionStatistics(dimension, arms, verdicts, options);
  });

  return {
    dimensions: results,
    ratings_used: matched.length,
    ratings_unmatched: counted.length - matched.length,
    ratings_superseded: ratings.length - counted.length,
  };
}

/** Reads a verdict: `choices[dimension]`, or the `overall` field for the overall dimension. */
function choiceFor(rating: Rating, dimension: string): Choice | undefined {
  return rating.choices[dimension] ??
    (dimension === OVERALL_DIMENSION ? rating.overall : undefined);
}

function dimensionStatistics(
  dimension: string,
  arms: readonly string[],
  verdicts: readonly { a: number; b: number; choice: Choice }[],
  options: RatingStatisticsOptions,
): DimensionStatistics {
  const confidence = options.confidence === undefined ? {} : { confidence: options.confidence };
  // counts[i][j]: verdicts from arm i's view against arm j.
  const counts = arms.map(() => arms.map(() => emptyCounts()));
  const outcomes: PairOutcome[] = [];
  for (const { a, b, choice } of verdicts) {
    if (a === b) continue;
    const ab = counts[a]![b]!;
    const ba = counts[b]![a]!;
    if (choice === "A") {
      ab.wins++;
      ba.losses++;
      outcomes.push({ a, b, result: "a" });
    } else if (choice === "B") {
      ab.losses++;
      ba.wins++;
      outcomes.push({ a, b, result: "b" });
    } else if (choice === "tie") {
      ab.ties++;
      ba.ties++;
      outcomes.push({ a, b, result: "tie" });
    } else {
      ab.both_bad++;
      ba.both_bad++;
    }
  }

  const armRates = arms.map((arm, i): ArmWinRate => {
    const total = emptyCounts();
    for (const cell of counts[i]!) addCounts(total, cell);
    return { arm_id: arm, ...winRate(total, confidence) };
  });
  const pairRates: PairWinRate[] = [];
  for (let i = 0; i < arms.length; i++) {
    for (let j = i + 1; j < arms.length; j++) {
      const cell = counts[i]![j]!;
      pairRates.push({
        arm_a: arms[i]!,
        arm_b: arms[j]!,
        ...winRate(cell, confidence),
        p_value: signTest(cell.wins, cell.losses),
      });
    }
  }

  return {
    dimension,
    verdicts: verdicts.length,
    arms: armRates,
    pairs: pairRates,
    ranking: rankArms(arms, outcomes, options),
  };
}

function addCounts(total: OutcomeCounts, cell: OutcomeCounts): void {
  total.wins += cell.wins;
  total.losses += cell.losses;
  total.ties += cell.ties;
  total.both_bad += cell.both_bad;
}

function uniqueArms(pairs: readonly ComparisonPair[]): string[] {
  return [...new Set(pairs.flatMap((pair) => [pair.arm_a, pair.arm_b]))];
}

function listDimensions(ratings: readonly Rating[]): string[] {
  const dimensions = new Set<string>();
  let overall = false;
  for (const rating of ratings) {
    for (const key of Object.keys(rating.choices)) dimensions.add(key);
    if (rating.overall !== undefined) overall = true;
  }
  if (overall) dimensions.add(OVERALL_DIMENSION);
  return [...dimensions];
}
