/**
 * Benchmark: long runs of simulated calls (time scale 0) into an FsStore,
 * each in its own process (bench/long_run_worker.ts): calls/s, Parquet bytes
 * per call, and RSS at 10%, 50% and 100% of the run.
 *
 * @module
 */
import { GNU_TIME, lastJsonLine, parsePeakRss, REPO, runProcess } from "./_process.ts";
import type { LongRunOutput } from "./long_run_worker.ts";

/** Options for {@linkcode benchLongRun}. */
export interface LongRunOptions {
  /** Call counts, one run each; multiples of 4. */
  sizes: readonly number[];
  concurrency: number;
  log: (line: string) => void;
}

/** Figures of one long run. */
export interface LongRunFigures extends LongRunOutput {
  parquetBytesPerCall: number;
  /** Peak RSS of the worker process from GNU time, start-up and shutdown included. */
  processPeakRssBytes: number | null;
}

/** Runs one worker process per size. */
export async function benchLongRun(options: LongRunOptions): Promise<LongRunFigures[]> {
  const figures: LongRunFigures[] = [];
  for (const calls of options.sizes) {
    const output = await runProcess(GNU_TIME, [
      "-v",
      Deno.execPath(),
      "run",
      "-A",
      `${REPO}bench/long_run_worker.ts`,
      "--calls",
      String(calls),
      "--concurrency",
      String(options.concurrency),
    ], { timeoutMs: 20 * 60_000 });
    if (output.code !== 0) {
      throw new Error(
        `long run of ${calls} calls exited with ${output.code}:\n${output.stderr.slice(-3000)}`,
      );
    }
    const run = lastJsonLine<LongRunOutput>(output.stdout, "bench/long_run_worker.ts");
    const peak = run.samples.at(-1)?.peakRssBytes ?? NaN;
    options.log(
      `long run ${calls} calls: ${run.callsPerSecond.toFixed(0)} calls/s, ` +
        `${(run.parquetBytes / run.calls).toFixed(1)} Parquet bytes/call, ` +
        `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
    );
    figures.push({
      ...run,
      parquetBytesPerCall: run.parquetBytes / run.calls,
      processPeakRssBytes: parsePeakRss(output.stderr),
    });
  }
  return figures;
}
