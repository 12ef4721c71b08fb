/**
 * `deno task bench`: runs the benchmarks on this machine, stores the raw
 * figures in bench/results.json and rewrites BENCHMARKS.md from them.
 *
 *     deno task bench                      # every benchmark, full sizes
 *     deno task bench engine aggregate     # only these
 *     deno task bench --quick              # small sizes, for a smoke run
 *     deno task bench --render             # only rewrite BENCHMARKS.md from the JSON
 *
 * A run of some benchmarks keeps the other benchmarks' previous entries in
 * bench/results.json, and each entry carries its own date and machine.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { benchAggregation } from "./aggregation.ts";
import { benchEnginePeers } from "./engine_peers.ts";
import { benchLongRun } from "./long_run.ts";
import { describeMachine, type Machine } from "./machine.ts";
import { REPO } from "./_process.ts";
import { benchRatings } from "./rating_submissions.ts";
import { renderBenchmarks } from "./report.ts";
import { benchSite } from "./site_load.ts";

/** One benchmark's stored record. */
export interface BenchmarkEntry {
  /** ISO 8601 time the benchmark started. */
  date: string;
  machine: Machine;
  /** The command that reproduces it. */
  command: string;
  quick: boolean;
  durationMs: number;
  /** Figures, absent when the benchmark failed. */
  result?: unknown;
  /** Error message, when the benchmark failed. */
  error?: string;
}

/** Contents of bench/results.json. */
export interface BenchmarkResults {
  benchmarks: Record<string, BenchmarkEntry>;
}

type Log = (line: string) => void;

/** Every benchmark by name, in run order, with its full and quick sizes. */
const BENCHMARKS: Record<string, (quick: boolean, log: Log) => Promise<unknown>> = {
  engine: (quick, log) =>
    benchEnginePeers({
      cases: quick ? 100 : 2_000,
      concurrencies: [32, 128],
      rounds: quick ? 1 : 3,
      // Three runs so promptfoo's figure is a median like the others; each takes one to three minutes.
      promptfooRounds: quick ? 1 : 3,
      log,
    }),
  "long-run": (quick, log) =>
    benchLongRun({
      sizes: quick ? [20_000, 4_000] : [1_000_000, 200_000],
      concurrency: 256,
      log,
    }),
  aggregate: (quick, log) =>
    benchAggregation({
      sizes: quick ? [100_000] : [1_000_000, 10_000_000],
      rounds: quick ? 2 : 3,
      log,
    }),
  ratings: (quick, log) =>
    benchRatings({ clients: 64, seconds: quick ? 3 : 10, rounds: quick ? 1 : 3, log }),
  site: (quick, log) => benchSite({ results: quick ? 2_000 : 100_000, builds: quick ? 1 : 2, log }),
};

const RESULTS_PATH = `${REPO}bench/results.json`;
const MARKDOWN_PATH = `${REPO}BENCHMARKS.md`;

async function readResults(): Promise<BenchmarkResults> {
  try {
    return JSON.parse(await Deno.readTextFile(RESULTS_PATH)) as BenchmarkResults;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { benchmarks: {} };
    throw error;
  }
}

/** Writes `text` to a temp file beside `path`, then renames it over `path`. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: false },
      render: { type: "boolean", default: false },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(
      `Usage: deno task bench [--quick] [${Object.keys(BENCHMARKS).join("|")} ...]\n` +
        "Runs the named benchmarks (default all), updates bench/results.json and BENCHMARKS.md.\n" +
        "--quick runs small sizes, for checking that the benchmarks work.\n" +
        "--render only rewrites BENCHMARKS.md from bench/results.json, running nothing.",
    );
    Deno.exit(0);
  }
  const unknown = positionals.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(
      `Unknown benchmark ${unknown.join(", ")}: use ${Object.keys(BENCHMARKS).join(", ")}`,
    );
    Deno.exit(2);
  }
  const selected = positionals.length > 0 ? positionals : Object.keys(BENCHMARKS);
  const quick = values.quick ?? false;

  const results = await readResults();
  if (values.render) {
    await writeMarkdown(results);
    console.log(`Wrote ${MARKDOWN_PATH}`);
    Deno.exit(0);
  }
  let failed = false;
  for (const name of selected) {
    const log: Log = (line) => console.error(`[${name}] ${line}`);
    const machine = describeMachine();
    const date = new Date().toISOString();
    const startedAt = performance.now();
    const entry: BenchmarkEntry = {
      date,
      machine,
      command: `deno task bench${quick ? " --quick" : ""} ${name}`,
      quick,
      durationMs: 0,
    };
    log(`started on ${machine.nproc} CPUs at load ${machine.loadAverage}`);
    try {
      entry.result = await BENCHMARKS[name]!(quick, log);
    } catch (error) {
      failed = true;
      entry.error = error instanceof Error ? error.message : String(error);
      log(`failed: ${entry.error}`);
    }
    entry.durationMs = performance.now() - startedAt;
    log(`finished in ${(entry.durationMs / 1000).toFixed(0)} s`);
    results.benchmarks[name] = entry;

    // Save after every benchmark, so a later failure or a kill keeps the figures so far.
    await writeAtomic(RESULTS_PATH, JSON.stringify(results, null, 2) + "\n");
    await writeMarkdown(results);
  }
  console.log(`Wrote ${RESULTS_PATH} and ${MARKDOWN_PATH}`);
  if (failed) Deno.exit(1);
}

/** Writes BENCHMARKS.md and formats it with bench/results.json, as `deno fmt --check` expects them. */
async function writeMarkdown(results: BenchmarkResults): Promise<void> {
  await writeAtomic(MARKDOWN_PATH, renderBenchmarks(results));
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", RESULTS_PATH, MARKDOWN_PATH],
    cwd: REPO,
  }).output();
}
