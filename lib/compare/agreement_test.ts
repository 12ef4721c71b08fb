import assert from "node:assert/strict";
import type { Choice, Rating } from "../schema/mod.ts";
import { measureAgreement } from "./agreement.ts";

function rating(
  rater: string,
  pair: number,
  choice: Choice,
  at = "2026-01-01T00:00:00.000Z",
): Rating {
  return {
    comparison_id: `cmp-${pair}`,
    test_id: "t1",
    rater_id: rater,
    choices: { helpful: choice },
    idempotency_key: `${rater}-${pair}-${at}`,
    created_at: at,
  };
}

Deno.test("measureAgreement() compares judge with humans", () => {
  const ratings = [
    rating("ann", 1, "A"),
    rating("bob", 1, "A"),
    rating("judge:m1", 1, "A"),
    rating("ann", 2, "B"),
    rating("bob", 2, "B"),
    rating("judge:m1", 2, "B"),
    rating("ann", 3, "A"),
    rating("bob", 3, "B"),
    rating("judge:m1", 3, "A"),
  ];
  const [row] = measureAgreement(ratings, [{ id: "helpful" }]);
  assert.equal(row!.dimension, "helpful");
  assert.equal(row!.human_items, 3);
  assert.equal(row!.human_raters, 2);
  const judge = row!.judges[0]!;
  assert.equal(judge.rater_id, "judge:m1");
  assert.equal(judge.n, 6);
  // Judge labels A,A,B,B,A,A against human A,A,B,B,A,B: po = 5/6, pe = 4/6*3/6 + 2/6*3/6 = 1/2.
  assert.ok(Math.abs(judge.cohen_kappa! - 2 / 3) < 1e-12);
  assert.ok(Math.abs(judge.percent_agreement! - 5 / 6) < 1e-12);
  // Humans agree on 2 of 3 pairs; Fleiss with 2 raters: P = 2/3, pe = 0.5, kappa = 1/3.
  assert.ok(Math.abs(row!.fleiss_kappa! - 1 / 3) < 1e-12);
  assert.notEqual(row!.krippendorff_alpha, null);
});

Deno.test("measureAgreement() keeps a rater's latest rating", () => {
  const ratings = [
    rating("ann", 1, "B", "2026-01-01T00:00:00.000Z"),
    rating("ann", 1, "A", "2026-01-02T00:00:00.000Z"),
    rating("bob", 1, "A"),
  ];
  const [row] = measureAgreement(ratings, [{ id: "helpful" }]);
  assert.equal(row!.human_items, 1);
  assert.equal(row!.krippendorff_alpha, null);
});

Deno.test("measureAgreement() gives no statistic for one item", () => {
  const [row] = measureAgreement([rating("ann", 1, "A"), rating("bob", 1, "B")], [{
    id: "helpful",
  }]);
  assert.equal(row!.human_items, 1);
  assert.equal(row!.krippendorff_alpha, null);
  assert.equal(row!.fleiss_kappa, null);
  assert.match(row!.human_agreement_note!, /1 pair\(s\) have 2 or more human ratings, 2 are/);
});

Deno.test("measureAgreement() explains equal verdicts", () => {
  const ratings = [1, 2].flatMap((pair) => [rating("ann", pair, "A"), rating("bob", pair, "A")]);
  const [row] = measureAgreement(ratings, [{ id: "helpful" }]);
  assert.equal(row!.human_items, 2);
  assert.equal(row!.krippendorff_alpha, null);
  assert.equal(row!.fleiss_kappa, null);
  assert.match(row!.human_agreement_note!, /every human rating has the same verdict/);
});

Deno.test("measureAgreement() leaves the note empty when computed", () => {
  const ratings = [
    rating("ann", 1, "A"),
    rating("bob", 1, "A"),
    rating("ann", 2, "B"),
    rating("bob", 2, "A"),
  ];
  const [row] = measureAgreement(ratings, [{ id: "helpful" }]);
  assert.notEqual(row!.krippendorff_alpha, null);
  assert.notEqual(row!.fleiss_kappa, null);
  assert.equal(row!.human_agreement_note, null);
});
