import assert from "node:assert/strict";
import {
  buildJudgeMessages,
  combineOrders,
  formatJudgeComment,
  parseJudgeComment,
  parseVerdict,
  simulatedVerdict,
} from "./judge_prompt.ts";

const DIMENSIONS = [{ id: "helpful", description: "Answers the question" }, { id: "tone" }];

Deno.test("parseVerdict() reads a strict JSON object", () => {
  assert.deepEqual(parseVerdict('{"helpful":"A","tone":"tie"}', DIMENSIONS), {
    helpful: "A",
    tone: "tie",
  });
});

Deno.test("parseVerdict() accepts a code fence and extra keys", () => {
  const text = '```json\n{"helpful":"both_bad","tone":"B","reason":"short"}\n```';
  assert.deepEqual(parseVerdict(text, DIMENSIONS), { helpful: "both_bad", tone: "B" });
});

Deno.test("parseVerdict() rejects malformed answers", () => {
  for (const text of ["A is better", "[]", '{"helpful":"A"}', '{"helpful":"a","tone":"B"}']) {
    assert.throws(() => parseVerdict(text, DIMENSIONS), SyntaxError, text);
  }
});

Deno.test("combineOrders() turns inconsistent orders into ties", () => {
  const { verdict, inconsistent } = combineOrders({
    ab: { helpful: "A", tone: "A", extra: "both_bad" },
    ba: { helpful: "B", tone: "A", extra: "both_bad" },
  });
  assert.deepEqual(verdict, { helpful: "A", tone: "tie", extra: "both_bad" });
  assert.deepEqual(inconsistent, ["tone"]);
});

Deno.test("judge comment round-trips", () => {
  const orders = { ab: { helpful: "A" as const }, ba: { helpful: "tie" as const } };
  assert.deepEqual(parseJudgeComment(formatJudgeComment(orders)), orders);
  assert.equal(parseJudgeComment("great answer"), undefined);
  assert.equal(parseJudgeComment(undefined), undefined);
});

Deno.test("buildJudgeMessages() names every dimension", () => {
  const [system, user] = buildJudgeMessages({
    rubric: "Be fair.",
    dimensions: DIMENSIONS,
    vars: { q: "why?" },
    a: "first",
    b: "second",
  });
  assert.equal(system!.role, "system");
  assert.match(system!.content, /- helpful: Answers the question/);
  assert.match(system!.content, /\{"helpful":"A","tone":"A"\}/);
  assert.match(user!.content, /q: why\?/);
  assert.ok(user!.content.indexOf("first") < user!.content.indexOf("second"));
});

Deno.test("simulatedVerdict() agrees with itself in both orders", () => {
  const long = "word ".repeat(80);
  const short = "word word";
  for (let seed = 0; seed < 20; seed++) {
    const ab = simulatedVerdict({
      rubric: "r",
      dimensions: DIMENSIONS,
      vars: {},
      a: long,
      b: short,
    }, {
      seed,
    });
    const ba = simulatedVerdict({
      rubric: "r",
      dimensions: DIMENSIONS,
      vars: {},
      a: short,
      b: long,
    }, {
      seed,
    });
    assert.deepEqual(combineOrders({ ab, ba }).inconsistent, []);
    assert.equal(ab.helpful, "A");
  }
});
