/**
 * Average ranks with ties, as the rank tests use them.
 *
 * @module
 */

/** Ranks of a sample and the sizes of its tie groups. */
export interface AverageRanks {
  /** Rank of each value, in input order, from 1; tied values share the mean of their ranks. */
  ranks: number[];
  /** Size of every group of equal values that has more than one member. */
  tieSizes: number[];
}

/**
 * Ranks values from 1 with ties given their average rank (SciPy's `rankdata`
 * with `method="average"`).
 *
 * @param values Finite numbers.
 * @returns Ranks in input order and the sizes of tie groups.
 */
export function rankWithTies(values: readonly number[]): AverageRanks {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];

  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const average = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = average;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/** Computes Σ (t³ - t) over tie groups, the term the tie-corrected variances subtract. */
export function tieTerm(tieSizes: readonly number[]): number {
  let sum = 0;
  for (const t of tieSizes) sum += t * t * t - t;
  return sum;
}
