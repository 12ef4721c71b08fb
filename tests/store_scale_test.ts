import assert from "node:assert/strict";
import { FsStore } from "../lib/store/fs_store.ts";
import { DEFAULT_MAX_ROWS } from "../lib/store/buffered_sink.ts";
import { aggregateResults } from "../lib/stats/aggregate.ts";
import {
  draftState,
  errorRow,
  ManualTimers,
  resultRow,
  sampleTest,
} from "../lib/store/_testing.ts";

/** Rows written: four full default chunks plus a partial one. */
const ROWS = 4 * DEFAULT_MAX_ROWS + 123;

Deno.test("FsStore writes default chunks at scale", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_scale_" });
  // Manual timers: only row counts trigger flushes, however slow the machine is.
  const store = new FsStore({ root, timers: new ManualTimers() });
  try {
    await store.createTest(sampleTest(), draftState());
    const sink = await store.openResults("t1");

    let maxBuffered = 0;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < ROWS; i++) {
      const key = { caseId: `c${i}`, model: i % 2 === 0 ? "m1" : "m2" };
      const row = i % 50 === 0 ? errorRow(key) : resultRow(key, { latency_ms: i % 1000 });
      // Up to 256 writes in flight, as a concurrent engine would issue them.
      writes.push(sink.write(row));
      if (writes.length === 256) await Promise.all(writes.splice(0));
      maxBuffered = Math.max(maxBuffered, (sink as unknown as { buffered: number }).buffered);
    }
    await Promise.all(writes);
    await sink.close();

    assert.ok(maxBuffered <= DEFAULT_MAX_ROWS + 256, `buffer reached ${maxBuffered} rows`);
    const files = await store.resultFiles("t1");
    assert.equal(files.length, 5);
    assert.equal((await store.storedCalls("t1")).size, ROWS);

    const metrics = await aggregateResults({ files }, { db: await store.duckdb() });
    assert.deepEqual(metrics.map((m) => m.arm_id), ["short/m1", "short/m2"]);
    assert.equal(metrics.reduce((sum, m) => sum + m.n, 0), ROWS);
    assert.equal(metrics.reduce((sum, m) => sum + m.errors, 0), Math.ceil(ROWS / 50));
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
});
