import assert from "node:assert/strict";
import { checkSampleRatio } from "./srm.ts";

Deno.test("checkSampleRatio() flags a skewed split", () => {
  const result = checkSampleRatio({ a: 600, b: 400 }, { a: 50, b: 50 });
  assert.equal(result.mismatch, true);
  assert.equal(result.expected.a, 500);
});

Deno.test("checkSampleRatio() passes a fair split", () => {
  assert.equal(checkSampleRatio({ a: 510, b: 490 }, { a: 50, b: 50 }).mismatch, false);
});

Deno.test("checkSampleRatio() flags traffic to a zero weight", () => {
  const result = checkSampleRatio({ a: 10, b: 10, c: 1 }, { a: 50, b: 50, c: 0 });
  assert.equal(result.p_value, 0);
  assert.equal(result.mismatch, true);
});

Deno.test("checkSampleRatio() counts missing arms as 0", () => {
  const result = checkSampleRatio({ a: 100 }, { a: 1, b: 1 });
  assert.equal(result.observed.b, 0);
  assert.equal(result.mismatch, true);
});

Deno.test("checkSampleRatio() of empty input", () => {
  const result = checkSampleRatio({}, { a: 1, b: 1 });
  assert.ok(Number.isNaN(result.p_value));
  assert.equal(result.mismatch, false);
});

Deno.test("checkSampleRatio() rejects invalid weights", () => {
  assert.throws(() => checkSampleRatio({ a: 1 }, { a: 0 }), {
    name: "RangeError",
    message: "Invalid weights: at least one must be positive.",
  });
  assert.throws(() => checkSampleRatio({ a: -1 }, { a: 1 }), RangeError);
});
