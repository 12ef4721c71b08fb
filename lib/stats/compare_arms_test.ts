import assert from "node:assert/strict";
import { compareArms } from "./compare_arms.ts";
import { normalQuantile } from "./distributions.ts";
import { createRandom } from "./random.ts";

const FAST = { resamples: 300, seed: 9 };

function lognormal(seed: number, n: number, center: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => center * Math.exp(0.3 * normalQuantile(random())));
}

Deno.test("compareArms() uses Mann-Whitney when unpaired", () => {
  const [comparison] = compareArms([
    { arm_id: "fast", values: lognormal(1, 60, 500) },
    { arm_id: "slow", values: lognormal(2, 60, 900) },
  ], FAST);
  assert.equal(comparison!.paired, false);
  assert.equal(comparison!.test, "mann-whitney-u");
  assert.equal(comparison!.test_method, "asymptotic");
  assert.ok(comparison!.p_value < 1e-6, `p ${comparison!.p_value}`);
  assert.ok(comparison!.median_difference.estimate < 0);
  assert.ok(comparison!.median_difference.ci[1] < 0);
  assert.ok(comparison!.effect_size < 0);
});

Deno.test("compareArms() pairs by case key", () => {
  const base = lognormal(3, 30, 700);
  const keys = base.map((_, i) => `case-${i}|0`);
  // Arm b lists the same cases in reverse order, so only key matching can pair them.
  const [comparison] = compareArms([
    { arm_id: "a", values: base.map((value) => value + 20), keys },
    { arm_id: "b", values: [...base].reverse(), keys: [...keys].reverse() },
  ], FAST);
  assert.equal(comparison!.paired, true);
  assert.equal(comparison!.n_pairs, 30);
  assert.equal(comparison!.test, "wilcoxon-signed-rank");
  assert.equal(comparison!.test_method, "approx");
  assert.ok(comparison!.p_value < 1e-5, `p ${comparison!.p_value}`);
  // Every paired resample is shifted by exactly 20, so the interval collapses on it.
  const [low, high] = comparison!.median_difference.ci;
  assert.ok(Math.abs(low - 20) < 1e-9, `lower ${low}`);
  assert.ok(Math.abs(high - 20) < 1e-9, `upper ${high}`);
});

Deno.test("compareArms() does not pair on few matching keys", () => {
  const [comparison] = compareArms([
    { arm_id: "a", values: [1, 2, 3, 4, 5], keys: ["c1", "c2", "c3", "c4", "c5"] },
    { arm_id: "b", values: [2, 3, 4, 5, 6], keys: ["c1", "c2", "x3", "x4", "x5"] },
  ], FAST);
  assert.equal(comparison!.paired, false);
});

Deno.test("compareArms() of identical latencies", () => {
  const [comparison] = compareArms([
    { arm_id: "a", values: new Array(20).fill(250) },
    { arm_id: "b", values: new Array(25).fill(250) },
  ], FAST);
  assert.equal(comparison!.p_value, 1);
  assert.equal(comparison!.median_difference.estimate, 0);
  assert.deepEqual(comparison!.median_difference.ci, [0, 0]);
  assert.equal(comparison!.effect_size, 0);
  assert.ok(Number.isNaN(comparison!.welch.p_value));
});

Deno.test("compareArms() of a single sample", () => {
  const [comparison] = compareArms([
    { arm_id: "a", values: [300] },
    { arm_id: "b", values: [100, 120, 140] },
  ], FAST);
  assert.equal(comparison!.test_method, "exact");
  assert.equal(comparison!.p_value, 0.5);
  assert.ok(Number.isNaN(comparison!.welch.p_value));
});

Deno.test("compareArms() of empty input", () => {
  assert.deepEqual(compareArms([], FAST), []);
  const [comparison] = compareArms(
    [{ arm_id: "a", values: [] }, { arm_id: "b", values: [1] }],
    FAST,
  );
  assert.ok(Number.isNaN(comparison!.p_value));
  assert.equal(comparison!.median_a, null);
  assert.ok(Number.isNaN(comparison!.median_difference.estimate));
});

Deno.test("compareArms() rejects non-finite values", () => {
  assert.throws(() => compareArms([{ arm_id: "a", values: [Number.NaN] }]), {
    name: "RangeError",
    message: 'Invalid value NaN for arm "a": expected finite numbers; drop nulls first.',
  });
});

Deno.test("compareArms() of constant costs per arm", () => {
  // The summed mean of six copies of 0.00042 - 0.0003 is off by an ulp,
  // which must not leave a tiny spread and a huge finite effect size.
  const keys = Array.from({ length: 6 }, (_, i) => `c${i}|0`);
  const [paired] = compareArms([
    { arm_id: "a", values: new Array(6).fill(0.00042), keys },
    { arm_id: "b", values: new Array(6).fill(0.0003), keys },
  ], FAST);
  assert.equal(paired!.paired, true);
  assert.equal(paired!.effect_size, Infinity);

  const [unpaired] = compareArms([
    { arm_id: "a", values: new Array(6).fill(0.00042) },
    { arm_id: "b", values: new Array(6).fill(0.0003) },
  ], FAST);
  assert.equal(unpaired!.paired, false);
  assert.equal(unpaired!.effect_size, Infinity);
  assert.ok(Number.isNaN(unpaired!.welch.p_value));
});
