/**
 * The blind view of a comparison pair: what a rater sees before submitting,
 * with the case and both outputs but neither arm id.
 *
 * @module
 */
import type { ABTest, ComparisonPair, Rating, RatingDimension, TestResult } from "../schema/mod.ts";

/** A pair as shown to a rater: sides A (left) and B (right), arms hidden. */
export interface BlindPair {
  comparison_id: string;
  test_id: string;
  case_id: string;
  /** The case's template variables, so the rater sees the input. */
  vars: Record<string, string>;
  /** Output shown on the left, side A. */
  a: string;
  /** Output shown on the right, side B. */
  b: string;
  /** Dimensions the rater gives a verdict on. */
  dimensions: RatingDimension[];
}

/** Options for {@linkcode nextUnratedPair}. */
export interface NextUnratedPairOptions {
  /** Rater whose finished pairs are skipped. */
  raterId: string;
  /** Ratings stored so far for the test. */
  ratings: Rating[];
  /** Number of people who should rate each pair before unrated pairs are handed out. Default 2. */
  targetRaters?: number;
}

/**
 * Build the blind view of a pair.
 *
 * @param test The pair's test, for the case input and the dimensions.
 * @param pair The pair; its arm ids are not copied.
 * @param resultsByCallKey Results keyed by call key.
 * @returns The blind view, or undefined when either output is missing.
 */
export function blindPair(
  test: ABTest,
  pair: ComparisonPair,
  resultsByCallKey: Map<string, TestResult>,
): BlindPair | undefined {
  const a = resultsByCallKey.get(pair.call_key_a)?.output;
  const b = resultsByCallKey.get(pair.call_key_b)?.output;
  if (a === undefined || a === null || b === undefined || b === null) return undefined;

  const testCase = test.cases.find((item) => item.id === pair.case_id);
  return {
    comparison_id: pair.id,
    test_id: pair.test_id,
    case_id: pair.case_id,
    vars: testCase?.vars ?? {},
    a,
    b,
    dimensions: test.rating_dimensions,
  };
}

/**
 * Pick the next pair a rater has not rated.
 *
 * Pairs that some people, but fewer than `targetRaters`, have rated come
 * first, most-rated first, so that pairs gain the overlap that agreement
 * among people needs. Then come the pairs with the fewest human ratings.
 * Judge ratings do not count. Ties go by pair order.
 *
 * @returns The pair, or undefined when the rater has rated every pair.
 */
export function nextUnratedPair(
  pairs: ComparisonPair[],
  options: NextUnratedPairOptions,
): ComparisonPair | undefined {
  const target = options.targetRaters ?? 2;
  const ratedByRater = new Set<string>();
  const humanCounts = new Map<string, number>();
  for (const rating of options.ratings) {
    if (rating.rater_id === options.raterId) ratedByRater.add(rating.comparison_id);
    if (rating.rater_id.startsWith("judge:")) continue;
    humanCounts.set(rating.comparison_id, (humanCounts.get(rating.comparison_id) ?? 0) + 1);
  }

  let best: ComparisonPair | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const pair of pairs) {
    if (ratedByRater.has(pair.id)) continue;
    const count = humanCounts.get(pair.id) ?? 0;
    // Lower rank wins: partly rated pairs by how close they are to the target, then the rest by count.
    const rank = count > 0 && count < target ? -count : count;
    if (rank < bestRank) {
      best = pair;
      bestRank = rank;
    }
  }
  return best;
}
