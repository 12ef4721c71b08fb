/**
 * A sentence for the report on how the stored comparison pairs were built:
 * every two arms, or each arm against one control arm (`compare --control`).
 *
 * @module
 */
import type { ComparisonPair } from "../schema/mod.ts";

/**
 * Describes how the comparison pairs cover the arms. Stored pairs do not
 * record how they were built, so the control arm is inferred. When some pairs
 * of arms are missing and one arm is in every pair, the pairs were built
 * against that control, and the other arms are not compared directly.
 *
 * @param pairs The test's stored comparison pairs.
 * @returns One sentence for the report.
 * @example
 * ```ts
 * describePairing(await store.listComparisons(testId));
 * ```
 */
export function describePairing(pairs: readonly ComparisonPair[]): string {
  if (pairs.length === 0) return "No comparison pairs yet.";

  const arms = new Set(pairs.flatMap((pair) => [pair.arm_a, pair.arm_b]));
  const armPairs = new Set(pairs.map((pair) => [pair.arm_a, pair.arm_b].sort().join("\u0000")));
  const possible = (arms.size * (arms.size - 1)) / 2;
  const shared = [...arms].filter((arm) =>
    pairs.every((pair) => pair.arm_a === arm || pair.arm_b === arm)
  );
  const count = pairs.length === 1 ? "1 comparison pair" : `${pairs.length} comparison pairs`;

  if (armPairs.size === possible) return `${count}, over every two of the ${arms.size} arms.`;
  if (shared.length === 1) {
    return `${count}, built against the control arm \`${shared[0]}\`: each other arm is ` +
      "paired with the control only, so those arms are not compared with each other.";
  }
  return `${count}, over ${armPairs.size} of the ${possible} pairs of the ${arms.size} arms.`;
}
