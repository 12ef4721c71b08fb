import assert from "node:assert/strict";
import { bootstrapDifference, bootstrapStatistics } from "./bootstrap.ts";
import { normalQuantile } from "./distributions.ts";
import { quantileSorted, sortNumbers } from "./quantile.ts";
import { createRandom, randomInt } from "./random.ts";

const MEDIAN = { quantile: 0.5 };
const P95 = { quantile: 0.95 };

/** Draws a lognormal sample with the given median and sigma from a seeded generator. */
function lognormal(seed: number, n: number, center: number, sigma: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => center * Math.exp(sigma * normalQuantile(random())));
}

Deno.test("bootstrapStatistics() matches a sorted resample", () => {
  // Draw the same indexes as the bootstrap does, sort each resample and compare.
  const values = lognormal(21, 57, 300, 0.7);
  const resamples = 50;
  const [median, p95, mean] = bootstrapStatistics(values, [MEDIAN, P95, "mean"], {
    seed: 4,
    resamples,
    confidence: 0.5,
  });
  const random = createRandom(4);
  const draws: number[][] = [[], [], []];
  for (let r = 0; r < resamples; r++) {
    const resample = values.map(() => values[randomInt(random, values.length)]!);
    const sorted = sortNumbers(resample);
    draws[0]!.push(quantileSorted(sorted, 0.5));
    draws[1]!.push(quantileSorted(sorted, 0.95));
    draws[2]!.push(resample.reduce((sum, value) => sum + value, 0) / resample.length);
  }
  [median, p95, mean].forEach((estimate, s) => {
    const sorted = sortNumbers(draws[s]!);
    assert.ok(Math.abs(estimate!.ci[0] - quantileSorted(sorted, 0.25)) < 1e-9, `lower ${s}`);
    assert.ok(Math.abs(estimate!.ci[1] - quantileSorted(sorted, 0.75)) < 1e-9, `upper ${s}`);
  });
  assert.equal(median!.estimate, quantileSorted(sortNumbers(values), 0.5));
});

Deno.test("bootstrapDifference() repeats with the same seed", () => {
  const x = lognormal(1, 80, 900, 0.5);
  const y = lognormal(2, 90, 700, 0.5);
  const first = bootstrapDifference(x, y, [MEDIAN], { seed: 11, resamples: 500 });
  const second = bootstrapDifference(x, y, [MEDIAN], { seed: 11, resamples: 500 });
  const other = bootstrapDifference(x, y, [MEDIAN], { seed: 12, resamples: 500 });
  assert.deepEqual(first, second);
  assert.notDeepEqual(first[0]!.ci, other[0]!.ci);
});

Deno.test("bootstrapDifference() covers the true median difference", () => {
  // The population medians are 1000 and 800, so the true difference is 200.
  const x = lognormal(3, 400, 1000, 0.4);
  const y = lognormal(4, 400, 800, 0.4);
  const { estimate, ci } = bootstrapDifference(x, y, [MEDIAN], { seed: 5 })[0]!;
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
  const [, p95] = bootstrapDifference(x, y, [MEDIAN, P95], { seed: 8 });
  assert.ok(p95!.ci[0] <= truth, `lower ${p95!.ci[0]} above ${truth}`);
  assert.ok(truth <= p95!.ci[1], `upper ${p95!.ci[1]} below ${truth}`);
});

Deno.test("bootstrapDifference() pairs resamples", () => {
  const x = [10, 20, 30, 40, 50];
  const y = x.map((value) => value - 5);
  const [median] = bootstrapDifference(x, y, [MEDIAN], { seed: 1, paired: true });
  // Every paired resample shifts by exactly 5, so the interval collapses on it.
  assert.equal(median!.estimate, 5);
  assert.deepEqual(median!.ci, [5, 5]);
});

Deno.test("bootstrapDifference() of empty input is NaN", () => {
  const [median] = bootstrapDifference([], [1, 2], [MEDIAN]);
  assert.ok(Number.isNaN(median!.estimate));
  assert.ok(Number.isNaN(median!.ci[0]));
  assert.ok(Number.isNaN(median!.ci[1]));
});

Deno.test("bootstrapDifference() rejects unequal paired lengths", () => {
  assert.throws(() => bootstrapDifference([1, 2], [1], [MEDIAN], { paired: true }), RangeError);
  assert.throws(() => bootstrapDifference([1], [1], [MEDIAN], { resamples: 0 }), RangeError);
});

Deno.test("bootstrapStatistics() covers the true median", () => {
  const values = lognormal(9, 300, 500, 0.5);
  const first = bootstrapStatistics(values, [MEDIAN], { seed: 2 })[0]!;
  const second = bootstrapStatistics(values, [MEDIAN], { seed: 2 })[0]!;
  assert.deepEqual(first, second);
  assert.ok(first.ci[0] <= 500, `lower ${first.ci[0]} above 500`);
  assert.ok(500 <= first.ci[1], `upper ${first.ci[1]} below 500`);
  assert.ok(Number.isNaN(bootstrapStatistics([], [MEDIAN])[0]!.estimate));
});

Deno.test("bootstrapStatistics() reduces resamples for large samples", () => {
  const values = lognormal(10, 50_000, 100, 0.2);
  const [median] = bootstrapStatistics(values, [MEDIAN], { seed: 1 });
  assert.equal(median!.resamples, 200);
  const [small] = bootstrapStatistics(values.slice(0, 500), [MEDIAN], { seed: 1 });
  assert.equal(small!.resamples, 2000);
});
