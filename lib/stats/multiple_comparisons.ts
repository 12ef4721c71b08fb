/**
 * Corrections of p-values for multiple comparisons.
 *
 * @module
 */

/** Correction methods: Holm-Bonferroni controls the family-wise error rate, Benjamini-Hochberg the false discovery rate. */
export type CorrectionMethod = "holm" | "benjamini-hochberg";

/**
 * Adjusts p-values for multiple comparisons, as statsmodels'
 * `multipletests(p, method="holm" | "fdr_bh")`. NaN p-values (tests that
 * could not run) stay NaN and do not count towards the family size.
 *
 * @param pValues Raw p-values in [0, 1] or NaN.
 * @param options.method Correction. Default "holm".
 * @returns Adjusted p-values in input order.
 * @throws {RangeError} When a p-value is outside [0, 1].
 * @example
 * ```ts
 * adjustPValues([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 */
export function adjustPValues(
  pValues: readonly number[],
  options: { method?: CorrectionMethod } = {},
): number[] {
  const method = options.method ?? "holm";
  if (method !== "holm" && method !== "benjamini-hochberg") {
    throw new RangeError(
      `Invalid correction method "${method}": expected "holm" or "benjamini-hochberg".`,
    );
  }
  for (const p of pValues) {
    if (!Number.isNaN(p) && !(p >= 0 && p <= 1)) {
      throw new RangeError(`Invalid p-value ${p}: expected a number in [0, 1] or NaN.`);
    }
  }

  const adjusted = pValues.map(() => Number.NaN);
  const order = pValues.map((_, i) => i).filter((i) => !Number.isNaN(pValues[i]!))
    .sort((i, j) => pValues[i]! - pValues[j]!);
  const m = order.length;

  if (method === "holm") {
    // Step down: multiply the k-th smallest by (m - k) and keep the running maximum.
    let running = 0;
    order.forEach((index, k) => {
      running = Math.max(running, Math.min(1, (m - k) * pValues[index]!));
      adjusted[index] = running;
    });
  } else {
    // Step up: multiply the k-th smallest by m / (k + 1) and keep the running minimum from the top.
    let running = 1;
    for (let k = m - 1; k >= 0; k--) {
      const index = order[k]!;
      running = Math.min(running, m / (k + 1) * pValues[index]!);
      adjusted[index] = running;
    }
  }
  return adjusted;
}
