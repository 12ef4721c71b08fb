/**
 * Builders of comparison pairs and ratings for the statistics tests.
 *
 * @module
 */
import type { Choice, ComparisonPair, Rating } from "../schema/mod.ts";

const CREATED_AT = "2026-01-01T00:00:00.000Z";

/** Verdicts to create between two arms, from arm A's point of view. */
export interface Verdicts {
  a: string;
  b: string;
  wins?: number;
  losses?: number;
  ties?: number;
  bothBad?: number;
}

/**
 * Builds one pair and one rating per verdict. Sides alternate, so half the
 * pairs show arm A on the right and the choice is flipped to match.
 */
export function buildRatings(
  groups: readonly Verdicts[],
  options: { dimension?: string; testId?: string } = {},
): { pairs: ComparisonPair[]; ratings: Rating[] } {
  const dimension = options.dimension ?? "overall";
  const testId = options.testId ?? "t1";
  const pairs: ComparisonPair[] = [];
  const ratings: Rating[] = [];

  for (const group of groups) {
    const verdicts: ("win" | "loss" | "tie" | "both_bad")[] = [
      ...new Array<"win">(group.wins ?? 0).fill("win"),
      ...new Array<"loss">(group.losses ?? 0).fill("loss"),
      ...new Array<"tie">(group.ties ?? 0).fill("tie"),
      ...new Array<"both_bad">(group.bothBad ?? 0).fill("both_bad"),
    ];
    for (const verdict of verdicts) {
      const index = pairs.length;
      const flipped = index % 2 === 1;
      const id = `cmp-${index}`;
      pairs.push({
        id,
        test_id: testId,
        case_id: `case-${index}`,
        repeat: 0,
        arm_a: flipped ? group.b : group.a,
        arm_b: flipped ? group.a : group.b,
        call_key_a: `k${index}a`,
        call_key_b: `k${index}b`,
        created_at: CREATED_AT,
      });
      let choice: Choice = verdict === "tie" ? "tie" : "both_bad";
      if (verdict === "win") choice = flipped ? "B" : "A";
      if (verdict === "loss") choice = flipped ? "A" : "B";
      ratings.push({
        comparison_id: id,
        test_id: testId,
        rater_id: "rater-1",
        choices: { [dimension]: choice },
        idempotency_key: `key-${index}`,
        created_at: CREATED_AT,
      });
    }
  }
  return { pairs, ratings };
}
