/**
 * Deterministic traffic allocation for `split` mode: each case goes to one
 * arm, chosen by weight from a stable 64-bit FNV-1a hash of the seed and the
 * case id.
 *
 * @module
 */

import type { ABTest } from "../schema/mod.ts";
import { listArms } from "../schema/mod.ts";

/** FNV-1a 64-bit offset basis, split into four 16-bit limbs (low first). */
const FNV_OFFSET_LIMBS = [0x2325, 0x8422, 0x9ce4, 0xcbf2] as const;

/** Low 16 bits of the FNV-1a 64-bit prime 0x100000001b3. */
const FNV_PRIME_LOW = 0x01b3;

/** The prime's only other set bits (1 << 40) sit in limb 2 as 0x100. */
const FNV_PRIME_LIMB2 = 0x0100;

const encoder = new TextEncoder();

/**
 * Hashes the UTF-8 bytes of a string with 64-bit FNV-1a.
 *
 * The 64-bit product is computed in 16-bit limbs, so the result is the same on
 * every platform and runtime without BigInt.
 *
 * @param text String to hash.
 * @returns The hash as 16 lowercase hex digits.
 * @example
 * ```ts
 * fnv1a64Hex("a"); // "af63dc4c8601ec8c"
 * ```
 */
export function fnv1a64Hex(text: string): string {
  const [v0, v1, v2, v3] = fnv1a64Limbs(text);
  return [v3, v2, v1, v0].map((limb) => limb.toString(16).padStart(4, "0")).join("");
}

/**
 * Maps a string to a number in [0, 1): the 64-bit FNV-1a hash of its UTF-8
 * bytes, mixed by MurmurHash3's `fmix64` finalizer, top 53 bits.
 *
 * FNV-1a alone spreads small input changes poorly into its high bits, so
 * inputs that differ only in the seed came out correlated. The finalizer
 * makes every input bit affect every output bit.
 *
 * @param text String to hash, for example `${seed}\u0000${caseId}`.
 * @returns A uniform-looking number in [0, 1), stable across processes and platforms.
 */
export function unitHash(text: string): number {
  const [v0, v1, v2, v3] = fnv1a64Limbs(text);
  let k = (BigInt(v3 * 0x10000 + v2) << 32n) | BigInt(v1 * 0x10000 + v0);
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & UINT64_MASK;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & UINT64_MASK;
  k ^= k >> 33n;
  return Number(k >> 11n) / 2 ** 53;
}

const UINT64_MASK = (1n << 64n) - 1n;

function fnv1a64Limbs(text: string): [number, number, number, number] {
  let [v0, v1, v2, v3] = FNV_OFFSET_LIMBS as readonly number[] as [number, number, number, number];
  for (const byte of encoder.encode(text)) {
    v0 ^= byte;
    const t0 = v0 * FNV_PRIME_LOW;
    const t1 = v1 * FNV_PRIME_LOW + (t0 >>> 16);
    const t2 = v2 * FNV_PRIME_LOW + v0 * FNV_PRIME_LIMB2 + (t1 >>> 16);
    const t3 = v3 * FNV_PRIME_LOW + v1 * FNV_PRIME_LIMB2 + (t2 >>> 16);
    v0 = t0 & 0xffff;
    v1 = t1 & 0xffff;
    v2 = t2 & 0xffff;
    v3 = t3 & 0xffff;
  }
  return [v0, v1, v2, v3];
}

/** Options for `allocate()`. */
export interface AllocateOptions {
  /** Seed of the test; a different seed gives an independent assignment. Default 0. */
  seed?: number;
}

/**
 * Assigns each case to one arm so that arm shares match the weights.
 *
 * Cases are ranked by `unitHash(seed + NUL + case id)` and the ranks are cut
 * into consecutive blocks sized by weight. The hash order is a pseudo-random
 * permutation, so this is complete randomization. Every arm gets its
 * weighted share of cases to within one case. Drawing each case's arm on its
 * own would drift by about 0.5 percentage points (one binomial standard
 * deviation at 50%) per 10,000 cases.
 * The result depends only on the seed and the set of case ids, not on their
 * order. NOTE: adding or removing cases moves the block edges, so a few
 * cases near each edge (about one per arm per added case) change arm.
 *
 * @param caseIds Case ids, unique.
 * @param weights One non-negative weight per arm, in any unit; at least one must be positive.
 * @param options Seed.
 * @returns The arm index of each case, in the order of `caseIds`.
 * @throws {RangeError} When a case id repeats or the weights are invalid.
 * @example
 * ```ts
 * const arms = allocate(["c1", "c2", "c3", "c4"], [50, 50], { seed: 7 });
 * // two cases get arm 0, two get arm 1
 * ```
 */
export function allocate(
  caseIds: readonly string[],
  weights: readonly number[],
  options: AllocateOptions = {},
): Uint32Array {
  const seed = options.seed ?? 0;

  const total = validateWeights(weights);
  const seen = new Set<string>();
  for (const id of caseIds) {
    if (seen.has(id)) {
      throw new RangeError(`Case id "${id}" is not unique: give every case its own id`);
    }
    seen.add(id);
  }

  // Rank cases by hash; ties (practically never) fall back to the id.
  const units = new Float64Array(caseIds.length);
  caseIds.forEach((id, i) => units[i] = unitHash(`${seed}\u0000${id}`));
  const order = Array.from(caseIds.keys());
  order.sort((a, b) => (units[a]! - units[b]!) || (caseIds[a]! < caseIds[b]! ? -1 : 1));

  // Cut the ranks into blocks: rank r sits at (r + 0.5) / n of the way through.
  const bounds: number[] = [];
  let cumulative = 0;
  for (const weight of weights) {
    cumulative += weight;
    bounds.push(cumulative / total);
  }
  const result = new Uint32Array(caseIds.length);
  let arm = 0;
  order.forEach((caseIndex, rank) => {
    const position = (rank + 0.5) / caseIds.length;
    while (arm < bounds.length - 1 && position >= bounds[arm]!) arm++;
    result[caseIndex] = arm;
  });
  return result;
}

/**
 * Resolves a test's split weights into one weight per arm, in `listArms()` order.
 *
 * @param test The test; `traffic.weights` maps arm ids (`variant/model`) to percent.
 * @returns Weights in percent; equal weights when the test sets none.
 * @throws {RangeError} When a weight names an unknown arm or the weights do not sum to 100.
 */
export function armWeights(test: Pick<ABTest, "variants" | "models" | "traffic">): number[] {
  const arms = listArms(test);
  const given = test.traffic.weights;
  if (given === undefined) return arms.map(() => 100 / arms.length);

  const known = new Set(arms.map((arm) => arm.id));
  for (const id of Object.keys(given)) {
    if (!known.has(id)) {
      throw new RangeError(
        `Traffic weight names unknown arm "${id}": use one of ${[...known].join(", ")}`,
      );
    }
  }
  const weights = arms.map((arm) => given[arm.id] ?? 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 100) > WEIGHT_SUM_TOLERANCE) {
    throw new RangeError(`Traffic weights sum to ${sum}, expected 100: give each arm a percent`);
  }
  return weights;
}

/** Slack for float rounding in percent weights such as three arms at 33.33. */
const WEIGHT_SUM_TOLERANCE = 0.05;

function validateWeights(weights: readonly number[]): number {
  if (weights.length === 0) {
    throw new RangeError("Weights are empty: give at least one arm a weight");
  }
  let total = 0;
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`Weight ${weight} is invalid: use a finite number >= 0`);
    }
    total += weight;
  }
  if (total <= 0) throw new RangeError("Weights sum to 0: give at least one arm a positive weight");
  return total;
}
