import assert from "node:assert/strict";
import { COMMANDS, main } from "./main.ts";
import type { CliIo } from "./command.ts";

function captureIo(): CliIo & { out: string; err: string[] } {
  const io = {
    out: "",
    err: [] as string[],
    isTty: false,
    stdout: (text: string) => io.out += text,
    stderr: (line: string) => io.err.push(line),
  };
  return io;
}

Deno.test("main() --help lists every command", async () => {
  const io = captureIo();

  const code = await main(["--help"], io);

  assert.equal(code, 0);
  for (const name of Object.keys(COMMANDS)) assert.match(io.out, new RegExp(`^  ${name} `, "m"));
  assert.match(io.out, /Exit codes: 0 done, 1 run failed or stopped early, 2 invalid input/);
  assert.deepEqual(io.err, []);
});

Deno.test("main() without a command exits 2", async () => {
  const io = captureIo();

  const code = await main([], io);

  assert.equal(code, 2);
  assert.equal(io.out, "");
  assert.match(io.err.join("\n"), /Usage: ablab <command>/);
});

Deno.test("main() rejects an unknown command", async () => {
  const io = captureIo();

  const code = await main(["runn"], io);

  assert.equal(code, 2);
  assert.deepEqual(io.err, [
    'error: unknown command "runn"; run `deno run -A lib/cli/main.ts --help` for the list',
  ]);
});

Deno.test("main() prints a command's usage", async () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    const io = captureIo();

    const code = await main([name, "--help"], io);

    assert.equal(code, 0, name);
    assert.equal(io.out, `${command.usage}\n`);
  }
});

Deno.test("main() maps an unexpected error to exit 1", async () => {
  const io = captureIo();
  const original = COMMANDS.run!;
  COMMANDS.run = { ...original, run: () => Promise.reject(new Error("disk full")) };
  try {
    const code = await main(["run", "x.yaml"], io);

    assert.equal(code, 1);
    assert.deepEqual(io.err, ["error: disk full", "run again with --debug for the stack trace"]);
  } finally {
    COMMANDS.run = original;
  }
});

Deno.test("main() --json error prints one object", async () => {
  const io = captureIo();

  const code = await main(["report", "missing-test", "--out", "/nonexistent/ablab", "--json"], io);

  assert.equal(code, 2);
  const body = JSON.parse(io.out);
  assert.equal(body.ok, false);
  assert.equal(body.exit_code, 2);
  assert.match(body.error, /test "missing-test" not found/);
  assert.match(io.err.join("\n"), /^error: test "missing-test" not found/);
});

Deno.test("main() --json usage error omits usage text", async () => {
  const io = captureIo();

  const code = await main(["run", "x.yaml", "--out", "a", "--out", "b", "--json"], io);

  assert.equal(code, 2);
  assert.deepEqual(JSON.parse(io.out), {
    ok: false,
    error: "--out given more than once: pass it once",
    exit_code: 2,
  });
  assert.match(io.err.join("\n"), /Usage: ablab run FILE/);
});
