import assert from "node:assert/strict";
import { minSampleSize, percentiles, quantile, QUANTILE_METHOD } from "./quantile.ts";

Deno.test("percentiles() puts n beside every figure", () => {
  const values = Array.from({ length: 200 }, (_, i) => i + 1);
  const [p50, p95, p99] = percentiles(values);
  assert.equal(p50!.n, 200);
  assert.equal(p50!.value, 100.5);
  assert.ok(Math.abs(p95!.value! - 190.05) < 1e-9, `p95 ${p95!.value}`);
  assert.ok(Math.abs(p99!.value! - 198.01) < 1e-9, `p99 ${p99!.value}`);
  assert.equal(p99!.warning, null);
});

Deno.test("percentiles() warns below one expected tail value", () => {
  const values = Array.from({ length: 99 }, (_, i) => i);
  const [p50, p95, p99] = percentiles(values);
  assert.equal(p50!.warning, null);
  assert.equal(p95!.warning, null);
  assert.match(p99!.warning ?? "", /p99 from n=99 is unreliable: at least 100 values/);
  assert.equal(minSampleSize(0.99), 100);
  assert.equal(minSampleSize(0.95), 20);
  assert.equal(minSampleSize(0.5), 2);
});

Deno.test("percentiles() of empty input is null", () => {
  const [p50] = percentiles([], { percentiles: [0.5] });
  assert.equal(p50!.value, null);
  assert.equal(p50!.n, 0);
  assert.equal(p50!.warning, "p50 has no values.");
});

Deno.test("percentiles() of a single sample", () => {
  const [p50, p99] = percentiles([42], { percentiles: [0.5, 0.99] });
  assert.equal(p50!.value, 42);
  assert.equal(p99!.value, 42);
  assert.match(p50!.warning ?? "", /n=1/);
});

Deno.test("percentiles() of identical values", () => {
  const result = percentiles(new Array(500).fill(7));
  for (const percentile of result) assert.equal(percentile.value, 7);
});

Deno.test("percentiles() rejects non-finite values", () => {
  assert.throws(() => percentiles([1, Number.NaN]), RangeError);
  assert.throws(() => quantile([1, 2], 1.5), {
    name: "RangeError",
    message: "Invalid quantile probability 1.5: expected a number in [0, 1].",
  });
});

Deno.test("QUANTILE_METHOD names quantile_cont", () => {
  assert.match(QUANTILE_METHOD, /^quantile_cont/);
});
