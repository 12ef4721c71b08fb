/**
 * One long run in its own process: `--calls` simulated calls (time scale 0,
 * so no sleeping) at `--concurrency` through `runTest` into an FsStore in a
 * temporary folder. Samples this process's RSS and peak RSS when the run
 * passes 10%, 50% and 100% of its calls, then prints one JSON line.
 *
 *     deno run -A bench/long_run_worker.ts --calls 1000000 --concurrency 256
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { FsStore, runTest, type TestState } from "../lib/mod.ts";
import { NO_RETRY_DELAY, simulatedTest } from "./_workload.ts";
import { selfRss } from "./_process.ts";

/** Share of the run at which memory is sampled. */
const CHECKPOINTS = [0.1, 0.5, 1] as const;

/** Memory at one checkpoint. */
export interface MemorySample {
  /** Share of calls done, 0 to 1. */
  at: number;
  rssBytes: number;
  peakRssBytes: number;
  heapUsedBytes: number;
}

/** Figures one long run prints as JSON. */
export interface LongRunOutput {
  calls: number;
  errors: number;
  concurrency: number;
  wallMs: number;
  callsPerSecond: number;
  parquetBytes: number;
  parquetFiles: number;
  samples: MemorySample[];
}

/** Sums the sizes of the files in `dir` and counts them. */
async function folderSize(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile) continue;
    bytes += (await Deno.stat(join(dir, entry.name))).size;
    files++;
  }
  return { bytes, files };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      calls: { type: "string", default: "1000000" },
      concurrency: { type: "string", default: "256" },
    },
  });
  const calls = Number(values.calls);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(calls) || calls < 4 || calls % 4 !== 0) {
    throw new RangeError(
      `Invalid --calls ${values.calls}: use a multiple of 4 (2 prompts x 2 models)`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Invalid --concurrency ${values.concurrency}`);
  }

  const test = simulatedTest("bench-long-run", calls / 4, concurrency);
  const state: TestState = {
    test_id: test.id,
    status: "running",
    history: [{ status: "running", at: new Date().toISOString() }],
  };

  const root = await Deno.makeTempDir({ prefix: "ablab-bench-long-" });
  try {
    const store = new FsStore({ root });
    await store.createTest(test, state);
    const samples: MemorySample[] = [];
    let next = 0;
    const startedAt = performance.now();
    const summary = await runTest(test, {
      store,
      retry: NO_RETRY_DELAY,
      onProgress: (progress) => {
        const checkpoint = CHECKPOINTS[next];
        if (checkpoint === undefined || progress.done < checkpoint * progress.total) return;
        next++;
        const { rss, peak } = selfRss();
        samples.push({
          at: checkpoint,
          rssBytes: rss,
          peakRssBytes: peak,
          heapUsedBytes: Deno.memoryUsage().heapUsed,
        });
      },
    });
    await store.close();
    const wallMs = performance.now() - startedAt;
    const parquet = await folderSize(join(root, test.id, "results"));
    const output: LongRunOutput = {
      calls: summary.done,
      errors: summary.errors,
      concurrency,
      wallMs,
      callsPerSecond: summary.done / (wallMs / 1000),
      parquetBytes: parquet.bytes,
      parquetFiles: parquet.files,
      samples,
    };
    console.log(JSON.stringify(output));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
