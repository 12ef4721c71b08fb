import assert from "node:assert/strict";
import { join } from "node:path";
import { createPlan, FsStore, loadExperiment, TestStateSchema } from "../lib/mod.ts";
import type { RunJsonSummary } from "../lib/cli/run_args.ts";
import { CLI_MAIN, REPO_ROOT, runCli, runMain, writeSmallExperiment } from "./cli_helpers.ts";

/** Time limit for the interrupted run, far above its expected 4 seconds. */
const RUN_TIMEOUT_MS = 60_000;

/**
 * Starts `ablab run`, sends the first of `signals` once a progress line shows
 * a finished call and each next one once the CLI logged the previous, and
 * returns the exit code and the JSON summary. Waiting matters because the OS
 * merges two pending signals of the same kind into one.
 */
async function runAndInterrupt(
  args: string[],
  signals: Deno.Signal[] = ["SIGINT"],
): Promise<{ code: number; summary: RunJsonSummary; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI_MAIN, ...args],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);

  const stdout = new Response(child.stdout).text();
  let stderr = "";
  let sent = 0;
  const decoder = new TextDecoder();
  for await (const chunk of child.stderr) {
    stderr += decoder.decode(chunk, { stream: true });
    const ready = sent === 0
      ? /^progress .* -> [1-9]\d*\/\d+ calls/m.test(stderr)
      : (stderr.match(/^warning: SIG[A-Z]+ received/gm)?.length ?? 0) >= sent;
    if (sent < signals.length && ready) child.kill(signals[sent++]!);
  }
  const status = await child.status;
  clearTimeout(timer);
  assert.equal(sent, signals.length, `sent ${sent} of ${signals.length} signals:\n${stderr}`);
  return { code: status.code, summary: JSON.parse(await stdout), stderr };
}

/** Runs `SELECT columns FROM <every Parquet part file> rest` and returns the rows. */
async function queryResults(
  out: string,
  testId: string,
  query: { columns: string; rest?: string },
): Promise<Record<string, unknown>[]> {
  const store = new FsStore({ root: out });
  try {
    const files = await store.resultFiles(testId);
    const connection = await (await store.duckdb()).connect();
    const list = files.map((file) => `'${file.replaceAll("'", "''")}'`).join(", ");
    const reader = await connection.runAndReadAll(
      `SELECT ${query.columns} FROM read_parquet([${list}]) ${query.rest ?? ""}`,
    );
    connection.closeSync();
    return reader.getRowObjectsJS();
  } finally {
    await store.close();
  }
}

/** Counts the stored rows per call key. */
async function rowsPerKey(out: string, testId: string): Promise<Map<string, number>> {
  const rows = await queryResults(out, testId, {
    columns: "call_key, count(*)::INTEGER AS n",
    rest: "GROUP BY call_key",
  });
  return new Map(rows.map((row) => [row.call_key as string, row.n as number]));
}

/** Reads the stored cost in USD per call key. */
async function costPerKey(out: string, testId: string): Promise<Map<string, number>> {
  const rows = await queryResults(out, testId, { columns: "call_key, cost_usd" });
  return new Map(rows.map((row) => [row.call_key as string, row.cost_usd as number]));
}

Deno.test("resume after SIGINT makes each call once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-resume-" });
  try {
    const file = await writeSmallExperiment(dir, {
      cases: 6,
      latencyMs: 600,
      timeScale: 1,
      concurrency: 2,
    });
    const out = join(dir, "out");

    const first = await runAndInterrupt(["run", file, "--out", out, "--id", "r1", "--json"]);

    assert.equal(first.code, 1, first.stderr);
    assert.equal(first.summary.status, "paused");
    assert.equal(first.summary.reason, "interrupted");
    assert.ok(first.summary.done >= 1, `made ${first.summary.done} calls`);
    assert.ok(first.summary.done < 12, `made ${first.summary.done} calls`);
    assert.match(first.stderr, /SIGINT received: finishing the calls in flight of r1/);
    assert.ok(
      first.stderr.includes(`continue with \`deno task run --resume r1 --out ${out}\``),
      first.stderr,
    );
    const paused = TestStateSchema.parse(
      JSON.parse(await Deno.readTextFile(join(out, "r1", "state.json"))),
    );
    assert.equal(paused.status, "paused");
    assert.equal(paused.history.at(-1)?.reason, "interrupted");

    const second = await runCli(["run", "--resume", "r1", "--out", out, "--json"]);

    assert.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout);
    assert.equal(summary.status, "completed");
    assert.equal(summary.done, 12 - first.summary.done);
    assert.equal(summary.skipped, first.summary.done);

    const test = await loadExperiment(file);
    const expected = [...createPlan({ ...test, id: "r1" }).calls()].map((call) => call.key).sort();
    const counts = await rowsPerKey(out, "r1");
    assert.deepEqual([...counts.keys()].sort(), expected);
    for (const [key, n] of counts) assert.equal(n, 1, `key ${key} stored ${n} times`);

    const state = TestStateSchema.parse(
      JSON.parse(await Deno.readTextFile(join(out, "r1", "state.json"))),
    );
    assert.deepEqual(state.history.map((change) => change.status), [
      "draft",
      "running",
      "paused",
      "running",
      "completed",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--retry-errors reruns errors and missing calls", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-retry-" });
  try {
    const file = await writeSmallExperiment(dir, { cases: 4, concurrency: 1, brokenModel: true });
    const out = join(dir, "out");

    // The simulated draws depend on the seed and the text, so a full run of the
    // same file prices each call. With concurrency 1 the plan order is sim, broken,
    // sim, and the budget is checked when a call starts. So a budget between the
    // first sim call's cost and the first two sim calls' cost stops the run after
    // the third call, with one error of the broken model stored.
    const probeOut = join(dir, "probe");
    const probe = await runMain(["run", file, "--out", probeOut, "--id", "e1", "--json"]);
    // Every call of the broken model fails, which pauses the test.
    assert.equal(probe.code, 1, probe.stderr);
    assert.match(probe.stderr, /paused \(every call failed in plain\/broken, brief\/broken\)/);
    const costs = await costPerKey(probeOut, "e1");
    const firstSim = costs.get("e1|plain/sim|case-1|0");
    const secondSim = costs.get("e1|brief/sim|case-1|0");
    assert.ok(firstSim !== undefined, "first sim call not stored");
    assert.ok(secondSim !== undefined, "second sim call not stored");
    assert.ok(firstSim > 0, `first sim call cost ${firstSim}`);
    assert.ok(secondSim > 0, `second sim call cost ${secondSim}`);
    const budget = firstSim + secondSim / 2;

    const first = await runMain([
      "run",
      file,
      "--out",
      out,
      "--id",
      "e1",
      "--json",
      "--max-cost-usd",
      String(budget),
    ]);
    assert.equal(first.code, 1, first.stderr);
    const paused: RunJsonSummary = JSON.parse(first.stdout);
    assert.equal(paused.reason, "budget reached");
    assert.equal(paused.errors, 1, `stored ${paused.errors} errors`);
    assert.equal(paused.done, 3, `made ${paused.done} calls`);

    const retried = await runMain([
      "run",
      "--resume",
      "e1",
      "--retry-errors",
      "--out",
      out,
      "--json",
      "--max-cost-usd",
      "1",
    ]);

    // The broken model fails again, so its arms pause the test once more.
    assert.equal(retried.code, 1, retried.stderr);
    const summary: RunJsonSummary = JSON.parse(retried.stdout);
    assert.equal(summary.status, "paused");
    assert.equal(summary.to_run, 16 - paused.done + paused.errors);
    assert.equal(summary.done, summary.to_run);

    const counts = await rowsPerKey(out, "e1");
    assert.equal(counts.size, 16);
    const twice = [...counts.entries()].filter(([, n]) => n === 2).map(([key]) => key);
    assert.equal(twice.length, paused.errors);
    for (const key of twice) assert.match(key, /\/broken\|/);
    assert.ok([...counts.values()].every((n) => n <= 2));

    // Resuming without --retry-errors keeps the errors and completes the test.
    const resumed = await runMain(["run", "--resume", "e1", "--out", out, "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).status, "completed");

    const again = await runMain(["run", "--resume", "e1", "--retry-errors", "--out", out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /cannot retry errors of test "e1": it is completed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SIGTERM twice aborts calls and resume completes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-abort-" });
  try {
    const file = await writeSmallExperiment(dir, {
      cases: 6,
      latencyMs: 600,
      timeScale: 1,
      concurrency: 4,
    });
    const out = join(dir, "out");

    const first = await runAndInterrupt(
      ["run", file, "--out", out, "--id", "a1", "--json"],
      ["SIGTERM", "SIGTERM"],
    );

    assert.equal(first.code, 1, first.stderr);
    assert.equal(first.summary.status, "paused");
    assert.equal(first.summary.reason, "interrupted");
    assert.match(first.stderr, /SIGTERM received again: aborting the calls in flight of a1/);
    const storedFirst = await rowsPerKey(out, "a1");
    assert.equal(storedFirst.size, first.summary.done);

    const second = await runMain(["run", "--resume", "a1", "--out", out, "--json"]);

    assert.equal(second.code, 0, second.stderr);
    const counts = await rowsPerKey(out, "a1");
    assert.equal(counts.size, 12);
    for (const [key, n] of counts) assert.equal(n, 1, `key ${key} stored ${n} times`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
