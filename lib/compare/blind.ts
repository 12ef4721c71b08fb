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
 * Pick the next pair a rater has not rated: the pair with the fewest ratings
 * so far, so that ratings spread over all pairs; ties go by pair order.
 *
 * @returns The pair, or undefined when the rater has rated every pair.
 */
export function nextUnratedPair(
  pairs: ComparisonPair[],
  options: NextUnratedPairOptions,
): ComparisonPair | undefined {
  const ratedByRater = new Set<string>();
  const ratingCounts = new Map<string, number>();
  for (const rating of options.ratings) {
    ratingCounts.set(rating.comparison_id, (ratingCounts.get(rating.comparison_id) ?? 0) + 1);
    if (rating.rater_id === options.raterId) ratedByRater.add(rating.comparison_id);
  }

  let best: ComparisonPair | undefined;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const pair of pairs) {
    if (ratedByRater.has(pair.id)) continue;
    const count = ratingCounts.get(pair.id) ?? 0;
    if (count < bestCount) {
      best = pair;
      bestCount = count;
    }
  }
  return best;
}
