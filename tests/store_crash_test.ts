import assert from "node:assert/strict";
import { join } from "node:path";
import { FsStore } from "../lib/store/fs_store.ts";
import { JsonlLog } from "../lib/store/jsonl_log.ts";
import { listPartFiles } from "../lib/store/parquet_part.ts";
import { RatingSchema } from "../lib/schema/mod.ts";
import { CHUNK_ROWS } from "./store_crash_writer.ts";

/** Part files to wait for before the kill, so the kill lands mid-run. */
const PARTS_BEFORE_KILL = 4;
/** Time to wait for them at most, in milliseconds. */
const WAIT_MS = 20_000;

Deno.test("FsStore survives a killed writer", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_crash_" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(import.meta.dirname!, "store_crash_writer.ts"), root],
    stdout: "null",
    stderr: "piped",
  }).spawn();

  try {
    const results = join(root, "t1", "results");
    const deadline = Date.now() + WAIT_MS;
    let parts = 0;
    while (parts < PARTS_BEFORE_KILL && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      parts = (await listPartFiles(results)).length;
    }
    child.kill("SIGKILL");
    const status = await child.status;
    assert.ok(parts >= PARTS_BEFORE_KILL, `only ${parts} part files after ${WAIT_MS} ms`);
    assert.equal(status.signal, "SIGKILL");

    // Every visible part file is whole: DuckDB reads each, and each contains one full chunk.
    const store = new FsStore({ root });
    const files = await store.resultFiles("t1");
    const rows = await store.readResults("t1");
    assert.ok(files.length >= PARTS_BEFORE_KILL);
    assert.equal(rows.length, files.length * CHUNK_ROWS);

    // The ratings log opens; a torn last line, if the kill made one, is dropped.
    const ratings = await store.listRatings("t1");
    assert.ok(ratings.length > 0);
    for (const [index, rating] of ratings.entries()) {
      assert.equal(rating.idempotency_key, `k${index}`);
    }
    await store.close();

    const log = await JsonlLog.open(join(root, "t1", "ratings.jsonl"), {
      parse: (value) => RatingSchema.parse(value),
      keyOf: (rating) => rating.idempotency_key,
    });
    assert.equal(log.records().length, ratings.length);
    await log.close();
  } finally {
    await child.stderr.cancel();
    await Deno.remove(root, { recursive: true });
  }
});
