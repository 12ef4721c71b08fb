/**
 * Helpers for the CLI end-to-end tests: run `lib/cli/main.ts` in a
 * subprocess and write small experiment files into a temp folder.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/main.ts";

/** Path of the CLI entry point. */
export const CLI_MAIN = fileURLToPath(new URL("../lib/cli/main.ts", import.meta.url));

/** Repository root, the working directory of every subprocess. */
export const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Exit code and output of one CLI run. */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

/** Runs `deno run -A lib/cli/main.ts ...args` and collects its output. */
export async function runCli(args: string[]): Promise<CliOutput> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI_MAIN, ...args],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Runs the CLI's `main` in this process with captured output: the same code
 * path as the subprocess without its start-up time.
 */
export async function runMain(args: string[]): Promise<CliOutput> {
  let stdout = "";
  const stderr: string[] = [];
  const code = await main(args, {
    stdout: (text) => stdout += text,
    stderr: (line) => stderr.push(line),
    isTty: false,
  });
  return { code, stdout, stderr: stderr.map((line) => `${line}\n`).join("") };
}

/** Options for `writeSmallExperiment`. */
export interface SmallExperimentOptions {
  /** Number of cases. Default 3. */
  cases?: number;
  /** Simulated median latency in milliseconds. Default 100. */
  latencyMs?: number;
  /** Real time slept per simulated millisecond. Default 0, which returns at once. */
  timeScale?: number;
  /** Default 4. */
  concurrency?: number;
  /** Add a second model, `broken`, whose calls fail after one attempt. Default false. */
  brokenModel?: boolean;
  /** Share of the broken model's attempts that fail. Default 1: every one. */
  brokenErrorRate?: number;
}

/**
 * Writes an experiment with two variants, one simulated model (two with
 * `brokenModel`) and a few inline cases, and returns its path.
 */
export async function writeSmallExperiment(
  dir: string,
  options: SmallExperimentOptions = {},
): Promise<string> {
  const cases = Array.from(
    { length: options.cases ?? 3 },
    (_, i) => `    - {id: case-${i + 1}, topic: "topic ${i + 1}"}`,
  );
  const text = [
    "id: small",
    "name: Small CLI test",
    "seed: 7",
    `concurrency: ${options.concurrency ?? 4}`,
    "variants:",
    "  - id: plain",
    '    template: "Explain {{topic}}."',
    "  - id: brief",
    '    template: "Explain {{topic}} in one sentence."',
    "models:",
    "  - id: sim",
    "    provider: simulated",
    "    model: gpt-4o-mini",
    "    profile:",
    `      latency_median_ms: ${options.latencyMs ?? 100}`,
    "      latency_sigma: 0",
    `      time_scale: ${options.timeScale ?? 0}`,
    ...(options.brokenModel
      ? [
        "  - id: broken",
        "    provider: simulated",
        "    model: gpt-4o-mini",
        "    max_attempts: 1",
        "    profile:",
        `      error_rate: ${options.brokenErrorRate ?? 1}`,
        "      time_scale: 0",
      ]
      : []),
    "dataset:",
    "  cases:",
    ...cases,
    "",
  ].join("\n");
  const path = join(dir, "small.yaml");
  await Deno.writeTextFile(path, text);
  return path;
}

/** Reports whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
