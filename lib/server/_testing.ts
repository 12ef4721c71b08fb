/**
 * Helpers for server tests: a server on a free loopback port over a
 * temporary `FsStore`, and a small experiment file.
 *
 * @module
 */
import type { LogFields, Logger } from "../log.ts";
import { FsStore } from "../store/fs_store.ts";
import type { AppOptions } from "./app.ts";
import { type RunningServer, startServer } from "./serve.ts";

/** A logger that keeps its lines for assertions. */
export class MemoryLogger implements Logger {
  lines: { level: string; message: string; fields: LogFields | undefined }[] = [];
  debug(message: string, fields?: LogFields) {
    this.lines.push({ level: "debug", message, fields });
  }
  info(message: string, fields?: LogFields) {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields?: LogFields) {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields?: LogFields) {
    this.lines.push({ level: "error", message, fields });
  }
}

/** A server under test and what it runs on. */
export interface TestServer extends AsyncDisposable {
  url: string;
  server: RunningServer;
  store: FsStore;
  root: string;
  logger: MemoryLogger;
}

/** Start a server on a free loopback port over a new temporary store. */
export async function startTestServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  const root = await Deno.makeTempDir({ prefix: "ablab-server-" });
  const store = new FsStore({ root });
  const logger = new MemoryLogger();
  const server = await startServer({ store, logger, port: 0, ...options });
  return {
    url: server.url,
    server,
    store,
    root,
    logger,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await store.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Build an experiment file with two variants, two instant simulated models, a judge and six cases. */
export function experimentYaml(id = "api-demo"): string {
  const cases = Array.from(
    { length: 6 },
    (_, i) => `    - {id: c${i}, question: "Question number ${i}?"}`,
  );
  return [
    `id: ${id}`,
    "name: API demo",
    "seed: 3",
    "variants:",
    "  - {id: plain, template: '{{question}}'}",
    "  - {id: polite, template: 'Please answer kindly: {{question}}'}",
    "models:",
    "  - {id: small, model: sim-small, profile: {time_scale: 0, output_words: 20}}",
    "  - {id: large, model: sim-large, profile: {time_scale: 0, output_words: 60}}",
    "rating_dimensions:",
    "  - {id: helpful, description: Answers the question}",
    "  - {id: tone}",
    "judge: {model: large, rubric: Prefer the answer a customer would find more useful.}",
    "dataset:",
    "  cases:",
    ...cases,
    "",
  ].join("\n");
}

/** POST JSON and return the status and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : JSON.parse(text) };
}
