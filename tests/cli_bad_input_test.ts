import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BAD_FIXTURES, BAD_FIXTURES_DIR } from "./fixtures/bad/cases.ts";
import { exists, runCli, runMain, writeSmallExperiment } from "./cli_helpers.ts";

const BAD_DIR = fileURLToPath(BAD_FIXTURES_DIR);

/** Asserts exit code 2, exactly one `error:` line on stderr and no stack trace. */
function assertInputError(result: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  const errors = result.stderr.split("\n").filter((line) => line.startsWith("error: "));
  assert.equal(errors.length, 1, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, "stack trace printed");
}

for (const fixture of BAD_FIXTURES) {
  Deno.test(`run rejects bad fixture ${fixture.file}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "ablab-cli-bad-" });
    try {
      const file = join(BAD_DIR, fixture.file);
      const out = join(dir, "out");

      const result = await runMain(["run", file, "--out", out]);

      assertInputError(result, /error: /);
      const message = result.stderr.trimEnd();
      assert.equal(message.split("\n").length, 1, `more than one line:\n${message}`);
      const at = join(BAD_DIR, fixture.at);
      assert.ok(message.includes(at), `expected ${at} in: ${message}`);
      for (const fragment of fixture.fragments) {
        assert.ok(message.includes(fragment), `expected "${fragment}" in: ${message}`);
      }
      assert.equal(await exists(out), false, "the out folder was created");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("run rejects bad flags with exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-flags-" });
  try {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");
    const cases: [string[], RegExp][] = [
      [["run", file, "--nope"], /Unknown option '--nope'/],
      [["run", file, "--concurrency", "0"], /invalid --concurrency 0: expected an integer from 1/],
      [["run", file, "--concurrency", "many"], /invalid --concurrency "many"/],
      [["run", file, "--seed=-1"], /invalid --seed -1/],
      [["run", file, "--shard", "3/2"], /invalid --shard "3\/2"/],
      [["run", file, "--id", "bad id"], /invalid --id "bad id"/],
      [["run", file, "--max-cost-usd", "0"], /invalid --max-cost-usd "0"/],
      [["run", file, "--retry-errors"], /--retry-errors needs --resume/],
      [["run", file, "--resume", "x"], /either FILE or --resume/],
      [["run"], /missing FILE/],
      [
        ["run", "--resume", "nope"],
        /test "nope" not found under .*; list the stored tests with `deno run -A lib\/cli\/main.ts list --out/,
      ],
      [
        ["report", "nope"],
        /test "nope" not found under .*; list the stored tests with `deno run -A lib\/cli\/main.ts list --out/,
      ],
      [["report"], /missing TEST_ID/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [["run", join(dir, "missing.yaml")], /missing\.yaml: experiment file not found/],
    ];

    for (const [args, pattern] of cases) {
      const result = await runMain([...args, "--out", out]);
      assertInputError(result, pattern);
    }
    assert.equal(await exists(out), false, "the out folder was created");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run rejects an existing test id", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-exists-" });
  try {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");
    const first = await runCli(["run", file, "--out", out, "--id", "taken"]);
    assert.equal(first.code, 0, first.stderr);
    const state = await Deno.readTextFile(join(out, "taken", "state.json"));

    const second = await runCli(["run", file, "--out", out, "--id", "taken"]);

    assertInputError(second, /test "taken": a test with this id already exists/);
    assert.equal(await Deno.readTextFile(join(out, "taken", "state.json")), state);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run rejects resuming a completed test", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-final-" });
  try {
    const file = await writeSmallExperiment(dir);
    const out = join(dir, "out");
    const first = await runCli(["run", file, "--out", out, "--id", "done"]);
    assert.equal(first.code, 0, first.stderr);

    const again = await runCli(["run", "--resume", "done", "--out", out]);

    assertInputError(again, /cannot resume test "done": it is completed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad input exits the process with 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ablab-cli-exit-" });
  try {
    const out = join(dir, "out");

    const result = await runCli(["run", join(BAD_DIR, "syntax.yaml"), "--out", out]);

    assertInputError(result, /syntax\.yaml:7:1: invalid YAML/);
    assert.equal(await exists(out), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--debug prints the stack trace", async () => {
  const result = await runCli([
    "run",
    "--resume",
    "nope",
    "--out",
    "/nonexistent/ablab",
    "--debug",
  ]);

  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: test "nope" not found under/);
  assert.match(result.stderr, /^\s+at /m);
});
