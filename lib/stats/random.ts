/**
 * A seeded pseudo-random generator for bootstrap resampling and simulated
 * ratings, so that the same seed gives the same numbers on every platform.
 *
 * @module
 */

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * Creates a xoshiro128** generator (Blackman and Vigna) whose 128-bit state is
 * filled from the seed by a SplitMix32 step. It uses only 32-bit integer
 * arithmetic, so a seed gives the same sequence on every JavaScript engine.
 *
 * @param seed Any integer; only its low 32 bits are used.
 * @returns A function that returns the next uniform number in [0, 1).
 * @throws {TypeError} When `seed` is not a finite integer.
 * @example
 * ```ts
 * const random = createRandom(42);
 * const first = random();
 * ```
 */
export function createRandom(seed: number): RandomSource {
  if (!Number.isInteger(seed)) {
    throw new TypeError(`Invalid seed ${seed}: expected an integer.`);
  }

  let mix = seed >>> 0;
  const next32 = () => {
    mix = (mix + 0x9e3779b9) >>> 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = next32();
  let s1 = next32();
  let s2 = next32();
  let s3 = next32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  return () => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotateLeft(s3, 11);
    return result / 4294967296;
  };
}

function rotateLeft(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Draws an integer uniformly from [0, n).
 *
 * @param random Source of uniform numbers.
 * @param n Exclusive upper bound, a positive integer below 2^32.
 */
export function randomInt(random: RandomSource, n: number): number {
  return Math.floor(random() * n);
}
