import assert from "node:assert/strict";
import { cohenKappa, fleissKappa, krippendorffAlpha } from "./kappa.ts";

Deno.test("cohenKappa() matches a hand-computed table", () => {
  // 2x2 table: both yes 20, first yes second no 5, first no second yes 10, both no 15.
  const first = [...Array(25).fill("yes"), ...Array(25).fill("no")];
  const second = [
    ...Array(20).fill("yes"),
    ...Array(5).fill("no"),
    ...Array(10).fill("yes"),
    ...Array(15).fill("no"),
  ];
  // po = 0.7, pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4.
  assert.ok(Math.abs(cohenKappa(first, second)! - 0.4) < 1e-12);
});

Deno.test("cohenKappa() is null when chance agreement is 1", () => {
  assert.equal(cohenKappa(["A", "A"], ["A", "A"]), null);
  assert.equal(cohenKappa([], []), null);
});

Deno.test("cohenKappa() rejects unequal lengths", () => {
  assert.throws(() => cohenKappa(["A"], []), RangeError);
});

Deno.test("fleissKappa() matches the 1971 worked example", () => {
  // Ten items, fourteen raters, five categories; the published kappa is 0.210.
  const counts = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  assert.ok(Math.abs(fleissKappa(counts)! - 0.20993070442195522) < 1e-9);
});

Deno.test("fleissKappa() rejects rows of unequal sums", () => {
  assert.throws(() => fleissKappa([[1, 1], [2, 1]]), RangeError);
});

Deno.test("krippendorffAlpha() matches the nominal textbook example", () => {
  // Krippendorff (2011), nominal data, 4 coders and 12 units with missing values: alpha = 0.743.
  const units = [
    ["1", "1", "1"],
    ["2", "2", "3", "2"],
    ["3", "3", "3", "3"],
    ["3", "3", "3", "3"],
    ["2", "2", "2", "2"],
    ["1", "2", "3", "4"],
    ["4", "4", "4", "4"],
    ["1", "1", "2", "1"],
    ["2", "2", "2", "2"],
    ["5", "5", "5"],
    ["1", "1"],
    ["3"],
  ];
  assert.ok(Math.abs(krippendorffAlpha(units)! - 0.743) < 5e-4);
});

Deno.test("krippendorffAlpha() is null without pairable labels", () => {
  assert.equal(krippendorffAlpha([["A"], ["B"]]), null);
  assert.equal(krippendorffAlpha([["A", "A"], ["A", "A"]]), null);
});
