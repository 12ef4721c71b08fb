import assert from "node:assert/strict";
import { buildRatings } from "./_testing.ts";
import { compareArms } from "./compare_arms.ts";
import { collectPairwiseTests } from "./pairwise_tests.ts";
import { ratingStatistics } from "./rating_stats.ts";
import { analyzeWinners, describeFailedArms, formatP } from "./winner.ts";

const FAST = { resamples: 200, seed: 1 };

function analyze(
  groups: Parameters<typeof buildRatings>[0],
  options: { sampleRatioMismatch?: boolean } = {},
) {
  const { pairs, ratings } = buildRatings(groups);
  const stats = ratingStatistics(pairs, ratings, FAST);
  const tests = collectPairwiseTests({ ratings: stats });
  return analyzeWinners({ tests, quality: stats.dimensions[0]!, ...options });
}

Deno.test("analyzeWinners() names a significant winner", () => {
  const [quality] = analyze([{ a: "x", b: "y", wins: 30, losses: 5, ties: 5 }]);
  assert.equal(quality!.metric, "quality");
  assert.equal(quality!.arm_id, "x");
  assert.ok(quality!.p_value! < 0.05);
  assert.match(quality!.statement, /"x" is best on quality \(overall\)/);
});

Deno.test("analyzeWinners() says no significant difference", () => {
  const [quality] = analyze([{ a: "x", b: "y", wins: 12, losses: 9, ties: 4 }]);
  assert.equal(quality!.arm_id, null);
  assert.equal(quality!.leader, "x");
  assert.match(quality!.statement, /No significant difference in quality \(overall\)/);
  const size = quality!.sample_size!;
  assert.equal(size.unit, "rated pairs");
  assert.equal(size.current, 25);
  assert.ok(size.needed! > size.current, `needed ${size.needed}`);
  assert.equal(size.additional, size.needed! - 25);
  assert.ok(size.needed_corrected! >= size.needed!, `corrected ${size.needed_corrected}`);
  assert.match(quality!.statement, new RegExp(`about ${size.additional} more rated pairs`));
  // One test in the family: the corrected level equals alpha, so it is not repeated.
  assert.doesNotMatch(quality!.statement, /correction over 1 tests/);
  assert.match(
    quality!.statement,
    /in total\)\. This is an estimate from a normal approximation\.$/,
  );
});

Deno.test("analyzeWinners() of a zero effect", () => {
  const [quality] = analyze([{ a: "x", b: "y", wins: 5, losses: 5 }]);
  assert.equal(quality!.arm_id, null);
  assert.equal(quality!.sample_size!.needed, null);
  assert.equal(quality!.sample_size!.basis, "zero-effect");
  assert.match(quality!.statement, /observed difference is zero/);
});

/** Analyzes cost alone, with `values` per arm, paired by case when `paired`. */
function analyzeCost(values: Record<string, number[]>, paired: boolean) {
  const cost = compareArms(
    Object.entries(values).map(([arm, armValues]) => ({
      arm_id: arm,
      values: armValues,
      ...(paired ? { keys: armValues.map((_, i) => `c${i}|0`) } : {}),
    })),
    FAST,
  );
  const tests = collectPairwiseTests({ cost });
  return analyzeWinners({ tests, cost }).find((verdict) => verdict.metric === "cost")!;
}

Deno.test("analyzeWinners() of constant costs per arm", () => {
  // Every matched difference is 0.0011 - 0.0003, whose summed mean misses
  // it by an ulp, so a naive variance is about 1e-38 instead of 0.
  const cost = analyzeCost({ a: [0.0011, 0.0011, 0.0011], b: [0.0003, 0.0003, 0.0003] }, true);
  assert.equal(cost.arm_id, null);
  assert.match(cost.statement, /No significant difference in cost/);
  assert.doesNotMatch(cost.statement, /\b0 more/);
  assert.match(cost.statement, /do not vary, so the data cannot estimate the sample size/);
  const size = cost.sample_size!;
  assert.equal(size.basis, "zero-spread");
  assert.equal(size.needed, null);
  assert.equal(size.additional, null);
});

Deno.test("analyzeWinners() of a zero cost difference", () => {
  // The differences 1, -1, 2, -2 and 0 have a mean of exactly 0 and a spread.
  const cost = analyzeCost({ a: [3, 1, 4, 0, 2], b: [2, 2, 2, 2, 2] }, true);
  assert.equal(cost.arm_id, null);
  assert.equal(cost.sample_size!.basis, "zero-effect");
  assert.equal(cost.sample_size!.needed, null);
  assert.match(cost.statement, /observed difference is zero, so no sample size would detect it/);
  assert.doesNotMatch(cost.statement, /\b0 more/);
});

Deno.test("analyzeWinners() when the need is below n", () => {
  // Cohen's d is 3, so the z-test needs 2 calls per arm, yet Mann-Whitney
  // on 3 against 3 calls cannot go below p = 0.1.
  const cost = analyzeCost({ a: [1, 2, 3], b: [4, 5, 6] }, false);
  assert.equal(cost.arm_id, null);
  const size = cost.sample_size!;
  assert.equal(size.basis, "not-above-current");
  assert.equal(size.current, 3);
  assert.equal(size.needed, 2);
  assert.equal(size.additional, null);
  assert.doesNotMatch(cost.statement, /\b0 more/);
  assert.match(
    cost.statement,
    /puts the need at 2 calls per arm, no more than the 3 already there, although the test is not significant/,
  );
});

Deno.test("analyzeWinners() withholds a winner on SRM", () => {
  const [quality] = analyze([{ a: "x", b: "y", wins: 30, losses: 5 }], {
    sampleRatioMismatch: true,
  });
  assert.equal(quality!.arm_id, null);
  assert.equal(quality!.leader, "x");
  assert.match(quality!.statement, /not trustworthy/);
});

Deno.test("analyzeWinners() needs every rival beaten", () => {
  // x beats z clearly but not y.
  const [quality] = analyze([
    { a: "x", b: "y", wins: 11, losses: 9 },
    { a: "x", b: "z", wins: 40, losses: 2 },
    { a: "y", b: "z", wins: 38, losses: 3 },
  ]);
  assert.equal(quality!.arm_id, null);
  assert.match(quality!.statement, /between "x" and "y"/);
});

Deno.test("analyzeWinners() picks the faster arm", () => {
  const fast = Array.from({ length: 40 }, (_, i) => 400 + i);
  const slow = Array.from({ length: 40 }, (_, i) => 600 + i);
  const latency = compareArms([{ arm_id: "f", values: fast }, { arm_id: "s", values: slow }], FAST);
  const tests = collectPairwiseTests({ latency });
  const verdicts = analyzeWinners({ tests, latency });
  const byMetric = Object.fromEntries(verdicts.map((verdict) => [verdict.metric, verdict]));
  assert.equal(byMetric.latency!.arm_id, "f");
  assert.equal(byMetric.cost!.arm_id, null);
  assert.match(byMetric.cost!.statement, /fewer than two arms/);
});

Deno.test("collectPairwiseTests() corrects across metrics", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", wins: 9, losses: 3 }]);
  const stats = ratingStatistics(pairs, ratings, FAST);
  const latency = compareArms([
    { arm_id: "x", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    { arm_id: "y", values: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
  ], FAST);
  const tests = collectPairwiseTests({ ratings: stats, latency });
  assert.equal(tests.length, 2);
  const smaller = Math.min(tests[0]!.p_value, tests[1]!.p_value);
  assert.equal(Math.min(tests[0]!.p_adjusted, tests[1]!.p_adjusted), Math.min(1, 2 * smaller));
  const bh = collectPairwiseTests({ ratings: stats, latency }, {
    correction: "benjamini-hochberg",
  });
  assert.ok(bh[0]!.p_adjusted <= tests[0]!.p_adjusted);
});

Deno.test("formatP() rounds to three digits", () => {
  assert.equal(formatP(0.04321), "0.0432");
  assert.equal(formatP(0.00001), "< 0.0001");
  assert.equal(formatP(1), "1");
  assert.equal(formatP(Number.NaN), "n/a");
});

Deno.test("analyzeWinners() of equal costs on every call", () => {
  const cost = analyzeCost({ a: new Array(10).fill(0), b: new Array(10).fill(0) }, true);
  assert.equal(cost.arm_id, null);
  assert.equal(cost.leader, null);
  assert.equal(cost.p_value, null);
  assert.equal(cost.sample_size, null);
  assert.doesNotMatch(cost.statement, /fewer than two arms/);
  assert.match(
    cost.statement,
    /^"a" and "b" do not differ on cost: every measured call of both arms had the same cost/,
  );
});

Deno.test("analyzeWinners() of equal unpaired costs", () => {
  const cost = analyzeCost({ a: [0.002, 0.002, 0.002], b: [0.002, 0.002, 0.002, 0.002] }, false);
  assert.equal(cost.arm_id, null);
  assert.equal(cost.leader, null);
  assert.match(cost.statement, /do not differ on cost: every measured call of both arms/);
});

Deno.test("analyzeWinners() of equal latency per case", () => {
  const values = [100, 250, 180, 90, 300];
  const latency = compareArms([
    { arm_id: "a", values, keys: values.map((_, i) => `c${i}|0`) },
    { arm_id: "b", values, keys: values.map((_, i) => `c${i}|0`) },
  ], FAST);
  const tests = collectPairwiseTests({ latency });
  const verdict = analyzeWinners({ tests, latency }).find((v) => v.metric === "latency")!;
  assert.equal(verdict.arm_id, null);
  assert.equal(verdict.p_value, null);
  assert.equal(verdict.method, "Wilcoxon signed-rank, paired by case (approx)");
  assert.match(verdict.statement, /each matched case had the same latency on both arms/);
});

Deno.test("analyzeWinners() of three arms with equal costs", () => {
  const cost = analyzeCost({ a: [0, 0, 0, 0], b: [0, 0, 0, 0], c: [0, 0, 0, 0] }, true);
  assert.equal(cost.leader, null);
  assert.match(cost.statement, /^The 3 arms with data do not differ on cost: every measured call/);
});

Deno.test("analyzeWinners() of a tie beside a clear loser", () => {
  // "a" beats "c" on every case but costs the same as "b".
  const cheap = new Array(30).fill(0.001);
  const dear = Array.from({ length: 30 }, (_, i) => 0.01 + i / 1000);
  const cost = analyzeCost({ a: cheap, b: cheap, c: dear }, true);
  assert.equal(cost.arm_id, null);
  assert.match(cost.statement, /^"a" and "b" do not differ on cost/);
  assert.doesNotMatch(cost.statement, /No significant difference/);
});

Deno.test("analyzeWinners() of ties only", () => {
  const [quality] = analyze([{ a: "x", b: "y", ties: 6, bothBad: 2 }]);
  assert.equal(quality!.arm_id, null);
  assert.equal(quality!.p_value, null);
  assert.doesNotMatch(quality!.statement, /fewer than two arms/);
  assert.match(
    quality!.statement,
    /"x" and "y" do not differ on quality \(overall\): every verdict between them was a tie or both bad/,
  );
});

Deno.test("analyzeWinners() names arms that only failed", () => {
  const latency = compareArms([{ arm_id: "ok", values: [100, 120, 140] }], FAST);
  const tests = collectPairwiseTests({ latency });
  const verdicts = analyzeWinners({ tests, latency, failedArms: ["down"] });
  for (const verdict of verdicts) {
    assert.deepEqual(verdict.arms, [], verdict.metric);
    assert.match(
      verdict.statement,
      /fewer than two arms have data to compare\. Every call of "down" failed\.$/,
    );
  }
});

Deno.test("describeFailedArms() lists every arm", () => {
  assert.equal(describeFailedArms(["a"]), 'Every call of "a" failed.');
  assert.equal(describeFailedArms(["a", "b"]), 'Every call of "a" and "b" failed.');
  assert.equal(describeFailedArms(["a", "b", "c"]), 'Every call of "a", "b" and "c" failed.');
});
