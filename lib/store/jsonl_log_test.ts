import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import type { LogFields, Logger } from "../log.ts";
import { JsonlLog } from "./jsonl_log.ts";

const EntrySchema = z.strictObject({ key: z.string(), value: z.number() });
type Entry = z.infer<typeof EntrySchema>;

function options(logger?: Logger) {
  return {
    parse: (value: unknown) => EntrySchema.parse(value),
    keyOf: (entry: Entry) => entry.key,
    ...(logger ? { logger } : {}),
  };
}

function recordingLogger(): Logger & { warnings: [string, LogFields | undefined][] } {
  const warnings: [string, LogFields | undefined][] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn(message, fields) {
      warnings.push([message, fields]);
    },
    error() {},
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ablab_jsonl_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Replace an `FsFile` method for the duration of `fn`. */
async function patchFsFile<K extends "write" | "syncData">(
  name: K,
  replacement: (original: Deno.FsFile[K]) => Deno.FsFile[K],
  fn: () => Promise<void>,
): Promise<void> {
  const prototype = Deno.FsFile.prototype as Deno.FsFile;
  const original = prototype[name];
  prototype[name] = replacement(original);
  try {
    await fn();
  } finally {
    prototype[name] = original;
  }
}

Deno.test("JsonlLog groups concurrent appends", async () => {
  await withDir(async (dir) => {
    const log = await JsonlLog.open(join(dir, "log.jsonl"), options());
    let syncs = 0;
    const syncedAtResolve: number[] = [];

    await patchFsFile("syncData", (original) =>
      async function (this: Deno.FsFile) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await original.call(this);
        syncs++;
      }, async () => {
      const first = Array.from(
        { length: 50 },
        (_, i) => log.append({ key: `a${i}`, value: i }).then(() => syncedAtResolve.push(syncs)),
      );
      // Appended while the first batch is in flight, so they share the second fsync.
      await new Promise((resolve) => setTimeout(resolve, 1));
      const second = Array.from(
        { length: 30 },
        (_, i) => log.append({ key: `b${i}`, value: i }).then(() => syncedAtResolve.push(syncs)),
      );
      await Promise.all([...first, ...second]);
    });

    assert.equal(syncs, 2);
    assert.deepEqual(syncedAtResolve.slice(0, 50), Array(50).fill(1));
    assert.deepEqual(syncedAtResolve.slice(50), Array(30).fill(2));
    assert.equal(log.records().length, 80);
    await log.close();

    const lines = (await Deno.readTextFile(join(dir, "log.jsonl"))).split("\n");
    assert.equal(lines.length, 81);
    assert.equal(lines.at(-1), "");
  });
});

Deno.test("JsonlLog returns a repeated key", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "log.jsonl");
    const log = await JsonlLog.open(path, options());
    const [first, inflight] = await Promise.all([
      log.append({ key: "k", value: 1 }),
      log.append({ key: "k", value: 2 }),
    ]);
    const later = await log.append({ key: "k", value: 3 });

    assert.deepEqual(first, { record: { key: "k", value: 1 }, created: true });
    assert.deepEqual(inflight, { record: { key: "k", value: 1 }, created: false });
    assert.deepEqual(later, { record: { key: "k", value: 1 }, created: false });
    await log.close();

    const reopened = await JsonlLog.open(path, options());
    assert.deepEqual(await reopened.append({ key: "k", value: 4 }), {
      record: { key: "k", value: 1 },
      created: false,
    });
    assert.equal(reopened.get("k")?.value, 1);
    assert.equal(reopened.records().length, 1);
    await reopened.close();
  });
});

Deno.test("JsonlLog drops a torn last line", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "log.jsonl");
    await Deno.writeTextFile(path, '{"key":"a","value":1}\n{"key":"b","value":2}\n{"key":"c","va');
    const logger = recordingLogger();

    const log = await JsonlLog.open(path, options(logger));
    assert.deepEqual(log.records().map((entry) => entry.key), ["a", "b"]);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]![0], /torn last line/);
    assert.equal(logger.warnings[0]![1]?.bytes, 14);

    await log.append({ key: "c", value: 3 });
    await log.close();
    assert.equal(
      await Deno.readTextFile(path),
      '{"key":"a","value":1}\n{"key":"b","value":2}\n{"key":"c","value":3}\n',
    );
  });
});

Deno.test("JsonlLog keeps a whole unterminated line", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "log.jsonl");
    await Deno.writeTextFile(path, '{"key":"a","value":1}');
    const logger = recordingLogger();

    const log = await JsonlLog.open(path, options(logger));
    assert.deepEqual(log.records(), [{ key: "a", value: 1 }]);
    assert.deepEqual(logger.warnings, []);
    await log.append({ key: "b", value: 2 });
    await log.close();
    assert.equal(await Deno.readTextFile(path), '{"key":"a","value":1}\n{"key":"b","value":2}\n');
  });
});

Deno.test("JsonlLog rejects a corrupt middle line", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "log.jsonl");
    await Deno.writeTextFile(path, '{"key":"a","value":1}\nnot json\n{"key":"b","value":2}\n');
    await assert.rejects(JsonlLog.open(path, options()), {
      name: "SyntaxError",
      message: new RegExp(`^Invalid record at ${path}:2: .*repair or remove the line$`),
    });

    await Deno.writeTextFile(path, '{"key":"a","value":"one"}\n');
    await assert.rejects(JsonlLog.open(path, options()), {
      name: "SyntaxError",
      message: /:1: /,
    });
  });
});

Deno.test("JsonlLog recovers from a failed write", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "log.jsonl");
    const log = await JsonlLog.open(path, options());
    await log.append({ key: "a", value: 1 });

    await patchFsFile("write", (original) =>
      async function (this: Deno.FsFile, data: Uint8Array) {
        // Write half the batch, then fail, as a full disk would.
        await original.call(this, data.subarray(0, Math.floor(data.length / 2)));
        throw new Deno.errors.Interrupted("disk full");
      }, async () => {
      await assert.rejects(log.append({ key: "b", value: 2 }), { message: "disk full" });
    });

    assert.equal(log.get("b"), undefined);
    assert.deepEqual(await log.append({ key: "b", value: 2 }), {
      record: { key: "b", value: 2 },
      created: true,
    });
    await log.close();
    assert.equal(await Deno.readTextFile(path), '{"key":"a","value":1}\n{"key":"b","value":2}\n');
    await assert.rejects(log.append({ key: "c", value: 3 }), { message: /the log is closed/ });
  });
});

Deno.test("JsonlLog validates appended records", async () => {
  await withDir(async (dir) => {
    const log = await JsonlLog.open(join(dir, "log.jsonl"), options());
    await assert.rejects(log.append({ key: "a", value: "x" } as unknown as Entry), {
      name: "ZodError",
    });
    assert.deepEqual(log.records(), []);
    await log.close();
  });
});
