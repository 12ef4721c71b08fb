import assert from "node:assert/strict";
import type { CallRequest, CallResponse, Provider } from "../providers/provider.ts";
import { MemoryStore } from "../store/memory_store.ts";
import { buildPairs } from "./pairs.ts";
import { fixtureResults, fixtureTest } from "./_testing.ts";
import { runJudge } from "./judge.ts";
import { parseJudgeComment } from "./judge_prompt.ts";

async function setup(judgeModel: unknown) {
  const test = fixtureTest(3, {
    models: [
      { id: "m1", model: "sim-a" },
      { id: "m2", model: "sim-b", price: { input: 1, output: 2 } },
    ],
    rating_dimensions: [{ id: "helpful" }, { id: "tone" }],
    judge: { model: judgeModel as string, rubric: "Prefer the more helpful answer." },
  });
  const store = new MemoryStore();
  await store.createTest(test, {
    test_id: test.id,
    status: "draft",
    history: [{ status: "draft", at: "2026-01-01T00:00:00.000Z" }],
  });
  const sink = await store.openResults(test.id);
  for (const row of fixtureResults(test)) await sink.write(row);
  await sink.close();
  const pairs = buildPairs(test, await store.readResults(test.id));
  await store.putComparisons(test.id, pairs);
  return { test, store, pairs };
}

/** A judge that always prefers whatever is shown first, in strict JSON. */
class LeftLovingJudge implements Provider {
  readonly name = "left-loving";
  calls = 0;
  call(_request: CallRequest): Promise<CallResponse> {
    this.calls++;
    return Promise.resolve({
      output: '{"helpful":"A","tone":"tie"}',
      finish_reason: "stop",
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 10,
        total_tokens: 1010,
        cached_tokens: null,
        cache_write_tokens: null,
        reasoning_tokens: null,
      },
      ttft_ms: null,
      simulated: false,
    });
  }
}

Deno.test("runJudge() stores order-inconsistent verdicts as ties", async () => {
  const { test, store, pairs } = await setup("m2");
  const provider = new LeftLovingJudge();
  const summary = await runJudge(test, { store, provider: () => provider });

  assert.equal(summary.judged, pairs.length);
  assert.equal(summary.calls, 2 * pairs.length);
  assert.equal(provider.calls, 2 * pairs.length);
  assert.equal(summary.inconsistent, pairs.length);
  assert.ok(Math.abs(summary.cost_usd - 2 * pairs.length * (1000 * 1 + 10 * 2) / 1e6) < 1e-12);
  assert.equal(summary.simulated, false);

  const ratings = await store.listRatings(test.id);
  assert.equal(ratings.length, pairs.length);
  for (const rating of ratings) {
    assert.equal(rating.rater_id, "judge:m2");
    assert.deepEqual(rating.choices, { helpful: "tie", tone: "tie" });
    assert.deepEqual(parseJudgeComment(rating.comment)?.ab, { helpful: "A", tone: "tie" });
  }
});

Deno.test("runJudge() skips pairs it already rated", async () => {
  const { test, store, pairs } = await setup("m2");
  const provider = new LeftLovingJudge();
  await runJudge(test, { store, provider: () => provider });
  const again = await runJudge(test, { store, provider: () => provider });
  assert.equal(again.judged, 0);
  assert.equal(again.skipped, pairs.length);
  assert.equal(provider.calls, 2 * pairs.length);
});

Deno.test("runJudge() derives simulated verdicts deterministically", async () => {
  const first = await setup({ id: "judge", model: "sim-judge", profile: { time_scale: 0 } });
  const second = await setup({ id: "judge", model: "sim-judge", profile: { time_scale: 0 } });
  const summary = await runJudge(first.test, { store: first.store });
  await runJudge(second.test, { store: second.store });

  assert.equal(summary.simulated, true);
  assert.equal(summary.judged, first.pairs.length);
  const choices = async (store: MemoryStore) =>
    (await store.listRatings("t1")).map((r) => [r.comparison_id, r.choices]).sort();
  assert.deepEqual(await choices(first.store), await choices(second.store));
});

Deno.test("runJudge() rejects a test without judge", async () => {
  const test = fixtureTest(1);
  await assert.rejects(() => runJudge(test, { store: new MemoryStore() }), {
    name: "RangeError",
    message: /has no judge/,
  });
});
