/**
 * Chance-corrected agreement statistics on nominal labels: Cohen's kappa for
 * two raters, Fleiss' kappa for a fixed number of raters per item, and
 * Krippendorff's alpha for any number of raters per item.
 *
 * Each returns null when the statistic is undefined, for example when every
 * label is the same so the agreement expected by chance is already 1.
 *
 * @module
 */

/**
 * Compute Cohen's kappa between two raters who labeled the same items.
 *
 * @param first Labels of the first rater, one per item.
 * @param second Labels of the second rater, in the same item order.
 * @returns Kappa in [-1, 1], or null when there are no items or chance agreement is 1.
 * @throws {RangeError} When the two label lists differ in length.
 *
 * @example
 * ```ts
 * cohenKappa(["A", "B", "A"], ["A", "B", "B"]); // 0.4
 * ```
 */
export function cohenKappa(first: readonly string[], second: readonly string[]): number | null {
  if (first.length !== second.length) {
    throw new RangeError(
      `Cannot compute Cohen's kappa: ${first.length} labels against ${second.length}; pass one label per item from each rater`,
    );
  }
  const n = first.length;
  if (n === 0) return null;

  let agreed = 0;
  const firstCounts = new Map<string, number>();
  const secondCounts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const x = first[i]!;
    const y = second[i]!;
    if (x === y) agreed++;
    firstCounts.set(x, (firstCounts.get(x) ?? 0) + 1);
    secondCounts.set(y, (secondCounts.get(y) ?? 0) + 1);
  }

  const observed = agreed / n;
  let expected = 0;
  for (const [label, count] of firstCounts) {
    expected += (count / n) * ((secondCounts.get(label) ?? 0) / n);
  }
  if (expected >= 1) return null;
  return (observed - expected) / (1 - expected);
}

/**
 * Compute Fleiss' kappa from a table of counts: one row per item, one column
 * per category, each row summing to the same number of raters.
 *
 * @returns Kappa, or null when there are no items or chance agreement is 1.
 * @throws {RangeError} When rows have different sums or fewer than two raters.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number | null {
  if (counts.length === 0) return null;
  const raters = sum(counts[0]!);
  if (raters < 2) {
    throw new RangeError(
      `Cannot compute Fleiss' kappa with ${raters} rater(s) per item; need 2 or more`,
    );
  }

  const categories = counts[0]!.length;
  const columnTotals = new Array<number>(categories).fill(0);
  let meanAgreement = 0;
  for (const [index, row] of counts.entries()) {
    if (sum(row) !== raters || row.length !== categories) {
      throw new RangeError(
        `Cannot compute Fleiss' kappa: item ${index} has ${
          sum(row)
        } ratings in ${row.length} categories, expected ${raters} in ${categories}`,
      );
    }
    let squares = 0;
    for (const [j, count] of row.entries()) {
      columnTotals[j]! += count;
      squares += count * count;
    }
    meanAgreement += (squares - raters) / (raters * (raters - 1));
  }
  meanAgreement /= counts.length;

  const total = counts.length * raters;
  const expected = columnTotals.reduce((acc, value) => acc + (value / total) ** 2, 0);
  if (expected >= 1) return null;
  return (meanAgreement - expected) / (1 - expected);
}

/**
 * Compute Krippendorff's alpha for nominal labels. Items may have different
 * numbers of labels; items with fewer than two labels carry no information
 * about agreement and are skipped.
 *
 * @param units Labels per item, one entry per rater who labeled it.
 * @returns Alpha, or null when fewer than two pairable labels exist or all labels are equal.
 */
export function krippendorffAlpha(units: readonly (readonly string[])[]): number | null {
  // Coincidence counts o[c][k]: each ordered pair of labels within a unit, weighted 1/(m-1).
  const coincidences = new Map<string, Map<string, number>>();
  for (const labels of units) {
    const m = labels.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const row = coincidences.get(labels[i]!) ?? new Map<string, number>();
        row.set(labels[j]!, (row.get(labels[j]!) ?? 0) + 1 / (m - 1));
        coincidences.set(labels[i]!, row);
      }
    }
  }

  const marginals = new Map<string, number>();
  let observedDisagreement = 0;
  for (const [c, row] of coincidences) {
    for (const [k, weight] of row) {
      marginals.set(c, (marginals.get(c) ?? 0) + weight);
      if (c !== k) observedDisagreement += weight;
    }
  }
  const n = sum([...marginals.values()]);
  if (n < 2) return null;

  let expectedDisagreement = 0;
  for (const [c, nc] of marginals) {
    for (const [k, nk] of marginals) {
      if (c !== k) expectedDisagreement += nc * nk;
    }
  }
  if (expectedDisagreement === 0) return null;
  return 1 - ((n - 1) * observedDisagreement) / expectedDisagreement;
}

function sum(values: readonly number[]): number {
  return values.reduce((acc, value) => acc + value, 0);
}
