import assert from "node:assert/strict";
import type { Rating } from "../schema/mod.ts";
import { formatJudgeComment } from "./judge_prompt.ts";
import { ratingSections, summarizeJudges } from "./report_sections.ts";

function rating(rater: string, pair: number, helpful: "A" | "B" | "tie", comment?: string): Rating {
  return {
    comparison_id: `cmp-${pair}`,
    test_id: "t1",
    rater_id: rater,
    choices: { helpful },
    idempotency_key: `${rater}-${pair}`,
    created_at: "2026-01-01T00:00:00.000Z",
    ...(comment === undefined ? {} : { comment }),
  };
}

const RATINGS = [
  rating("ann", 1, "A"),
  rating("bob", 1, "A"),
  rating("ann", 2, "B"),
  rating("bob", 2, "A"),
  rating(
    "judge:m",
    1,
    "A",
    formatJudgeComment({ ab: { helpful: "A" }, ba: { helpful: "B" }, cost_usd: 0.25 }),
  ),
  rating(
    "judge:m",
    2,
    "tie",
    formatJudgeComment({ ab: { helpful: "A" }, ba: { helpful: "A" }, cost_usd: null }),
  ),
];

Deno.test("ratingSections() is empty without ratings", () => {
  assert.deepEqual(ratingSections([], [{ id: "helpful" }]), []);
});

Deno.test("ratingSections() builds three sections", () => {
  const sections = ratingSections(RATINGS, [{ id: "helpful" }]);
  assert.deepEqual(sections.map((s) => s.id), ["position-bias", "rater-agreement", "llm-judge"]);
  assert.match(sections[0]!.markdown, /\| human \| stored verdicts \| 4 \| 3 \| 75\.0% \|/);
  assert.match(sections[1]!.markdown, /\| helpful \| judge:m \| 4 \|/);
  assert.match(sections[2]!.markdown, /\| judge:m \| 2 \| 1 \(50\.0%\) \| \$0\.2500 \| 1 \|/);
});

Deno.test("summarizeJudges() sums known costs", () => {
  const [judge] = summarizeJudges(RATINGS);
  assert.equal(judge!.pairs, 2);
  assert.equal(judge!.inconsistent, 1);
  assert.equal(judge!.verdicts, 2);
  assert.equal(judge!.cost_usd, 0.25);
  assert.equal(judge!.cost_unknown_pairs, 1);
});

Deno.test("summarizeJudges() counts a re-rated pair once", () => {
  const again = {
    ...rating(
      "judge:m",
      1,
      "A",
      formatJudgeComment({ ab: { helpful: "A" }, ba: { helpful: "A" }, cost_usd: 0.5 }),
    ),
    idempotency_key: "judge:m-1-again",
    created_at: "2026-01-02T00:00:00.000Z",
  };
  const [judge] = summarizeJudges([...RATINGS, again]);
  assert.equal(judge!.pairs, 2);
  // The same side named in both orders is inconsistent: the new rating of pair 1 and pair 2.
  assert.equal(judge!.inconsistent, 2);
  assert.equal(judge!.verdicts, 2);
  assert.equal(judge!.cost_usd, 0.75);
  assert.equal(judge!.cost_unknown_pairs, 1);
});
