import assert from "node:assert/strict";
import { callKey, IdSchema } from "../schema/mod.ts";
import { FIXTURE_ARMS, fixtureResult, fixtureResults, fixtureTest } from "./_testing.ts";
import { buildPairs, comparisonId } from "./pairs.ts";

const ARMS = FIXTURE_ARMS;
const makeTest = (cases: number, seed = 7) => fixtureTest(cases, { seed });
const result = (arm: string, caseId: string, options: { error?: boolean; repeat?: number } = {}) =>
  fixtureResult("t1", arm, caseId, options);
const allResults = fixtureResults;

Deno.test("buildPairs() pairs every two arms per case", () => {
  const test = makeTest(5);
  const pairs = buildPairs(test, allResults(test));
  assert.equal(pairs.length, 5 * 6);
  for (const pair of pairs) {
    assert.ok(IdSchema.safeParse(pair.id).success, pair.id);
    assert.notEqual(pair.arm_a, pair.arm_b);
    assert.equal(pair.call_key_a, callKey("t1", pair.arm_a, pair.case_id, 0));
  }
  assert.equal(new Set(pairs.map((p) => p.id)).size, pairs.length);
});

Deno.test("buildPairs() balances sides per arm", () => {
  const test = makeTest(101);
  const pairs = buildPairs(test, allResults(test));
  for (const arm of ARMS) {
    const left = pairs.filter((p) => p.arm_a === arm).length;
    const right = pairs.filter((p) => p.arm_b === arm).length;
    assert.ok(Math.abs(left - right) <= 3, `${arm}: ${left} left, ${right} right`);
  }
  // Per arm pair the difference is at most one.
  for (const x of ARMS) {
    for (const y of ARMS) {
      if (x >= y) continue;
      const xy = pairs.filter((p) => p.arm_a === x && p.arm_b === y).length;
      const yx = pairs.filter((p) => p.arm_a === y && p.arm_b === x).length;
      assert.ok(Math.abs(xy - yx) <= 1, `${x} vs ${y}: ${xy} and ${yx}`);
    }
  }
});

Deno.test("buildPairs() is deterministic for a seed", () => {
  const test = makeTest(20);
  const now = new Date("2026-01-01T00:00:00Z");
  const first = buildPairs(test, allResults(test), { now });
  const second = buildPairs(test, allResults(test).reverse(), { now });
  assert.deepEqual(first, second);
  const reseeded = buildPairs(makeTest(20, 8), allResults(test), { now });
  assert.notDeepEqual(first.map((p) => p.arm_a), reseeded.map((p) => p.arm_a));
});

Deno.test("buildPairs() skips failed results", () => {
  const test = makeTest(2);
  const results = allResults(test).filter((r) => !(r.arm_id === "v1/m1" && r.case_id === "c0"));
  results.push(result("v1/m1", "c0", { error: true }));
  const pairs = buildPairs(test, results);
  assert.equal(pairs.filter((p) => p.case_id === "c0").length, 3);
  assert.equal(pairs.filter((p) => p.case_id === "c1").length, 6);
});

Deno.test("buildPairs() pairs repeats separately", () => {
  const test = makeTest(1);
  const results = [0, 1].flatMap((repeat) =>
    ["v1/m1", "v2/m1"].map((arm) => result(arm, "c0", { repeat }))
  );
  const pairs = buildPairs(test, results);
  assert.deepEqual(pairs.map((p) => p.repeat), [0, 1]);
  assert.notEqual(pairs[0]!.id, pairs[1]!.id);
});

Deno.test("buildPairs() compares each arm with a control", () => {
  const test = makeTest(4);
  const pairs = buildPairs(test, allResults(test), { mode: "control", control: "v1/m1" });
  assert.equal(pairs.length, 4 * 3);
  for (const pair of pairs) assert.ok(pair.arm_a === "v1/m1" || pair.arm_b === "v1/m1");
});

Deno.test("buildPairs() rejects an unknown control", () => {
  const test = makeTest(1);
  assert.throws(
    () => buildPairs(test, allResults(test), { mode: "control", control: "v9/m9" }),
    { name: "RangeError", message: /control arm "v9\/m9"/ },
  );
  assert.throws(() => buildPairs(test, allResults(test), { mode: "control" }), RangeError);
});

Deno.test("buildPairs() keeps existing pairs unchanged", () => {
  const test = makeTest(10);
  const early = allResults(test).filter((r) => Number(r.case_id.slice(1)) < 5);
  const existing = buildPairs(test, early, { now: new Date("2026-01-01T00:00:00Z") });
  const flipped = existing.map((p) => ({
    ...p,
    arm_a: p.arm_b,
    arm_b: p.arm_a,
    call_key_a: p.call_key_b,
    call_key_b: p.call_key_a,
  }));
  const all = buildPairs(test, allResults(test), { existing: flipped });
  assert.equal(all.length, 60);
  for (const pair of flipped) assert.deepEqual(all.find((p) => p.id === pair.id), pair);
});

Deno.test("comparisonId() ignores side order", () => {
  const a = comparisonId("t1", { caseId: "c0", repeat: 0, arms: ["x", "y"] });
  const b = comparisonId("t1", { caseId: "c0", repeat: 0, arms: ["y", "x"] });
  assert.equal(a, b);
  assert.match(a, /^cmp-[0-9a-f]{24}$/);
});
