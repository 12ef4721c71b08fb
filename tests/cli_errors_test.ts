/**
 * How `run` ends when calls fail: the per-arm error summary, pausing when
 * every call failed or a model was stopped, and the API key check that runs
 * before anything is written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunJsonSummary } from "../lib/cli/run_args.ts";
import { exists, runMain } from "./cli_helpers.ts";
import { startMockServer } from "./mock_server/mod.ts";

/** Writes an experiment with one variant, the given model lines and three cases. */
async function writeExperiment(dir: string, modelLines: string[]): Promise<string> {
  const path = join(dir, "errors.yaml");
  await Deno.writeTextFile(
    path,
    [
      "id: errors",
      "name: Errors CLI test",
      "concurrency: 16",
      "variants:",
      "  - id: plain",
      '    template: "Explain {{topic}}."',
      "models:",
      ...modelLines,
      "dataset:",
      "  cases:",
      '    - {id: c1, topic: "refunds"}',
      '    - {id: c2, topic: "returns"}',
      '    - {id: c3, topic: "delivery"}',
      "",
    ].join("\n"),
  );
  return path;
}

const BROKEN_MODEL = [
  "  - id: broken",
  "    provider: simulated",
  "    model: gpt-4o-mini",
  "    max_attempts: 1",
  "    profile: {error_rate: 1, time_scale: 0}",
];

Deno.test("run pauses when every call fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-errors-" });
  try {
    const file = await writeExperiment(dir, BROKEN_MODEL);
    const out = join(dir, "out");

    const failed = await runMain(["run", file, "--out", out, "--id", "e1", "--json"]);
    assert.equal(failed.code, 1, failed.stderr);
    const summary: RunJsonSummary = JSON.parse(failed.stdout);
    assert.equal(summary.status, "paused");
    assert.equal(summary.reason, "every call failed");
    assert.equal(summary.errors, 3);
    assert.equal(summary.errors_by_arm.length, 1);
    assert.equal(summary.errors_by_arm[0]!.arm_id, "plain/broken");
    assert.equal(summary.errors_by_arm[0]!.calls, 3);
    assert.equal(summary.errors_by_arm[0]!.errors, 3);
    assert.match(failed.stderr, /errors plain\/broken: 3 of 3 calls; \d x \w+Error: Simulated/);
    assert.match(
      failed.stderr,
      /all 3 calls of this run ended in an error.*deno task run --resume e1 --out \S+ --retry-errors/,
    );

    assert.match(failed.stderr, /resume repeats the test as stored in \S+test\.json, so a wrong/);

    // Resuming without --retry-errors keeps the errors and completes the test.
    const resumed = await runMain(["run", "--resume", "e1", "--out", out, "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const completed: RunJsonSummary = JSON.parse(resumed.stdout);
    assert.equal(completed.status, "completed");
    assert.equal(completed.done, 0);
    assert.match(resumed.stderr, /3 calls stored as errors by earlier runs are kept as errors/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run pauses when a model stops", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-errors-" });
  const server = await startMockServer({ latencyMs: 20 });
  try {
    // Concurrency 16 puts all three calls in flight before the first 401 returns.
    const file = await writeExperiment(dir, [
      "  - id: gateway",
      "    provider: openai",
      "    model: gpt-4o-mini@unauthorized",
      `    base_url: ${server.openaiBaseUrl}`,
    ]);
    const out = join(dir, "out");

    const result = await runMain(["run", file, "--out", out, "--id", "e2", "--json"]);
    assert.equal(result.code, 1, result.stderr);
    const summary: RunJsonSummary = JSON.parse(result.stdout);
    assert.equal(summary.status, "paused");
    assert.equal(summary.reason, "models stopped: gateway");
    assert.equal(summary.done, summary.errors);
    assert.match(
      result.stderr,
      /calls to gateway stopped after an error no retry can fix.*--resume e2 --out \S+ --retry-errors/,
    );
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run rejects a missing API key before writing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-errors-" });
  const keyEnv = "ABLAB_TEST_KEY_THAT_IS_NOT_SET";
  Deno.env.delete(keyEnv);
  try {
    const file = await writeExperiment(dir, [
      "  - id: gateway",
      "    provider: openai",
      "    model: gpt-4o-mini",
      "    base_url: http://127.0.0.1:9/v1",
      `    api_key_env: ${keyEnv}`,
    ]);
    const out = join(dir, "out");
    const expected = new RegExp(
      `missing API key for model "gateway" \\(openai gpt-4o-mini\\): ${keyEnv} is not set or empty`,
    );

    const result = await runMain(["run", file, "--out", out, "--id", "e3"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, expected);
    assert.match(result.stderr, /nothing was called or written/);
    assert.equal(await exists(out), false, "the output folder was created");

    const dryRun = await runMain(["run", file, "--out", out, "--id", "e3", "--dry-run"]);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stderr, expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run warns that a budget cannot limit an unpriced model", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-errors-" });
  try {
    const file = await writeExperiment(dir, [
      "  - id: house",
      "    provider: openai",
      "    model: house-model-7b",
      "    base_url: http://127.0.0.1:9/v1",
    ]);
    const out = join(dir, "out");

    const dryRun = await runMain([
      "run",
      file,
      "--out",
      out,
      "--max-cost-usd",
      "0.5",
      "--dry-run",
    ]);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(
      dryRun.stderr,
      /the \$0\.5000 budget cannot limit model "house" \(house-model-7b\): it has no price/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
