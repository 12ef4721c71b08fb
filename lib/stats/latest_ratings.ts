/**
 * One rating per rater and comparison: the input rule of every rating
 * statistic, so a rater who rates the same pair twice counts once.
 *
 * @module
 */
import type { Rating } from "../schema/mod.ts";

/**
 * Keeps each rater's latest rating of each comparison pair, by `created_at`.
 * Of two ratings with the same time stamp, the one later in `ratings` wins,
 * which is the later write for ratings in storage order.
 *
 * @param ratings Ratings of one test, in storage order.
 * @returns One rating per (`rater_id`, `comparison_id`), in the order of each kept rating's first key.
 * @example
 * ```ts
 * const counted = latestRatings(await store.listRatings(testId));
 * ```
 */
export function latestRatings(ratings: readonly Rating[]): Rating[] {
  const latest = new Map<string, { rating: Rating; at: number }>();
  for (const rating of ratings) {
    const key = `${rating.rater_id}\u0000${rating.comparison_id}`;
    const at = Date.parse(rating.created_at);
    const previous = latest.get(key);
    if (previous === undefined || !(previous.at > at)) latest.set(key, { rating, at });
  }
  return [...latest.values()].map((entry) => entry.rating);
}
