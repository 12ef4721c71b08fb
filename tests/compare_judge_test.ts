import assert from "node:assert/strict";
import { fixtureResult, fixtureTest } from "../lib/compare/_testing.ts";
import { runJudge } from "../lib/compare/judge.ts";
import { buildPairs } from "../lib/compare/pairs.ts";
import { positionBias } from "../lib/compare/position_bias.ts";
import { summarizeJudges } from "../lib/compare/report_sections.ts";
import { MemoryStore } from "../lib/store/memory_store.ts";

const SHORT = "Short reply.";
const LONG = "A longer reply that explains the steps, the reason and what to do next.";

/**
 * An OpenAI-compatible judge on loopback: it prefers the longer response on
 * `helpful` in either order, always picks the left one on `tone`, and rejects
 * the first attempt of each request with a 429.
 */
function startJudgeServer() {
  const attempts = new Map<string, number>();
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      requests++;
      const body = await request.json();
      const user: string = body.messages.find((m: { role: string }) => m.role === "user").content;
      const count = (attempts.get(user) ?? 0) + 1;
      attempts.set(user, count);
      if (count === 1) {
        return Response.json({ error: { message: "slow down", type: "rate_limit" } }, {
          status: 429,
          headers: { "retry-after-ms": "5" },
        });
      }
      const a = /Response A:\n<<<\n([\s\S]*?)\n>>>/.exec(user)![1]!;
      const b = /Response B:\n<<<\n([\s\S]*?)\n>>>/.exec(user)![1]!;
      let helpful = "tie";
      if (a.length > b.length) helpful = "A";
      if (a.length < b.length) helpful = "B";
      return Response.json({
        id: "chatcmpl-judge",
        object: "chat.completion",
        created: 0,
        model: body.model,
        choices: [{
          index: 0,
          message: { role: "assistant", content: JSON.stringify({ helpful, tone: "A" }) },
          finish_reason: "stop",
        }],
        usage: { prompt_tokens: 1000, completion_tokens: 20, total_tokens: 1020 },
      });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    requests: () => requests,
    close: () => server.shutdown(),
  };
}

Deno.test("runJudge() rates pairs through an OpenAI-compatible server", async () => {
  const judgeServer = startJudgeServer();
  try {
    const test = fixtureTest(4, {
      rating_dimensions: [{ id: "helpful" }, { id: "tone" }],
      judge: {
        model: {
          id: "mini",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: judgeServer.url,
          api_key_env: "JUDGE_KEY",
          max_attempts: 3,
        },
        rubric: "Prefer the answer that helps the customer most.",
      },
    });
    const store = new MemoryStore();
    await store.createTest(test, {
      test_id: test.id,
      status: "completed",
      history: [{ status: "completed", at: "2026-01-01T00:00:00.000Z" }],
    });
    // Variant v2 writes the long response.
    const sink = await store.openResults(test.id);
    for (const c of test.cases) {
      for (const arm of ["v1/m1", "v2/m1"]) {
        await sink.write(
          fixtureResult(test.id, arm, c.id, { output: arm.startsWith("v2") ? LONG : SHORT }),
        );
      }
    }
    await sink.close();
    const pairs = buildPairs(test, await store.readResults(test.id));
    await store.putComparisons(test.id, pairs);
    assert.equal(pairs.length, 4);

    const summary = await runJudge(test, { store, env: { JUDGE_KEY: "sk-judge-test" } });

    assert.equal(summary.rater_id, "judge:mini");
    assert.equal(summary.judged, 4);
    assert.equal(summary.failed, 0);
    assert.equal(summary.calls, 8);
    assert.equal(judgeServer.requests(), 16);
    assert.equal(summary.simulated, false);
    // gpt-4o-mini: $0.15 per million input and $0.60 per million output tokens.
    assert.ok(Math.abs(summary.cost_usd - 8 * (1000 * 0.15 + 20 * 0.6) / 1e6) < 1e-12);
    assert.equal(summary.inconsistent, 4);

    const ratings = await store.listRatings(test.id);
    const [judgeReport] = summarizeJudges(ratings);
    assert.ok(Math.abs(judgeReport!.cost_usd - summary.cost_usd) < 1e-12);
    assert.equal(judgeReport!.inconsistent, 4);
    for (const rating of ratings) {
      const pair = pairs.find((p) => p.id === rating.comparison_id)!;
      const longSide = pair.arm_a.startsWith("v2") ? "A" : "B";
      assert.equal(rating.choices.helpful, longSide, rating.comparison_id);
      assert.equal(rating.choices.tone, "tie", rating.comparison_id);
    }

    // The judge's own left preference shows in its single-order verdicts only.
    const single = positionBias(ratings).find((row) => row.source === "judge_single_order")!;
    assert.equal(single.decisive_n, 16);
    // Tone is left in all 8 calls; helpful follows the long response, left in 4 of 8.
    assert.equal(single.left_wins, 12);
  } finally {
    await judgeServer.close();
  }
});
