import assert from "node:assert/strict";
import { rankArms } from "./bradley_terry.ts";
import type { PairOutcome } from "./davidson.ts";
import { createRandom } from "./random.ts";

function outcomes(spec: [number, number, number, number, number][]): PairOutcome[] {
  const list: PairOutcome[] = [];
  for (const [i, j, wins, losses, ties] of spec) {
    for (let k = 0; k < wins; k++) list.push({ a: i, b: j, result: "a" });
    for (let k = 0; k < losses; k++) list.push({ a: i, b: j, result: "b" });
    for (let k = 0; k < ties; k++) list.push({ a: i, b: j, result: "tie" });
  }
  return list;
}

Deno.test("rankArms() repeats with the same seed", () => {
  const data = outcomes([[0, 1, 10, 5, 3], [1, 2, 7, 6, 4], [0, 2, 9, 2, 1]]);
  const first = rankArms(["a", "b", "c"], data, { seed: 4, resamples: 300 });
  const second = rankArms(["a", "b", "c"], data, { seed: 4, resamples: 300 });
  const other = rankArms(["a", "b", "c"], data, { seed: 5, resamples: 300 });
  assert.deepEqual(first, second);
  assert.notDeepEqual(first.arms[0]!.strength_ci, other.arms[0]!.strength_ci);
});

Deno.test("rankArms() intervals cover the estimates", () => {
  const data = outcomes([[0, 1, 10, 5, 3], [1, 2, 7, 6, 4], [0, 2, 9, 2, 1]]);
  const ranking = rankArms(["a", "b", "c"], data, { seed: 1, resamples: 500 });
  for (const arm of ranking.arms) {
    const [low, high] = arm.strength_ci!;
    assert.ok(low <= arm.strength!, `${arm.arm_id}: lower ${low} above ${arm.strength}`);
    assert.ok(arm.strength! <= high, `${arm.arm_id}: upper ${high} below ${arm.strength}`);
  }
});

Deno.test("rankArms() shares a rank on overlap", () => {
  // a and b are close; c loses clearly to both.
  const data = outcomes([[0, 1, 22, 18, 5], [0, 2, 40, 3, 2], [1, 2, 38, 4, 3]]);
  const ranking = rankArms(["a", "b", "c"], data, { seed: 2, resamples: 500 });
  const [a, b, c] = ranking.arms;
  assert.equal(a!.rank, 1);
  assert.equal(b!.rank, 1);
  assert.equal(c!.rank, 3);
  assert.deepEqual(a!.tied_with, ["b"]);
  assert.deepEqual(c!.tied_with, []);
});

Deno.test("rankArms() of no outcomes", () => {
  const ranking = rankArms(["a", "b"], [], { resamples: 10 });
  assert.ok(ranking.arms.every((arm) => arm.strength === null && arm.rank === null));
});

Deno.test("rankArms() intervals cover true strengths", () => {
  // Outcomes drawn from Davidson's model with known centred strengths and ν = 0.5.
  const truth = [0.8, 0, -0.8];
  const nu = 0.5;
  const random = createRandom(31);
  const data: PairOutcome[] = [];
  for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) {
    const pa = Math.exp(truth[a]!);
    const pb = Math.exp(truth[b]!);
    const tie = nu * Math.sqrt(pa * pb);
    for (let k = 0; k < 300; k++) {
      const u = random() * (pa + pb + tie);
      let result: PairOutcome["result"] = "tie";
      if (u < pa) result = "a";
      else if (u < pa + pb) result = "b";
      data.push({ a, b, result });
    }
  }
  const ranking = rankArms(["a", "b", "c"], data, { seed: 6, resamples: 400 });
  ranking.arms.forEach((arm, k) => {
    const [low, high] = arm.strength_ci!;
    assert.ok(low <= truth[k]!, `${arm.arm_id}: lower ${low} above ${truth[k]}`);
    assert.ok(truth[k]! <= high, `${arm.arm_id}: upper ${high} below ${truth[k]}`);
  });
  assert.deepEqual(ranking.arms.map((arm) => arm.rank), [1, 2, 3]);
});
