import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureResults, fixtureTest } from "../lib/compare/_testing.ts";
import type { ComparisonPair } from "../lib/schema/mod.ts";
import { postJson, startTestServer } from "../lib/server/_testing.ts";
import { FsStore } from "../lib/store/fs_store.ts";

const DIMENSIONS = [{ id: "helpful" }, { id: "tone" }];

/** Create a test with results and pairs through the API. */
async function seedTest(url: string, cases: number): Promise<void> {
  const test = fixtureTest(cases, { id: "load", rating_dimensions: DIMENSIONS });
  assert.equal((await postJson(`${url}/ab-tests`, test)).status, 201);
  const results = fixtureResults(test);
  assert.equal((await postJson(`${url}/ab-tests/load/results`, { results })).status, 201);
  assert.equal((await postJson(`${url}/ab-tests/load/compare`, {})).status, 200);
  const lines = await fetch(`${url}/ab-tests/load/comparisons/next?rater=probe`);
  assert.equal(lines.status, 200);
  await lines.body?.cancel();
}

function ratingBody(i: number, pairs: string[]) {
  return {
    rater_id: `rater-${i % 100}`,
    choices: { helpful: i % 3 === 0 ? "A" : "B", tone: "tie" },
    idempotency_key: `key-${i}`,
    comparison: pairs[i % pairs.length]!,
  };
}

async function submit(url: string, body: ReturnType<typeof ratingBody>, signal?: AbortSignal) {
  const { comparison, ...rating } = body;
  const response = await fetch(`${url}/ab-tests/rate/${comparison}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...rating, test_id: "load" }),
    ...(signal === undefined ? {} : { signal }),
  });
  const json = await response.json();
  return { status: response.status, json };
}

async function readPairIds(root: string): Promise<string[]> {
  const text = await Deno.readTextFile(join(root, "load", "comparisons.jsonl"));
  return text.trim().split("\n").map((line) => (JSON.parse(line) as ComparisonPair).id);
}

Deno.test("server stores 1,000 concurrent ratings exactly once", async () => {
  await using t = await startTestServer({ rateLimit: false });
  await seedTest(t.url, 20);
  const pairs = await readPairIds(t.root);
  assert.equal(pairs.length, 120);

  // 800 distinct ratings, and 200 replays of the first 200 keys, all at once.
  const bodies = Array.from({ length: 1000 }, (_, i) => ratingBody(i < 800 ? i : i - 800, pairs));
  const signal = AbortSignal.timeout(60_000);
  const responses = await Promise.all(bodies.map((body) => submit(t.url, body, signal)));

  const created = responses.filter((r) => r.status === 201).length;
  const replayed = responses.filter((r) => r.status === 200).length;
  assert.equal(created, 800);
  assert.equal(replayed, 200);
  for (const r of responses) assert.equal(r.json.rating.test_id, "load");

  const stored = await t.store.listRatings("load");
  assert.equal(stored.length, 800);
  assert.equal(new Set(stored.map((r) => r.idempotency_key)).size, 800);

  // The log on disk contains each rating once, and a new store reads the same.
  const lines = (await Deno.readTextFile(join(t.root, "load", "ratings.jsonl"))).trim().split("\n");
  assert.equal(lines.length, 800);
  const reopened = new FsStore({ root: t.root });
  try {
    assert.equal((await reopened.listRatings("load")).length, 800);
  } finally {
    await reopened.close();
  }
});

/** Start `ablab serve` as a subprocess and wait for its address. */
async function spawnServer(root: string): Promise<{ child: Deno.ChildProcess; url: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "lib/server/serve_command.ts",
      "--port",
      "0",
      "--rate",
      "1000000",
      "--out",
      root,
      "--site",
      join(root, "none"),
    ],
    stdout: "null",
    stderr: "piped",
    env: { ABLAB_TOKEN: "" },
  });
  const child = command.spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
    if (match) {
      // Keep draining stderr so the child never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })().catch(() => {});
      return { child, url: match[1]! };
    }
  }
  child.kill("SIGKILL");
  await child.status;
  throw new Error(`server did not start within 30 s; stderr:\n${seen}`);
}

/** Acknowledged ratings after which the server is killed: the first wave's 200 and 50 more. */
const KILL_AFTER = 250;
/** Concurrent request loops, enough that some requests are in flight at the kill. */
const STREAM_WORKERS = 16;
/** Bound on the requests of the stream, far above the 50 needed to reach KILL_AFTER. */
const STREAM_MAX_REQUESTS = 5_000;
/** Bound on the time of the stream, far above the expected second. */
const STREAM_TIMEOUT_MS = 30_000;

Deno.test("server keeps acknowledged ratings after SIGKILL", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab-kill-" });
  try {
    const first = await spawnServer(root);
    await seedTest(first.url, 10);
    const pairs = await readPairIds(root);

    // One wave fully acknowledged, so a replay after the restart has a stored record.
    const acknowledged = new Set<string>();
    const wave1 = await Promise.all(
      Array.from({ length: 200 }, (_, i) => submit(first.url, ratingBody(i, pairs))),
    );
    for (const r of wave1) {
      assert.equal(r.status, 201);
      acknowledged.add(r.json.rating.idempotency_key);
    }

    // Then a stream of requests from several workers, each sending its next
    // request as soon as the previous one returns, so requests are in flight at
    // the kill however fast the server is. The worker that gets the KILL_AFTER-th
    // acknowledgement sends SIGKILL. Every worker stops at its first failed
    // request after the kill, or at the count or time bound.
    const state = { next: 200, killed: false, inFlightAtKill: 0 };
    const inFlight = new Set<number>();
    const streamDeadline = Date.now() + STREAM_TIMEOUT_MS;
    const worker = async () => {
      while (state.next < 200 + STREAM_MAX_REQUESTS && Date.now() < streamDeadline) {
        const i = state.next++;
        inFlight.add(i);
        let response;
        try {
          response = await submit(first.url, ratingBody(i, pairs));
        } catch (error) {
          if (state.killed) return;
          throw error;
        } finally {
          inFlight.delete(i);
        }
        if (response.status === 201) acknowledged.add(response.json.rating.idempotency_key);
        else assert.ok(state.killed, `rating ${i} returned ${response.status} before the kill`);
        if (!state.killed && acknowledged.size >= KILL_AFTER) {
          state.killed = true;
          state.inFlightAtKill = inFlight.size;
          first.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: STREAM_WORKERS }, worker));
    if (!state.killed) first.child.kill("SIGKILL");
    await first.child.status;
    assert.ok(state.killed, `only ${acknowledged.size} ratings acknowledged before the bound`);
    assert.ok(state.inFlightAtKill >= 1, "no request was in flight at the kill");

    // Every acknowledged rating is on disk, once.
    const store = new FsStore({ root });
    const stored = await store.listRatings("load").finally(() => store.close());
    const keys = stored.map((r) => r.idempotency_key);
    assert.equal(new Set(keys).size, keys.length);
    for (const key of acknowledged) assert.ok(keys.includes(key), `${key} lost after SIGKILL`);

    // After a restart a replay returns the stored record.
    const second = await spawnServer(root);
    try {
      const replay = await submit(second.url, ratingBody(0, pairs));
      assert.equal(replay.status, 200);
      assert.equal(replay.json.created, false);
    } finally {
      second.child.kill("SIGTERM");
      await second.child.status;
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
