/**
 * Benchmark: the same 2 prompts x 2 models x N cases workload against the
 * loopback mock (50 ms latency) at concurrency 32 and 128, made by ablab's
 * engine, a bare `openai` SDK loop, a bare fetch loop and promptfoo. Every
 * contender runs as its own process, with its own mock, inside a
 * loopback-only network namespace.
 *
 * @module
 */
import { join } from "node:path";
import { tmpdir } from "node:os";
import { lastJsonLine, median, REPO, runProcess } from "./_process.ts";
import { MOCK_LATENCY_MS, type PeerRun } from "./peer_harness.ts";

/** The last promptfoo release that runs on Node 20. */
export const PROMPTFOO_VERSION = "0.121.20";

/** Contenders in the order each round runs them. */
const CONTENDERS = ["engine", "sdk", "fetch", "promptfoo"] as const;

/** Options for {@linkcode benchEnginePeers}. */
export interface EnginePeersOptions {
  /** Cases per (prompt, model) pair: calls = 4 x cases. */
  cases: number;
  /** Global concurrency limits to measure. */
  concurrencies: readonly number[];
  /** Runs per contender and concurrency; the figures are medians. */
  rounds: number;
  /** Runs of promptfoo per concurrency, fewer than `rounds` because each takes minutes. */
  promptfooRounds: number;
  /** Receives one line per finished run. */
  log: (line: string) => void;
}

/** Median figures of one contender at one concurrency. */
export interface PeerFigures {
  contender: string;
  concurrency: number;
  calls: number;
  errors: number;
  workMs: number;
  processMs: number;
  callsPerSecond: number;
  /** Calls/s over the ideal concurrency / latency. */
  efficiency: number;
  peakRssBytes: number | null;
  rounds: number;
}

/** Figures of the whole benchmark. */
export interface EnginePeersResult {
  cases: number;
  callsPerRun: number;
  mockLatencyMs: number;
  /** Network isolation of the contenders. */
  isolation: string;
  promptfoo: { version: string; status: string };
  figures: PeerFigures[];
}

/** Builds the command that runs the harness inside a new network namespace with only loopback up. */
function isolatedCommand(args: string[]): [string, string[]] {
  const inner = [Deno.execPath(), "run", "-A", `${REPO}bench/peer_harness.ts`, ...args]
    .map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  return ["unshare", ["-n", "bash", "-c", `ip link set lo up && exec ${inner}`]];
}

/**
 * Installs promptfoo with npm into a temporary folder, reused across runs of
 * the benchmark, and returns that folder.
 *
 * @throws {Error} With npm's output when the install fails.
 */
async function installPromptfoo(log: (line: string) => void): Promise<string> {
  const dir = join(tmpdir(), `ablab-bench-promptfoo-${PROMPTFOO_VERSION}`);
  const main = join(dir, "node_modules/promptfoo/dist/src/main.js");
  try {
    await Deno.stat(main);
    return dir;
  } catch {
    // Not installed yet.
  }
  log(`installing promptfoo@${PROMPTFOO_VERSION} into ${dir}`);
  await Deno.mkdir(dir, { recursive: true });
  const output = await runProcess("npm", [
    "install",
    "--prefix",
    dir,
    "--no-audit",
    "--no-fund",
    `promptfoo@${PROMPTFOO_VERSION}`,
  ], {
    cwd: dir,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? dir },
    timeoutMs: 15 * 60_000,
  });
  if (output.code !== 0) {
    throw new Error(`npm install exited with ${output.code}: ${output.stderr.slice(-1500)}`);
  }
  return dir;
}

/**
 * Runs the benchmark. A contender that fails is recorded with its error and
 * the others still run.
 */
export async function benchEnginePeers(options: EnginePeersOptions): Promise<EnginePeersResult> {
  const { cases, concurrencies, rounds, promptfooRounds, log } = options;

  let promptfooDir: string | undefined;
  let promptfooStatus = "ran";
  try {
    promptfooDir = await installPromptfoo(log);
  } catch (error) {
    promptfooStatus = `not run: install failed: ${(error as Error).message}`;
    log(`promptfoo ${promptfooStatus}`);
  }

  const runs = new Map<string, PeerRun[]>();
  const failures = new Map<string, string>();
  for (let round = 1; round <= rounds; round++) {
    for (const concurrency of concurrencies) {
      for (const contender of CONTENDERS) {
        const key = `${contender}@${concurrency}`;
        if (contender === "promptfoo" && (promptfooDir === undefined || round > promptfooRounds)) {
          continue;
        }
        if (failures.has(key)) continue;
        const args = [
          "--contender",
          contender,
          "--cases",
          String(cases),
          "--concurrency",
          String(concurrency),
          ...(promptfooDir === undefined ? [] : ["--promptfoo-dir", promptfooDir]),
        ];
        const [command, commandArgs] = isolatedCommand(args);
        const output = await runProcess(command, commandArgs, { timeoutMs: 20 * 60_000 });
        if (output.code !== 0) {
          const reason = `exited with ${output.code}: ${output.stderr.trim().slice(-1500)}`;
          failures.set(key, reason);
          log(`${key} round ${round} failed: ${reason}`);
          if (contender === "promptfoo") promptfooStatus = `failed: ${reason}`;
          continue;
        }
        const run = lastJsonLine<PeerRun>(output.stdout, key);
        runs.set(key, [...(runs.get(key) ?? []), run]);
        log(
          `${key} round ${round}: ${run.calls} calls, ${run.errors} errors, ` +
            `${(run.workMs / 1000).toFixed(2)} s, ` +
            `peak RSS ${((run.peakRssBytes ?? NaN) / 2 ** 20).toFixed(0)} MiB`,
        );
      }
    }
  }

  const figures: PeerFigures[] = [];
  for (const concurrency of concurrencies) {
    for (const contender of CONTENDERS) {
      const list = runs.get(`${contender}@${concurrency}`) ?? [];
      if (list.length === 0) continue;
      const workMs = median(list.map((run) => run.workMs));
      const calls = median(list.map((run) => run.calls));
      const callsPerSecond = calls / (workMs / 1000);
      const rss = list.map((run) => run.peakRssBytes).filter((value) => value !== null);
      figures.push({
        contender,
        concurrency,
        calls,
        errors: Math.max(...list.map((run) => run.errors)),
        workMs,
        processMs: median(list.map((run) => run.processMs)),
        callsPerSecond,
        efficiency: callsPerSecond / (concurrency / (MOCK_LATENCY_MS / 1000)),
        peakRssBytes: rss.length === 0 ? null : median(rss),
        rounds: list.length,
      });
    }
  }
  return {
    cases,
    callsPerRun: 4 * cases,
    mockLatencyMs: MOCK_LATENCY_MS,
    isolation: "unshare -n, loopback only",
    promptfoo: { version: PROMPTFOO_VERSION, status: promptfooStatus },
    figures,
  };
}
