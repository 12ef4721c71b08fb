import assert from "node:assert/strict";
import { cliCommand, compareCommandHint, quoteArg, resumeCommand } from "./hints.ts";

Deno.test("resumeCommand() omits default flags", () => {
  assert.equal(resumeCommand("t1", { out: "runs" }), "deno task run --resume t1");
});

Deno.test("resumeCommand() keeps --out and --shard", () => {
  assert.equal(
    resumeCommand("t1", { out: "/tmp/r", shard: { index: 2, count: 4 } }, ["--retry-errors"]),
    "deno task run --resume t1 --out /tmp/r --shard 2/4 --retry-errors",
  );
});

Deno.test("quoteArg() quotes shell metacharacters", () => {
  assert.equal(quoteArg("runs/a-b_c.d"), "runs/a-b_c.d");
  assert.equal(quoteArg("my runs"), "'my runs'");
  assert.equal(quoteArg("it's"), `'it'"'"'s'`);
});

Deno.test("compareCommandHint() keeps --out", () => {
  assert.equal(compareCommandHint("t1", { out: "runs" }), "deno run -A lib/cli/main.ts compare t1");
  assert.equal(
    compareCommandHint("t1", { out: "/tmp/r" }),
    "deno run -A lib/cli/main.ts compare t1 --out /tmp/r",
  );
});

Deno.test("cliCommand() names the entry point", () => {
  assert.equal(cliCommand(["list"], { out: "runs" }), "deno run -A lib/cli/main.ts list");
  assert.equal(
    cliCommand(["list"], { out: "/tmp/my runs" }),
    "deno run -A lib/cli/main.ts list --out '/tmp/my runs'",
  );
});
