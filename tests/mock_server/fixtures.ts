/**
 * Helpers shared by the provider, fault-matrix and kill tests: model configs
 * aimed at a mock server, call requests and a logger that keeps its lines.
 *
 * @module
 */
import type { LogFields, Logger } from "../../lib/log.ts";
import type { CallRequest } from "../../lib/providers/provider.ts";
import { type ModelConfig, ModelConfigSchema } from "../../lib/schema/mod.ts";
import type { MockServer } from "./mod.ts";

/** API key the tests put in the environment; long enough to be scrubbed. */
export const TEST_KEY = "sk-test-0123456789abcdef";

/** Build a model config for `api` pointed at the mock server. */
export function mockModel(
  server: Pick<MockServer, "url" | "openaiBaseUrl">,
  api: "openai" | "anthropic",
  overrides: Partial<ModelConfig> = {},
): ModelConfig {
  return ModelConfigSchema.parse({
    id: `${api}-mock`,
    provider: api,
    model: api === "openai" ? "gpt-4o-mini" : "claude-3-5-haiku",
    base_url: api === "openai" ? server.openaiBaseUrl : server.url,
    ...overrides,
  });
}

/** Build a call request with one user message. */
export function callRequest(
  model: ModelConfig,
  options: { content?: string; callKey?: string; system?: string; signal?: AbortSignal } = {},
): CallRequest {
  return {
    model,
    messages: [
      ...(options.system === undefined
        ? []
        : [{ role: "system" as const, content: options.system }]),
      { role: "user", content: options.content ?? "hello there world" },
    ],
    callKey: options.callKey ?? "test|v/m|case-1|0",
    seed: 0,
    repeat: 0,
    signal: options.signal ?? new AbortController().signal,
  };
}

/** One line a `MemoryLogger` kept. */
export interface LogLine {
  level: keyof Logger;
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps every line for assertions. */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: "debug", message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: "error", message, fields });
  }
}
