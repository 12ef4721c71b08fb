/**
 * Process helpers for the benchmarks: the repository root, running a child
 * under GNU time for its peak RSS, starting the loopback mock server, and
 * reading this process's own RSS.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Repository root, with a trailing slash. */
export const REPO = fileURLToPath(new URL("../", import.meta.url));

/** GNU time, whose `-v` report carries the peak resident set size of the child tree. */
export const GNU_TIME = "/usr/bin/time";

/** What a finished child process left behind. */
export interface ProcessOutput {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit in milliseconds. */
  wallMs: number;
}

/** Options for {@linkcode runProcess}. */
export interface RunProcessOptions {
  /** Working directory. Default the repository root. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the child after this many milliseconds. Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Runs a command to completion, capturing its output, and kills it with
 * SIGKILL once `timeoutMs` has passed.
 *
 * @param command Executable path or name.
 * @param args Arguments.
 * @param options Working directory, environment and time limit.
 * @returns Exit code, output and wall time.
 */
export async function runProcess(
  command: string,
  args: string[],
  options: RunProcessOptions = {},
): Promise<ProcessOutput> {
  const startedAt = performance.now();
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd ?? REPO,
    env: options.env ?? {},
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // The child exited between the timer firing and the kill.
    }
  }, options.timeoutMs ?? 10 * 60_000);
  try {
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
      wallMs: performance.now() - startedAt,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads "Maximum resident set size (kbytes)" from the report of `time -v`.
 * The kernel takes the maximum over the child and every descendant it waited
 * for, so for a process tree this is its largest single process.
 *
 * @returns Bytes, or null when the report has no such line.
 */
export function parsePeakRss(timeReport: string): number | null {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeReport);
  return match === null ? null : Number(match[1]) * 1024;
}

/** Removes the report of `time -v` from a child's stderr, leaving the child's own output. */
export function withoutTimeReport(stderr: string): string {
  const start = stderr.search(/^(Command exited with non-zero status|\tCommand being timed)/m);
  return start === -1 ? stderr : stderr.slice(0, start);
}

/** Returns the last line of `text` that parses as a JSON object. */
export function lastJsonLine<T>(text: string, what: string): T {
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line) as T;
    } catch {
      // Not JSON after all: keep looking.
    }
  }
  throw new SyntaxError(`No JSON line in the output of ${what}:\n${text.slice(-2000)}`);
}

/** Resident set size of this process now and at its peak, in bytes, from /proc/self/status. */
export function selfRss(): { rss: number; peak: number } {
  const status = Deno.readTextFileSync("/proc/self/status");
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match === null ? NaN : Number(match[1]) * 1024;
  };
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/** A mock server process and how to stop it. */
export interface MockProcess {
  /** Base URL of the OpenAI-compatible routes, ending in `/v1`. */
  openaiBaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts tests/mock_server/serve.ts in its own process and waits for the
 * JSON line with its URLs.
 *
 * @throws {Error} When the server exits or prints nothing within 60 s.
 */
export async function startMock(latencyMs: number): Promise<MockProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}tests/mock_server/serve.ts`, "--latency-ms", String(latencyMs)],
    cwd: REPO,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("The mock server exited before printing its URL");
      text += value;
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const { openaiBaseUrl } = JSON.parse(text.split("\n")[0]!) as { openaiBaseUrl: string };
  return {
    openaiBaseUrl,
    stop: async () => {
      await child.stdin.close();
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("Cannot take the median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A server process started by {@linkcode startServerProcess}. */
export interface ServerProcess {
  /** Base URL such as `http://127.0.0.1:PORT`. */
  url: string;
  /** Sends SIGTERM and returns the exit code and the last 4,000 characters of stderr. */
  stop(): Promise<{ code: number; stderr: string }>;
}

/**
 * Starts `lib/server/serve_command.ts` (what `deno task serve` runs) on a
 * free 127.0.0.1 port, serving `siteDir` and the store under `runsDir`.
 *
 * @throws {Error} With the server's output when it prints no URL within 60 s.
 */
export async function startServerProcess(runsDir: string, siteDir: string): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${REPO}lib/server/serve_command.ts`,
      "--port",
      "0",
      "--rate",
      "1000000",
      "--out",
      runsDir,
      "--site",
      siteDir,
    ],
    cwd: REPO,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  let url = "";
  const deadline = Date.now() + 60_000;
  while (url === "" && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1] ?? "";
  }
  if (url === "") {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`The server printed no URL within 60 s; stderr:\n${stderr.slice(-3000)}`);
  }
  // Keep reading, so the server never blocks on a full pipe.
  const drained = (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      stderr = (stderr + value).slice(-4000);
    }
  })().catch(() => {});
  return {
    url,
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // The server exited already.
      }
      const status = await child.status;
      await drained;
      return { code: status.code, stderr };
    },
  };
}
