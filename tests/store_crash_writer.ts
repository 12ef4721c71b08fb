/**
 * Child process for `store_crash_test.ts`: writes results and ratings to an
 * FsStore as fast as it can until it is killed, or until a row or time limit
 * keeps a forgotten child from running on.
 *
 * Usage: deno run -A tests/store_crash_writer.ts <root>
 *
 * @module
 */
import { FsStore } from "../lib/store/fs_store.ts";
import { draftState, resultRow, sampleTest } from "../lib/store/_testing.ts";

/** Maximum rows written, so the child stops even when the test fails to kill it. */
const MAX_ROWS = 200_000;
/** Maximum run time in milliseconds, for the same reason. */
const MAX_RUN_MS = 30_000;
/** Rows per part file; small so that parts are written often. */
export const CHUNK_ROWS = 50;

if (import.meta.main) await writeUntilKilled(Deno.args[0]);

async function writeUntilKilled(root: string | undefined): Promise<void> {
  if (root === undefined) throw new TypeError("Missing argument: the store root folder");

  const store = new FsStore({ root });
  await store.createTest(sampleTest(), draftState());
  const sink = await store.openResults("t1", { maxRows: CHUNK_ROWS });
  const started = Date.now();

  const ratings = (async () => {
    for (let i = 0; i < MAX_ROWS && Date.now() - started < MAX_RUN_MS; i++) {
      await store.putRating({
        comparison_id: "p1",
        test_id: "t1",
        rater_id: `rater-${i}`,
        choices: { overall: "A" },
        comment: "x".repeat(i % 500),
        idempotency_key: `k${i}`,
        created_at: "2026-12-04T11:00:00.000Z",
      });
    }
  })();

  for (let i = 0; i < MAX_ROWS && Date.now() - started < MAX_RUN_MS; i++) {
    await sink.write(resultRow({ caseId: `c${i}` }, { output: "y".repeat(i % 1000) }));
  }
  await ratings;
  await store.close();
}
