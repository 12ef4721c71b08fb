/**
 * Benchmark: rating submissions to the server with durable storage, by
 * running bench/ratings.ts (a server subprocess on 127.0.0.1 and a bounded
 * loop of concurrent clients) and reading the figures it writes to
 * bench/out/ratings.json.
 *
 * @module
 */
import { median, REPO, runProcess } from "./_process.ts";

/** Options for {@linkcode benchRatings}. */
export interface RatingsOptions {
  clients: number;
  /** Length of each run's load loop in seconds. */
  seconds: number;
  /** Runs; the figures are medians, the counts are checked on every run. */
  rounds: number;
  log: (line: string) => void;
}

/** Figures bench/ratings.ts writes to bench/out/ratings.json. */
interface RatingsRun {
  clients: number;
  seconds: number;
  submissions: number;
  failures: number;
  stored_lines: number;
  per_second: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Median figures over the runs. */
export interface RatingsFigures {
  clients: number;
  seconds: number;
  rounds: number;
  submissionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Totals over all runs: 201 responses, other responses, lines in ratings.jsonl. */
  acknowledged: number;
  failed: number;
  stored: number;
}

/**
 * Runs the rating benchmark `rounds` times.
 *
 * @throws {Error} When a run fails or stores a different count than it acknowledged.
 */
export async function benchRatings(options: RatingsOptions): Promise<RatingsFigures> {
  const runs: RatingsRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const output = await runProcess(Deno.execPath(), [
      "run",
      "-A",
      `${REPO}bench/ratings.ts`,
      "--clients",
      String(options.clients),
      "--seconds",
      String(options.seconds),
    ], { timeoutMs: (options.seconds + 120) * 1000 });
    if (output.code !== 0) {
      throw new Error(
        `bench/ratings.ts exited with ${output.code}:\n${output.stderr.slice(-3000)}`,
      );
    }
    const run = JSON.parse(await Deno.readTextFile(`${REPO}bench/out/ratings.json`)) as RatingsRun;
    if (run.stored_lines !== run.submissions) {
      throw new Error(
        `Ratings stored (${run.stored_lines}) differ from ratings acknowledged (${run.submissions})`,
      );
    }
    runs.push(run);
    options.log(
      `ratings round ${round}: ${run.per_second}/s, p50 ${run.p50_ms} ms, p99 ${run.p99_ms} ms, ` +
        `${run.submissions} acknowledged, ${run.stored_lines} stored`,
    );
  }
  return {
    clients: options.clients,
    seconds: options.seconds,
    rounds: runs.length,
    submissionsPerSecond: median(runs.map((run) => run.per_second)),
    p50Ms: median(runs.map((run) => run.p50_ms)),
    p99Ms: median(runs.map((run) => run.p99_ms)),
    acknowledged: runs.reduce((sum, run) => sum + run.submissions, 0),
    failed: runs.reduce((sum, run) => sum + run.failures, 0),
    stored: runs.reduce((sum, run) => sum + run.stored_lines, 0),
  };
}
