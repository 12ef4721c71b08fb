import assert from "node:assert/strict";
import { join } from "node:path";
import { FsStore } from "../lib/mod.ts";
import { exists, runMain, writeSmallExperiment } from "./cli_helpers.ts";

/** Appends a judge that uses the small experiment's simulated model. */
async function addJudge(file: string): Promise<void> {
  await Deno.writeTextFile(
    file,
    'judge:\n  model: sim\n  rubric: "Prefer the clearer explanation."\n',
    { append: true },
  );
}

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-compare-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run --judge stores pairs and ratings", () =>
  withTempDir(async (dir) => {
    const file = await writeSmallExperiment(dir);
    await addJudge(file);
    const out = join(dir, "out");

    const result = await runMain(["run", file, "--out", out, "--id", "j1", "--judge", "--json"]);

    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.status, "completed");
    assert.equal(summary.compare.comparisons, 3);
    assert.equal(summary.compare.created, 3);
    assert.equal(summary.compare.judge.judged, 3);
    assert.equal(summary.compare.judge.simulated, true);
    assert.match(result.stderr, /judge judge:sim is simulated/);

    const store = new FsStore({ root: out });
    try {
      assert.equal((await store.listComparisons("j1")).length, 3);
      assert.equal((await store.listRatings("j1")).length, 3);
    } finally {
      await store.close();
    }
    const report = JSON.parse(await Deno.readTextFile(join(out, "j1", "report.json")));
    assert.ok(JSON.stringify(report).includes("judge:sim"), "report lists no judge ratings");
  }));

Deno.test("compare again adds nothing", () =>
  withTempDir(async (dir) => {
    const file = await writeSmallExperiment(dir);
    await addJudge(file);
    const out = join(dir, "out");
    assert.equal((await runMain(["run", file, "--out", out, "--id", "j2"])).code, 0);

    const first = await runMain(["compare", "j2", "--out", out, "--json"]);
    const second = await runMain(["compare", "j2", "--out", out, "--json"]);

    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).judge.judged, 3);
    assert.equal(second.code, 0, second.stderr);
    const again = JSON.parse(second.stdout);
    assert.equal(again.created, 0);
    assert.equal(again.judge.judged, 0);
    assert.equal(again.judge.skipped, 3);
    assert.equal(again.judge.simulated, true);
  }));

Deno.test("compare --no-judge builds pairs only", () =>
  withTempDir(async (dir) => {
    const file = await writeSmallExperiment(dir);
    await addJudge(file);
    const out = join(dir, "out");
    assert.equal((await runMain(["run", file, "--out", out, "--id", "j3"])).code, 0);

    const result = await runMain(["compare", "j3", "--out", out, "--no-judge", "--json"]);

    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.comparisons, 3);
    assert.equal(summary.judge, null);
  }));

Deno.test("compare --judge without judge exits 2", () =>
  withTempDir(async (dir) => {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");
    assert.equal((await runMain(["run", file, "--out", out, "--id", "n1"])).code, 0);

    const result = await runMain(["compare", "n1", "--out", out, "--judge"]);

    assert.equal(result.code, 2);
    assert.match(result.stderr, /test "n1" has no judge configured/);
  }));

Deno.test("run --judge without judge exits 2", () =>
  withTempDir(async (dir) => {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");

    const result = await runMain(["run", file, "--out", out, "--id", "n2", "--judge"]);

    assert.equal(result.code, 2);
    assert.match(result.stderr, /test "n2" has no judge configured/);
    assert.equal(await exists(out), false, "run --judge wrote the output folder");
  }));

Deno.test("compare --control unknown arm exits 2", () =>
  withTempDir(async (dir) => {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");
    assert.equal((await runMain(["run", file, "--out", out, "--id", "c1"])).code, 0);

    const result = await runMain(["compare", "c1", "--out", out, "--control", "nope/sim"]);

    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid --control/);
  }));

Deno.test("compare unknown test exits 2", () =>
  withTempDir(async (dir) => {
    const result = await runMain(["compare", "missing", "--out", dir]);

    assert.equal(result.code, 2);
    assert.match(result.stderr, /test "missing" not found/);
  }));

Deno.test("budget stop keeps --out in hints", () =>
  withTempDir(async (dir) => {
    const file = await writeSmallExperiment(dir, { cases: 6 });
    await addJudge(file);
    const out = join(dir, "out");

    const result = await runMain([
      "run",
      file,
      "--out",
      out,
      "--id",
      "h1",
      "--max-cost-usd",
      "0.000001",
      "--concurrency",
      "1",
      "--judge",
    ]);

    assert.equal(result.code, 1, result.stderr);
    assert.ok(
      result.stderr.includes(
        `deno task run --resume h1 --out ${out} --max-cost-usd <higher total>`,
      ),
      result.stderr,
    );
    assert.ok(
      result.stderr.includes(
        `judge h1 -> skipped: the test is paused; run ` +
          `\`deno run -A lib/cli/main.ts compare h1 --out ${out}\` once it completes`,
      ),
      result.stderr,
    );
  }));

Deno.test("run with errors says how to retry", () =>
  withTempDir(async (dir) => {
    // Half the broken model's attempts fail; with this seed and 4 cases every arm
    // keeps some results, so the test completes.
    const file = await writeSmallExperiment(dir, {
      brokenModel: true,
      brokenErrorRate: 0.5,
      cases: 4,
    });
    const out = join(dir, "out");

    const completed = await runMain(["run", file, "--out", out, "--id", "e1", "--json"]);
    const paused = await runMain([
      "run",
      file,
      "--out",
      out,
      "--id",
      "e2",
      "--pause-on-errors",
      "--json",
    ]);

    assert.equal(JSON.parse(completed.stdout).status, "completed");
    assert.equal(completed.code, 0, completed.stderr);
    assert.match(completed.stderr, /5 of 16 calls ended in an error .* needs a new run/);
    assert.equal(paused.code, 1);
    const summary = JSON.parse(paused.stdout);
    assert.equal(summary.status, "paused");
    assert.equal(summary.reason, "errors");
    assert.ok(
      paused.stderr.includes(`deno task run --resume e2 --out ${out} --retry-errors`),
      paused.stderr,
    );
  }));
