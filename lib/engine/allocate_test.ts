import assert from "node:assert/strict";
import { allocate, armWeights, fnv1a64Hex, unitHash } from "./allocate.ts";
import { makeTest } from "./_fixtures.ts";

const caseIds = (n: number) => Array.from({ length: n }, (_, i) => `case-${i}`);

function shares(assigned: Uint32Array, arms: number): number[] {
  const counts = new Array<number>(arms).fill(0);
  for (const arm of assigned) counts[arm]!++;
  return counts.map((count) => (100 * count) / assigned.length);
}

Deno.test("fnv1a64Hex() matches the published FNV-1a test vectors", () => {
  assert.equal(fnv1a64Hex(""), "cbf29ce484222325");
  assert.equal(fnv1a64Hex("a"), "af63dc4c8601ec8c");
  assert.equal(fnv1a64Hex("foobar"), "85944171f73967e8");
});

Deno.test("unitHash() is in [0, 1) and hashes UTF-8 bytes", () => {
  for (const text of ["", "a", "case-1", "ü", "日本語"]) {
    const unit = unitHash(text);
    assert.ok(unit >= 0, `${text} -> ${unit}`);
    assert.ok(unit < 1, `${text} -> ${unit}`);
  }
  // "ü" is two UTF-8 bytes, so it differs from its Latin-1 byte 0xfc.
  assert.notEqual(unitHash("ü"), unitHash("\u00c3\u00bc"));
  assert.equal(unitHash("a"), 0.5102945176565711);
});

Deno.test("allocate() keeps weights within 1 pp over 10,000 cases", () => {
  const ids = caseIds(10_000);
  const weightSets = [[50, 50], [70, 30], [25, 25, 25, 25], [60, 30, 10], [33.3, 33.3, 33.4]];
  for (const weights of weightSets) {
    for (const seed of [0, 1, 2, 42, 123_456]) {
      const got = shares(allocate(ids, weights, { seed }), weights.length);
      weights.forEach((weight, arm) => {
        assert.ok(
          Math.abs(got[arm]! - weight) <= 1,
          `seed ${seed}, weights ${weights}: arm ${arm} got ${got[arm]}%`,
        );
      });
    }
  }
});

Deno.test("allocate() is stable across runs and input order", () => {
  const ids = caseIds(1_000);
  const first = allocate(ids, [50, 30, 20], { seed: 9 });
  const again = allocate(ids, [50, 30, 20], { seed: 9 });
  assert.deepEqual(again, first);

  const reversed = [...ids].reverse();
  const fromReversed = allocate(reversed, [50, 30, 20], { seed: 9 });
  reversed.forEach((_, i) => assert.equal(fromReversed[i], first[ids.length - 1 - i]));

  // Pinned values: a change here reassigns the cases of every stored split test.
  assert.deepEqual([...first.slice(0, 12)], [0, 2, 1, 2, 1, 2, 0, 1, 0, 2, 1, 0]);
});

Deno.test("allocate() gives a different assignment per seed", () => {
  const ids = caseIds(1_000);
  const a = allocate(ids, [50, 50], { seed: 1 });
  const b = allocate(ids, [50, 50], { seed: 2 });
  let same = 0;
  a.forEach((arm, i) => same += arm === b[i] ? 1 : 0);
  assert.ok(same > 400, `${same} of 1000 cases kept their arm`);
  assert.ok(same < 600, `${same} of 1000 cases kept their arm`);
});

Deno.test("allocate() moves few cases when one is added", () => {
  const ids = caseIds(2_000);
  const before = allocate(ids, [50, 50], { seed: 3 });
  const after = allocate([...ids, "case-new"], [50, 50], { seed: 3 });
  let moved = 0;
  before.forEach((arm, i) => moved += arm === after[i] ? 0 : 1);
  assert.ok(moved <= 2, `${moved} cases changed arm`);
});

Deno.test("allocate() skips zero-weight arms", () => {
  const assigned = allocate(caseIds(500), [0, 100, 0], { seed: 5 });
  assert.ok(assigned.every((arm) => arm === 1));
});

Deno.test("allocate() rejects invalid weights and duplicate ids", () => {
  assert.throws(() => allocate(["a"], []), {
    name: "RangeError",
    message: "Weights are empty: give at least one arm a weight",
  });
  assert.throws(() => allocate(["a"], [0, 0]), {
    name: "RangeError",
    message: "Weights sum to 0: give at least one arm a positive weight",
  });
  assert.throws(() => allocate(["a"], [-1, 2]), {
    name: "RangeError",
    message: "Weight -1 is invalid: use a finite number >= 0",
  });
  assert.throws(() => allocate(["a", "a"], [1]), {
    name: "RangeError",
    message: 'Case id "a" is not unique: give every case its own id',
  });
});

Deno.test("armWeights() resolves percent weights per arm", () => {
  const equal = makeTest(1, { traffic: { mode: "split" } });
  assert.deepEqual(armWeights(equal), [25, 25, 25, 25]);

  const weighted = makeTest(1, {
    traffic: { mode: "split", weights: { "plain/mini": 70, "friendly/big": 30 } },
  });
  assert.deepEqual(armWeights(weighted), [70, 0, 0, 30]);
});

Deno.test("armWeights() rejects unknown arms and bad sums", () => {
  const unknown = makeTest(1, { traffic: { mode: "split", weights: { "plain/gpt": 100 } } });
  assert.throws(() => armWeights(unknown), {
    name: "RangeError",
    message: 'Traffic weight names unknown arm "plain/gpt": use one of plain/mini, plain/big, ' +
      "friendly/mini, friendly/big",
  });
  const short = makeTest(1, { traffic: { mode: "split", weights: { "plain/mini": 90 } } });
  assert.throws(() => armWeights(short), {
    name: "RangeError",
    message: "Traffic weights sum to 90, expected 100: give each arm a percent",
  });
});
