import assert from "node:assert/strict";
import { onePositional, parseCommandArgs, parseIntegerFlag, parseShard } from "./args.ts";
import { UsageError } from "./errors.ts";

Deno.test("parseShard() reads i/n", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  assert.equal(parseShard(undefined), undefined);
});

Deno.test("parseShard() rejects bad shards", () => {
  for (const value of ["0/4", "5/4", "1/0", "a/b", "1-4", "2", "-1/3"]) {
    assert.throws(() => parseShard(value), UsageError, `accepted --shard ${value}`);
  }
  assert.throws(() => parseShard("5/4"), {
    message: /invalid --shard "5\/4": expected 1 <= i <= n/,
  });
});

Deno.test("parseIntegerFlag() checks range and syntax", () => {
  const range = { min: 1, max: 10 };
  assert.equal(parseIntegerFlag("concurrency", "4", range), 4);
  assert.equal(parseIntegerFlag("concurrency", undefined, range), undefined);
  assert.throws(() => parseIntegerFlag("concurrency", "0", range), {
    name: "UsageError",
    message: "invalid --concurrency 0: expected an integer from 1 to 10",
  });
  assert.throws(() => parseIntegerFlag("concurrency", "2.5", range), {
    message: 'invalid --concurrency "2.5": expected an integer',
  });
  assert.throws(() => parseIntegerFlag("concurrency", "", range), UsageError);
  assert.throws(() => parseIntegerFlag("concurrency", "1e3", range), UsageError);
});

Deno.test("parseCommandArgs() rejects unknown flags", () => {
  assert.throws(
    () => parseCommandArgs(["--nope"], { json: { type: "boolean" } }, "Usage: x"),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /--nope/);
      assert.match(error.message, /Usage: x$/);
      return true;
    },
  );
});

Deno.test("parseCommandArgs() rejects a missing value", () => {
  assert.throws(
    () => parseCommandArgs(["--out"], { out: { type: "string" } }, "Usage: x"),
    UsageError,
  );
});

Deno.test("parseCommandArgs() accepts common flags", () => {
  const { values, positionals } = parseCommandArgs(
    ["file.yaml", "--debug", "--json"],
    { json: { type: "boolean" } },
    "Usage: x",
  );
  assert.equal(values.debug, true);
  assert.equal(values.json, true);
  assert.deepEqual(positionals, ["file.yaml"]);
});

Deno.test("onePositional() needs exactly one", () => {
  assert.equal(onePositional(["a"], "FILE", "Usage: x"), "a");
  assert.throws(() => onePositional([], "FILE", "Usage: x"), { message: /^missing FILE/ });
  assert.throws(() => onePositional(["a", "b"], "FILE", "Usage: x"), {
    message: /^unexpected arguments: b/,
  });
});

Deno.test("parseCommandArgs() rejects a repeated value flag", () => {
  assert.throws(
    () => parseCommandArgs(["--out", "a", "--out", "b"], { out: { type: "string" } }, "usage"),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /^--out given more than once/);
      return true;
    },
  );
});

Deno.test("parseCommandArgs() allows a repeated boolean", () => {
  const { values } = parseCommandArgs(["--json", "--json"], {
    json: { type: "boolean" },
  }, "usage");

  assert.equal(values.json, true);
});
