/**
 * Runs one contender of the engine-against-peers benchmark against a fresh
 * mock server (tests/mock_server/serve.ts). The contender runs as its own
 * process under GNU time. The harness then stops the mock and prints one JSON
 * line with the call counts, the in-process and whole-process times, and
 * peak RSS.
 *
 * `bench/engine_peers.ts` starts this script inside a loopback-only network
 * namespace (`unshare -n`), so no contender can reach any other host.
 *
 *     deno run -A bench/peer_harness.ts --contender sdk --cases 2000 --concurrency 32
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  GNU_TIME,
  lastJsonLine,
  parsePeakRss,
  REPO,
  runProcess,
  startMock,
  withoutTimeReport,
} from "./_process.ts";
import { PEER_MODELS, PEER_PROMPTS } from "./peer_client.ts";

/** Figures of one contender run. */
export interface PeerRun {
  contender: string;
  concurrency: number;
  /** Calls the contender reports as made. */
  calls: number;
  errors: number;
  /** Time of the calls inside the process (for promptfoo, the duration it reports), ms. */
  workMs: number;
  /** Whole process, start-up included, ms. */
  processMs: number;
  /** Peak RSS of the contender's largest process, bytes. */
  peakRssBytes: number | null;
}

/** The mock's fixed latency: the ideal rate is concurrency / 0.05 s. */
export const MOCK_LATENCY_MS = 50;

/**
 * A contender may take this long before it is killed. promptfoo made about
 * 10 calls/s on a loaded 2-CPU machine, so 8,000 calls can take over 10 minutes.
 */
const CONTENDER_TIMEOUT_MS = 18 * 60_000;

/** Writes a promptfoo config for the same workload and returns its path. */
async function writePromptfooConfig(dir: string, baseUrl: string, cases: number): Promise<string> {
  const config = {
    description: "ablab benchmark workload",
    prompts: PEER_PROMPTS.map((template) => template),
    providers: PEER_MODELS.map((model) => ({
      id: `openai:chat:${model}`,
      config: { apiBaseUrl: baseUrl, apiKey: "sk-bench-not-a-secret" },
    })),
    tests: Array.from({ length: cases }, (_, i) => ({ vars: { item: String(i) } })),
  };
  const path = join(dir, "promptfooconfig.yaml");
  await Deno.writeTextFile(path, stringify(config));
  return path;
}

/** Counts from promptfoo's `-o results.json`: rows, errors and its own duration. */
async function readPromptfooResults(path: string) {
  const output = JSON.parse(await Deno.readTextFile(path));
  const results = output.results ?? {};
  const rows: { error?: unknown; response?: { error?: unknown } }[] = results.results ?? [];
  const errors = rows.filter((row) => row.error != null || row.response?.error != null).length;
  const durationMs = typeof results.stats?.durationMs === "number"
    ? results.stats.durationMs
    : null;
  return { calls: rows.length, errors, durationMs };
}

async function runContender(
  contender: string,
  baseUrl: string,
  options: { cases: number; concurrency: number; promptfooDir: string | undefined },
): Promise<PeerRun> {
  const { cases, concurrency } = options;
  const base = { contender, concurrency };

  if (contender !== "promptfoo") {
    const output = await runProcess(GNU_TIME, [
      "-v",
      Deno.execPath(),
      "run",
      "-A",
      `${REPO}bench/peer_client.ts`,
      "--mode",
      contender,
      "--base-url",
      baseUrl,
      "--cases",
      String(cases),
      "--concurrency",
      String(concurrency),
    ], { timeoutMs: CONTENDER_TIMEOUT_MS });
    if (output.code !== 0) {
      throw new Error(
        `${contender} exited with ${output.code}:\n${
          withoutTimeReport(output.stderr).slice(-3000)
        }`,
      );
    }
    const measured = lastJsonLine<{ calls: number; errors: number; workMs: number }>(
      output.stdout,
      contender,
    );
    return {
      ...base,
      ...measured,
      processMs: output.wallMs,
      peakRssBytes: parsePeakRss(output.stderr),
    };
  }

  if (options.promptfooDir === undefined) throw new TypeError("Missing --promptfoo-dir");
  const work = await Deno.makeTempDir({ prefix: "ablab-bench-promptfoo-run-" });
  try {
    const config = await writePromptfooConfig(work, baseUrl, cases);
    const resultsPath = join(work, "results.json");
    const main = join(options.promptfooDir, "node_modules/promptfoo/dist/src/main.js");
    const output = await runProcess(GNU_TIME, [
      "-v",
      "node",
      main,
      "eval",
      "-c",
      config,
      "--no-cache",
      "--max-concurrency",
      String(concurrency),
      "--no-progress-bar",
      "--no-table",
      "-o",
      resultsPath,
    ], {
      cwd: work,
      timeoutMs: CONTENDER_TIMEOUT_MS,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: work,
        PROMPTFOO_CONFIG_DIR: join(work, ".promptfoo"),
        PROMPTFOO_DISABLE_TELEMETRY: "1",
        PROMPTFOO_DISABLE_UPDATE: "1",
        PROMPTFOO_CACHE_ENABLED: "false",
        OPENAI_API_KEY: "sk-bench-not-a-secret",
      },
    });
    // promptfoo exits 100 when some test failed an assertion; this workload has none.
    if (output.code !== 0 && output.code !== 100) {
      throw new Error(
        `promptfoo exited with ${output.code}:\n${
          (output.stdout + withoutTimeReport(output.stderr)).slice(-3000)
        }`,
      );
    }
    const counted = await readPromptfooResults(resultsPath);
    return {
      ...base,
      calls: counted.calls,
      errors: counted.errors,
      workMs: counted.durationMs ?? output.wallMs,
      processMs: output.wallMs,
      peakRssBytes: parsePeakRss(output.stderr),
    };
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      contender: { type: "string" },
      cases: { type: "string", default: "2000" },
      concurrency: { type: "string", default: "32" },
      "promptfoo-dir": { type: "string" },
    },
  });
  const contender = values.contender ?? "";
  if (!["engine", "sdk", "fetch", "promptfoo"].includes(contender)) {
    throw new TypeError(`Invalid --contender ${contender}: use engine, sdk, fetch or promptfoo`);
  }

  const mock = await startMock(MOCK_LATENCY_MS);
  try {
    const run = await runContender(contender, mock.openaiBaseUrl, {
      cases: Number(values.cases),
      concurrency: Number(values.concurrency),
      promptfooDir: values["promptfoo-dir"],
    });
    console.log(JSON.stringify(run));
  } finally {
    await mock.stop();
  }
}
