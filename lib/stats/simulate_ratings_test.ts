import assert from "node:assert/strict";
import { buildRatings } from "./_testing.ts";
import { SIMULATED_RATER_ID, simulateRatings } from "./simulate_ratings.ts";

const { pairs } = buildRatings([{ a: "x", b: "y", wins: 400 }]);

Deno.test("simulateRatings() repeats with the same seed", () => {
  const first = simulateRatings(pairs, { seed: 3, strengths: { x: 1 } });
  const second = simulateRatings(pairs, { seed: 3, strengths: { x: 1 } });
  const other = simulateRatings(pairs, { seed: 4, strengths: { x: 1 } });
  assert.deepEqual(first, second);
  assert.notDeepEqual(first, other);
});

Deno.test("simulateRatings() labels every rating", () => {
  for (const rating of simulateRatings(pairs.slice(0, 5))) {
    assert.equal(rating.rater_id, SIMULATED_RATER_ID);
    assert.match(rating.comment ?? "", /^Simulated rating/);
  }
});

Deno.test("simulateRatings() favours the stronger arm", () => {
  const ratings = simulateRatings(pairs, {
    seed: 1,
    strengths: { x: 1.5 },
    tieRate: 0.1,
    bothBadRate: 0.05,
  });
  let xWins = 0;
  let yWins = 0;
  let bothBad = 0;
  ratings.forEach((rating, k) => {
    const choice = rating.choices.overall;
    if (choice === "both_bad") bothBad++;
    if (choice !== "A" && choice !== "B") return;
    const winner = choice === "A" ? pairs[k]!.arm_a : pairs[k]!.arm_b;
    if (winner === "x") xWins++;
    else yWins++;
  });
  assert.ok(xWins > 3 * yWins, `x ${xWins}, y ${yWins}`);
  // About 5% of 400 verdicts, so 20 is expected.
  assert.ok(bothBad > 5, `both bad ${bothBad}`);
  assert.ok(bothBad < 40, `both bad ${bothBad}`);
});

Deno.test("simulateRatings() rejects invalid rates", () => {
  assert.throws(() => simulateRatings(pairs, { tieRate: 1 }), {
    name: "RangeError",
    message: "Invalid tieRate 1: expected a number in [0, 1).",
  });
});
