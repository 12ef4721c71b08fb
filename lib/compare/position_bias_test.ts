import assert from "node:assert/strict";
import type { Choice, Rating } from "../schema/mod.ts";
import { formatJudgeComment } from "./judge_prompt.ts";
import { positionBias } from "./position_bias.ts";

function rating(rater: string, choice: Choice, index: number, comment?: string): Rating {
  return {
    comparison_id: `cmp-${index}`,
    test_id: "t1",
    rater_id: rater,
    choices: { overall: choice },
    idempotency_key: `${rater}-${index}`,
    created_at: "2026-01-01T00:00:00.000Z",
    ...(comment === undefined ? {} : { comment }),
  };
}

Deno.test("positionBias() counts left wins per rater kind", () => {
  const ratings = [
    ...Array.from({ length: 30 }, (_, i) => rating("ann", "A", i)),
    ...Array.from({ length: 10 }, (_, i) => rating("bob", "B", i)),
    rating("bob", "tie", 99),
    rating("judge:m1", "B", 1),
  ];
  const [human, judge] = positionBias(ratings);
  assert.equal(human!.rater_kind, "human");
  assert.equal(human!.decisive_n, 40);
  assert.equal(human!.left_wins, 30);
  assert.equal(human!.left_win_rate, 0.75);
  // scipy.stats.binomtest(30, 40).pvalue, scipy 1.17.1: 0.0022214337732293643.
  assert.ok(Math.abs(human!.p_value! - 0.0022214337732293643) < 1e-12, String(human!.p_value));
  assert.ok(human!.ci_low! > 0.59, String(human!.ci_low));
  assert.ok(human!.ci_high! < 0.86, String(human!.ci_high));
  assert.equal(judge!.rater_kind, "judge");
  assert.equal(judge!.left_wins, 0);
});

Deno.test("positionBias() reads the judge's single-order verdicts", () => {
  const comment = formatJudgeComment({ ab: { overall: "A" }, ba: { overall: "A" } });
  const rows = positionBias([rating("judge:m1", "tie", 1, comment)]);
  const single = rows.find((row) => row.source === "judge_single_order")!;
  assert.equal(single.decisive_n, 2);
  assert.equal(single.left_wins, 2);
  assert.equal(single.p_value, 0.5);
});

Deno.test("positionBias() counts a rater's latest rating", () => {
  const first = rating("ann", "A", 1);
  const replaced = { ...rating("ann", "B", 1), created_at: "2026-01-02T00:00:00.000Z" };
  const [human] = positionBias([first, replaced, rating("bob", "A", 1)]);
  assert.equal(human!.decisive_n, 2);
  assert.equal(human!.left_wins, 1);
});
