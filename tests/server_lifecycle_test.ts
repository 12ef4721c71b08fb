import assert from "node:assert/strict";
import { experimentYaml, postJson, startTestServer } from "../lib/server/_testing.ts";
import { FsStore } from "../lib/store/fs_store.ts";

async function waitForStatus(url: string, status: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const progress = await (await fetch(url)).json();
    if (progress.status === status) return progress;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`test did not reach ${status} within 20 s`);
}

Deno.test("server runs a test through its lifecycle", async () => {
  await using t = await startTestServer();
  const base = `${t.url}/ab-tests`;

  // Create from an experiment file.
  const created = await fetch(base, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: experimentYaml(),
  });
  assert.equal(created.status, 201);
  const record = await created.json();
  assert.equal(record.state.status, "draft");
  assert.equal(record.test.cases.length, 6);

  const list = await (await fetch(base)).json();
  assert.deepEqual(list.tests.map((row: { test_id: string }) => row.test_id), ["api-demo"]);

  // Start; the run completes the test once every call is stored.
  const started = await postJson(`${base}/api-demo/start`, {});
  assert.equal(started.status, 200);
  assert.equal(started.body.status, "running");
  const progress = await waitForStatus(`${base}/api-demo/progress`, "completed");
  assert.equal(progress.planned_calls, 24);
  assert.equal(progress.stored_calls, 24);

  // The finished run wrote the report.
  const afterRun = await fetch(`${base}/api-demo/report`);
  assert.equal(afterRun.status, 200);
  const runReport = await afterRun.json();
  assert.equal(runReport.status, "completed");
  assert.ok(!JSON.stringify(runReport).includes("judge:large"), "report before compare");

  const again = await postJson(`${base}/api-demo/pause`, {});
  assert.equal(again.status, 409);
  const late = await postJson(`${base}/api-demo/results`, { results: [] });
  assert.equal(late.status, 409);

  // The event stream of a finished test sends one progress event and ends.
  const events = await fetch(`${base}/api-demo/events`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(events.headers.get("content-type"), "text/event-stream");
  const stream = await events.text();
  assert.match(stream, /^event: progress\ndata: \{.*"status":"completed".*\}\n\n$/);

  // Pairs and the judge.
  const compared = await postJson(`${base}/api-demo/compare`, { mode: "all" });
  assert.equal(compared.status, 200);
  assert.equal(compared.body.comparisons, 36);
  assert.equal(compared.body.created, 36);
  const judge = compared.body.judge as Record<string, unknown>;
  assert.equal(judge.judged, 36);
  assert.equal(judge.rater_id, "judge:large");
  assert.equal(judge.calls, 72);
  assert.equal(compared.body.report_written, true);
  const afterCompare = await (await fetch(`${base}/api-demo/report`)).json();
  assert.ok(
    JSON.stringify(afterCompare).includes("judge:large"),
    "report after compare lists no judge ratings",
  );

  // A blind pair for a person, then the rating reveals the arms.
  const next = await fetch(`${base}/api-demo/comparisons/next?rater=ann`);
  assert.equal(next.status, 200);
  const text = await next.text();
  for (const arm of ["plain/small", "plain/large", "polite/small", "polite/large"]) {
    assert.ok(!text.includes(arm), `blind pair reveals ${arm}`);
  }
  const { pair } = JSON.parse(text);
  const rating = {
    rater_id: "ann",
    choices: { helpful: "A", tone: "tie" },
    idempotency_key: "ann-1",
  };
  const rated = await postJson(`${base}/rate/${pair.comparison_id}`, rating);
  assert.equal(rated.status, 201);
  assert.equal(rated.body.created, true);
  const revealed = rated.body.revealed as { arm_a: string; arm_b: string };
  assert.notEqual(revealed.arm_a, revealed.arm_b);

  const replay = await postJson(`${base}/rate/${pair.comparison_id}`, rating);
  assert.equal(replay.status, 200);
  assert.equal(replay.body.created, false);
  assert.deepEqual(replay.body.rating, rated.body.rating);

  const following = await (await fetch(`${base}/api-demo/comparisons/next?rater=ann`)).json();
  assert.notEqual(following.pair.comparison_id, pair.comparison_id);

  // Two more people rate ten pairs each, always preferring the left side.
  for (const rater of ["bob", "cy"]) {
    for (let i = 0; i < 10; i++) {
      const view = await (await fetch(`${base}/api-demo/comparisons/next?rater=${rater}`)).json();
      const choices = { helpful: "A", tone: i % 2 === 0 ? "tie" : "B" };
      const ok = await postJson(`${base}/rate/${view.pair.comparison_id}`, {
        rater_id: rater,
        choices,
      });
      assert.equal(ok.status, 201);
    }
  }

  // Rating statistics.
  const summary = await (await fetch(`${base}/api-demo/ratings/summary`)).json();
  assert.equal(summary.ratings, 57);
  const human = summary.position_bias.find((row: { rater_kind: string }) =>
    row.rater_kind === "human"
  );
  assert.equal(human.left_wins, 21);
  assert.equal(summary.agreement.length, 2);
  assert.equal(summary.agreement[0].judges[0].rater_id, "judge:large");
  assert.ok(summary.agreement[0].human_items >= 1);

  // Aggregates and the report.
  const aggregate = await postJson(`${base}/api-demo/aggregate`, {});
  assert.equal(aggregate.status, 200);
  const arms = aggregate.body.arms as { n: number }[];
  assert.deepEqual(arms.map((arm) => arm.n), [6, 6, 6, 6]);
  const reported = await postJson(`${base}/api-demo/report`, {});
  assert.equal(reported.status, 200);
  const markdown = reported.body.markdown as string;
  assert.match(markdown, /Position bias/);
  assert.match(markdown, /Rater agreement/);
  assert.match(markdown, /judge:large/);
  const sections = (reported.body.report as { sections: { id: string }[] }).sections.map((s) =>
    s.id
  );
  for (const id of ["pairwise", "ranking", "position-bias", "rater-agreement", "llm-judge"]) {
    assert.ok(sections.includes(id), `report lacks section ${id}: ${sections.join(", ")}`);
  }
  const stored = await fetch(`${base}/api-demo/report`);
  assert.equal(stored.status, 200);
  assert.equal((await stored.json()).test_id, "api-demo");

  const completed = await postJson(`${base}/api-demo/complete`, {});
  assert.equal(completed.status, 409);
  assert.ok(
    t.logger.lines.some((line) => line.message.startsWith("POST /ab-tests/api-demo/start -> 200")),
  );
});

Deno.test("server pauses a run and resumes it", async () => {
  await using t = await startTestServer();
  const base = `${t.url}/ab-tests`;
  const yaml = experimentYaml("slow").replaceAll(
    "time_scale: 0",
    "time_scale: 1, latency_median_ms: 300",
  )
    .replace("seed: 3", "seed: 3\nconcurrency: 2");
  const created = await fetch(base, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: yaml,
  });
  assert.equal(created.status, 201);

  assert.equal((await postJson(`${base}/slow/start`, {})).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const paused = await postJson(`${base}/slow/pause`, {});
  assert.equal(paused.status, 200);
  assert.equal(paused.body.status, "paused");
  const partial = await (await fetch(`${base}/slow/progress`)).json();
  assert.equal(partial.run.active, false);
  assert.ok(partial.stored_calls > 0, `${partial.stored_calls} calls stored`);
  assert.ok(partial.stored_calls < 24, `${partial.stored_calls} calls stored`);

  // Resume makes only the missing calls, then completes.
  const resumed = await postJson(`${base}/slow/start`, {});
  assert.equal(resumed.body.status, "running");
  const final = await waitForStatus(`${base}/slow/progress`, "completed");
  assert.equal(final.stored_calls, 24);
  assert.equal((await t.store.readResults("slow")).length, 24);
});

/** A store whose result reads stall once `slow` is set, so a stream read can outlive its client. */
class SlowStore extends FsStore {
  slow = false;

  override async storedCalls(testId: string) {
    if (this.slow) await new Promise((resolve) => setTimeout(resolve, 1_500));
    return super.storedCalls(testId);
  }
}

Deno.test("server survives a client leaving the event stream", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab-events-" });
  const store = new SlowStore({ root });
  await using t = await startTestServer({ store });
  const base = `${t.url}/ab-tests`;
  const created = await fetch(base, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: experimentYaml("idle"),
  });
  assert.equal(created.status, 201);

  // A draft test never ends, so the stream keeps sending until the client leaves.
  const leaving = new AbortController();
  const events = await fetch(`${base}/idle/events`, { signal: leaving.signal });
  const reader = events.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /^event: progress\n/);

  // The next event's read stalls; the client leaves while it is pending, and
  // the read then finishes on a cancelled stream.
  store.slow = true;
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  leaving.abort();
  await reader.cancel().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  store.slow = false;
  const progress = await fetch(`${base}/idle/progress`);
  assert.equal(progress.status, 200);
  assert.equal((await progress.json()).status, "draft");
  await store.close();
  await Deno.remove(root, { recursive: true });
});

Deno.test("server pauses a run whose calls all failed", async () => {
  await using t = await startTestServer();
  const base = `${t.url}/ab-tests`;
  const yaml = experimentYaml("all-fail").replace(
    /profile: \{time_scale: 0, output_words: (\d+)\}/g,
    "max_attempts: 1, profile: {time_scale: 0, output_words: $1, error_rate: 1}",
  );
  assert.match(yaml, /error_rate: 1/);
  const created = await fetch(base, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: yaml,
  });
  assert.equal(created.status, 201);

  const started = await postJson(`${base}/all-fail/start`, {});
  assert.equal(started.status, 200);
  const progress = await waitForStatus(`${base}/all-fail/progress`, "paused");
  assert.equal(progress.stored_calls, 24);
  const state = await (await fetch(`${base}/all-fail`)).json();
  assert.equal(state.state.history.at(-1).reason, "every call failed");
});
