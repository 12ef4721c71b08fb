/**
 * Simulated ratings for demos and tests: deterministic verdicts drawn from a
 * Bradley-Terry model with ties, labelled as simulated in every record.
 *
 * @module
 */
import type { Choice, ComparisonPair, Rating } from "../schema/mod.ts";
import { createRandom } from "./random.ts";

/** Rater id of simulated ratings, so that no report mistakes them for people or a judge. */
export const SIMULATED_RATER_ID = "simulated:bradley-terry";

/** Options of `simulateRatings`. */
export interface SimulateRatingsOptions {
  /** Seed; the same seed and pairs give the same ratings. Default 0. */
  seed?: number;
  /** Log-strength per arm id; arms not listed get 0. */
  strengths?: Readonly<Record<string, number>>;
  /** Dimensions to rate. Default ["overall"]. */
  dimensions?: readonly string[];
  /** Tie probability between two equally strong arms, in [0, 1). Default 0.2. */
  tieRate?: number;
  /** Probability of a both-bad verdict, in [0, 1). Default 0.05. */
  bothBadRate?: number;
  /** Timestamp of every rating. Default: the pair's `created_at`, which keeps output deterministic. */
  createdAt?: string;
}

/**
 * Draws one simulated rating per comparison pair. Each verdict is both-bad
 * with probability `bothBadRate`, otherwise A, B or a tie with Davidson's
 * probabilities for the two arms' strengths. Every rating has rater id
 * `simulated:bradley-terry` and a comment saying it is simulated.
 *
 * @param pairs Comparison pairs to rate.
 * @param options Seed, strengths, dimensions and rates.
 * @returns One rating per pair, in pair order.
 * @throws {RangeError} When a rate is outside [0, 1).
 * @example
 * ```ts
 * const ratings = simulateRatings(pairs, { seed: 1, strengths: { "concise/small": 0.4 } });
 * ```
 */
export function simulateRatings(
  pairs: readonly ComparisonPair[],
  options: SimulateRatingsOptions = {},
): Rating[] {
  const seed = options.seed ?? 0;
  const strengths = options.strengths ?? {};
  const dimensions = options.dimensions ?? ["overall"];
  const tieRate = options.tieRate ?? 0.2;
  const bothBadRate = options.bothBadRate ?? 0.05;
  for (const [name, rate] of [["tieRate", tieRate], ["bothBadRate", bothBadRate]] as const) {
    if (!(rate >= 0 && rate < 1)) {
      throw new RangeError(`Invalid ${name} ${rate}: expected a number in [0, 1).`);
    }
  }

  // Davidson's ν for which two equal arms tie with probability tieRate: ν / (2 + ν).
  const nu = 2 * tieRate / (1 - tieRate);
  return pairs.map((pair) => {
    // One generator per pair, so a pair's rating does not depend on the others.
    const random = createRandom((seed ^ hashString(pair.id)) >>> 0);
    const strengthA = Math.exp(strengths[pair.arm_a] ?? 0);
    const strengthB = Math.exp(strengths[pair.arm_b] ?? 0);
    const tieWeight = nu * Math.sqrt(strengthA * strengthB);
    const total = strengthA + strengthB + tieWeight;

    const choices: Record<string, Choice> = {};
    for (const dimension of dimensions) {
      const draw = random();
      if (random() < bothBadRate) choices[dimension] = "both_bad";
      else if (draw < strengthA / total) choices[dimension] = "A";
      else if (draw < (strengthA + strengthB) / total) choices[dimension] = "B";
      else choices[dimension] = "tie";
    }
    return {
      comparison_id: pair.id,
      test_id: pair.test_id,
      rater_id: SIMULATED_RATER_ID,
      choices,
      comment: "Simulated rating drawn from a Bradley-Terry model; not from a person or a judge.",
      idempotency_key: `simulated-${seed}-${pair.id}`,
      created_at: options.createdAt ?? pair.created_at,
    };
  });
}

/** Hashes a string to 32 bits with FNV-1a. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
