import assert from "node:assert/strict";
import { bootstrapDifference, bootstrapStatistic } from "./bootstrap.ts";
import { normalQuantile } from "./distributions.ts";
import { quantileSorted } from "./quantile.ts";
import { createRandom } from "./random.ts";

const median = (sorted: ArrayLike<number>) => quantileSorted(sorted, 0.5);
const p95 = (sorted: ArrayLike<number>) => quantileSorted(sorted, 0.95);

/** Draws a lognormal sample with the given median and sigma from a seeded generator. */
function lognormal(seed: number, n: number, center: number, sigma: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => center * Math.exp(sigma * normalQuantile(random())));
}

Deno.test("bootstrapDifference() repeats with the same seed", () => {
  const x = lognormal(1, 80, 900, 0.5);
  const y = lognormal(2, 90, 700, 0.5);
  const first = bootstrapDifference(x, y, median, { seed: 11, resamples: 500 });
  const second = bootstrapDifference(x, y, median, { seed: 11, resamples: 500 });
  const other = bootstrapDifference(x, y, median, { seed: 12, resamples: 500 });
  assert.deepEqual(first, second);
  assert.notDeepEqual(first.ci, other.ci);
});

Deno.test("bootstrapDifference() covers the true median difference", () => {
  // The population medians are 1000 and 800, so the true difference is 200.
  const x = lognormal(3, 400, 1000, 0.4);
  const y = lognormal(4, 400, 800, 0.4);
  const { estimate, ci } = bootstrapDifference(x, y, median, { seed: 5 });
  assert.ok(ci[0] <= estimate, `lower ${ci[0]} above estimate ${estimate}`);
  assert.ok(estimate <= ci[1], `upper ${ci[1]} below estimate ${estimate}`);
  assert.ok(ci[0] <= 200, `lower ${ci[0]} above 200`);
  assert.ok(200 <= ci[1], `upper ${ci[1]} below 200`);
});

Deno.test("bootstrapDifference() covers the true p95 difference", () => {
  // Lognormal p95 is median * exp(1.645 sigma).
  const truth = (1000 - 800) * Math.exp(normalQuantile(0.95) * 0.4);
  const x = lognormal(6, 1000, 1000, 0.4);
  const y = lognormal(7, 1000, 800, 0.4);
  const { ci } = bootstrapDifference(x, y, p95, { seed: 8 });
  assert.ok(ci[0] <= truth, `lower ${ci[0]} above ${truth}`);
  assert.ok(truth <= ci[1], `upper ${ci[1]} below ${truth}`);
});

Deno.test("bootstrapDifference() pairs resamples", () => {
  const x = [10, 20, 30, 40, 50];
  const y = x.map((value) => value - 5);
  const { estimate, ci } = bootstrapDifference(x, y, median, { seed: 1, paired: true });
  // Every paired resample shifts by exactly 5, so the interval collapses on it.
  assert.equal(estimate, 5);
  assert.deepEqual(ci, [5, 5]);
});

Deno.test("bootstrapDifference() of empty input is NaN", () => {
  const { estimate, ci } = bootstrapDifference([], [1, 2], median);
  assert.ok(Number.isNaN(estimate));
  assert.ok(Number.isNaN(ci[0]));
  assert.ok(Number.isNaN(ci[1]));
});

Deno.test("bootstrapDifference() rejects unequal paired lengths", () => {
  assert.throws(() => bootstrapDifference([1, 2], [1], median, { paired: true }), RangeError);
  assert.throws(() => bootstrapDifference([1], [1], median, { resamples: 0 }), RangeError);
});

Deno.test("bootstrapStatistic() covers the true median", () => {
  const values = lognormal(9, 300, 500, 0.5);
  const first = bootstrapStatistic(values, median, { seed: 2 });
  const second = bootstrapStatistic(values, median, { seed: 2 });
  assert.deepEqual(first, second);
  assert.ok(first.ci[0] <= 500, `lower ${first.ci[0]} above 500`);
  assert.ok(500 <= first.ci[1], `upper ${first.ci[1]} below 500`);
  assert.ok(Number.isNaN(bootstrapStatistic([], median).estimate));
});
