import assert from "node:assert/strict";
import { join } from "node:path";
import { ABTestReportSchema, FsStore, TestStateSchema } from "../lib/mod.ts";
import { exists, runCli, runMain, writeSmallExperiment } from "./cli_helpers.ts";

Deno.test("run writes results and report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-run-" });
  try {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");

    const result = await runCli(["run", file, "--out", out, "--id", "e2e", "--json"]);

    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.test_id, "e2e");
    assert.equal(summary.status, "completed");
    assert.equal(summary.planned, 6);
    assert.equal(summary.done, 6);
    assert.equal(summary.errors, 0);
    assert.equal(summary.results_dir, join(out, "e2e", "results"));

    const parts = [...Deno.readDirSync(join(out, "e2e", "results"))]
      .filter((entry) => entry.name.endsWith(".parquet"));
    assert.ok(parts.length >= 1, "no Parquet part file");

    const report = ABTestReportSchema.parse(
      JSON.parse(await Deno.readTextFile(join(out, "e2e", "report.json"))),
    );
    assert.equal(report.test_id, "e2e");
    assert.equal(report.status, "completed");
    assert.equal(report.arms.length, 2);
    assert.equal(summary.report_json, join(out, "e2e", "report.json"));
    const markdown = await Deno.readTextFile(join(out, "e2e", "report.md"));
    assert.match(markdown, /e2e|Small CLI test/);

    const state = TestStateSchema.parse(
      JSON.parse(await Deno.readTextFile(join(out, "e2e", "state.json"))),
    );
    assert.deepEqual(state.history.map((change) => change.status), [
      "draft",
      "running",
      "completed",
    ]);

    const store = new FsStore({ root: out });
    try {
      const rows = await store.readResults("e2e");
      assert.equal(rows.length, 6);
      assert.equal(new Set(rows.map((row) => row.call_key)).size, 6);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run prints paths and log lines", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-run-" });
  try {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");

    const result = await runMain(["run", file, "--out", out]);

    assert.equal(result.code, 0, result.stderr);
    const id = /^results (.+)\/results\/$/m.exec(result.stdout)?.[1];
    assert.ok(id !== undefined, result.stdout);
    assert.match(id, /small-\d{8}-\d{6}$/);
    assert.match(result.stdout, /^report {2}.+report\.md$/m);
    assert.match(result.stderr, /^load .+small\.yaml -> ok in \d+/m);
    assert.match(result.stderr, /^run small-\d{8}-\d{6} -> 6\/6 calls, 0 errors/m);
    assert.match(result.stderr, /^transition small-\d{8}-\d{6} -> completed$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run --dry-run writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-dry-" });
  try {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");

    const text = await runCli(["run", file, "--out", out, "--dry-run", "--id", "dry"]);
    const json = await runCli(["run", file, "--out", out, "--dry-run", "--json"]);

    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^plan dry /m);
    assert.match(text.stdout, /^ {2}plain\/sim +gpt-4o-mini +105\/call \(simulated\) +3 /m);
    assert.match(text.stdout, /^ {2}brief\/sim +gpt-4o-mini +105\/call \(simulated\) +3 /m);
    // Six calls of gpt-4o-mini cost below $0.001, shown with three significant digits.
    assert.match(text.stdout, /^ {2}total +6 +\$0\.000\d{3}$/m);
    assert.match(text.stdout, /budget: none/);
    assert.match(text.stdout, /nothing was called or written/);

    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout);
    assert.equal(plan.dry_run, true);
    assert.equal(plan.estimate.calls, 6);
    assert.equal(plan.estimate.arms.length, 2);
    assert.equal(plan.calls_to_run, 6);
    assert.ok(plan.estimate.cost_usd > 0);

    assert.equal(await exists(out), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run --dry-run shows the budget", async () => {
  const result = await runMain([
    "run",
    "examples/support-tone.yaml",
    "--dry-run",
    "--max-cost-usd",
    "0.01",
    "--out",
    "/nonexistent/ablab-dry-run",
  ]);

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^ {2}total +240 /m);
  assert.match(result.stdout, /budget: \$0\.0100; the estimate exceeds it/);
});

Deno.test("run stops a tiny budget at one call", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-tiny-budget-" });
  try {
    const file = await writeSmallExperiment(dir, { cases: 6, concurrency: 8 });
    const out = join(dir, "out");

    const result = await runMain([
      "run",
      file,
      "--out",
      out,
      "--id",
      "tiny",
      "--json",
      "--max-cost-usd",
      "0.000001",
    ]);

    assert.equal(result.code, 1, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.status, "paused");
    assert.equal(summary.reason, "budget reached");
    assert.equal(summary.done, 1);
    assert.match(result.stderr, /of the \$0\.00000100 left \(max \$0\.00000100\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run pauses when the budget is reached", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-budget-" });
  try {
    const file = await writeSmallExperiment(dir, { cases: 20, concurrency: 1 });
    const out = join(dir, "out");

    const first = await runMain([
      "run",
      file,
      "--out",
      out,
      "--id",
      "b1",
      "--json",
      "--max-cost-usd",
      "0.0001",
    ]);

    assert.equal(first.code, 1, first.stderr);
    const summary = JSON.parse(first.stdout);
    assert.equal(summary.status, "paused");
    assert.equal(summary.reason, "budget reached");
    assert.ok(summary.done < 40, `made ${summary.done} calls`);
    assert.ok(
      first.stderr.includes(`deno task run --resume b1 --out ${out} --max-cost-usd <higher total>`),
      first.stderr,
    );

    const blocked = await runMain([
      "run",
      "--resume",
      "b1",
      "--out",
      out,
      "--max-cost-usd",
      "0.0001",
    ]);
    assert.equal(blocked.code, 2);
    assert.match(blocked.stderr, /^error: test "b1" has spent \$0\.\d+ of its \$0\.000100 budget/);

    const resumed = await runMain([
      "run",
      "--resume",
      "b1",
      "--out",
      out,
      "--json",
      "--max-cost-usd",
      "1",
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const final = JSON.parse(resumed.stdout);
    assert.equal(final.status, "completed");
    assert.equal(final.done, 40 - summary.done);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("list and report find a stored test", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-list-" });
  try {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");
    const run = await runMain(["run", file, "--out", out, "--id", "listed"]);
    assert.equal(run.code, 0, run.stderr);
    await Deno.remove(join(out, "listed", "report.md"));

    const list = await runMain(["list", "--out", out]);
    const listJson = await runMain(["list", "--out", out, "--json"]);
    const report = await runMain(["report", "listed", "--out", out]);

    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^ID +STATUS +UPDATED +NAME$/m);
    assert.match(list.stdout, /^listed +completed +\d{4}-\d\d-\d\dT[\d:.]+Z +Small CLI test$/m);
    assert.equal(listJson.code, 0, listJson.stderr);
    assert.deepEqual(
      JSON.parse(listJson.stdout).map((
        row: { id: string; status: string },
      ) => [row.id, row.status]),
      [["listed", "completed"]],
    );
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /report\.md/);
    assert.ok(await exists(join(out, "listed", "report.md")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("demo runs the example", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-demo-" });
  try {
    const result = await runCli(["demo", "--out", dir, "--json"]);

    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.status, "completed");
    assert.equal(summary.done, 240);
    assert.match(summary.test_id, /^support-tone-\d{8}-\d{6}$/);
    assert.ok(await exists(summary.report_md));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run --shard splits the calls", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-shard-" });
  try {
    const file = await writeSmallExperiment(dir, { cases: 10 });
    const keys: string[][] = [];

    for (const shard of ["1/2", "2/2"]) {
      const out = join(dir, `out-${shard.replace("/", "-of-")}`);
      const result = await runMain([
        "run",
        file,
        "--out",
        out,
        "--id",
        "sh",
        "--shard",
        shard,
        "--json",
      ]);
      assert.equal(result.code, 0, result.stderr);
      const summary = JSON.parse(result.stdout);
      assert.equal(summary.planned, 20);
      assert.equal(summary.done + summary.skipped, 20);

      const store = new FsStore({ root: out });
      try {
        keys.push((await store.readResults("sh")).map((row) => row.call_key));
      } finally {
        await store.close();
      }
    }

    const [first, second] = keys as [string[], string[]];
    assert.ok(first.length > 0, "shard 1/2 made no calls");
    assert.ok(second.length > 0, "shard 2/2 made no calls");
    assert.equal(first.length + second.length, 20);
    assert.equal(new Set([...first, ...second]).size, 20);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("list reports a missing folder as empty", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-empty-" });
  try {
    const out = join(dir, "never-created");

    const text = await runMain(["list", "--out", out]);
    const json = await runMain(["list", "--out", out, "--json"]);

    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, `no tests under ${out}/\n`);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), []);
    assert.equal(await exists(out), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
