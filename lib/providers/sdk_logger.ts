/**
 * Adapter from the log calls of the `openai` and `@anthropic-ai/sdk` clients
 * to an ablab `Logger`, so the SDKs never print to the console.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { scrubSecret } from "./errors.ts";

/** The logger shape both SDKs accept: `(message, ...rest)` per level. */
export interface SdkLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

/**
 * Build an SDK logger that forwards to `logger` at the same level, with the
 * extra arguments as `details` and `secret` scrubbed from the text.
 */
export function sdkLogger(
  logger: Logger,
  options: { provider: string; secret: string },
): SdkLogger {
  const forward = (level: keyof Logger) => (message: string, ...rest: unknown[]) => {
    const details = rest.map((value) => {
      const text = typeof value === "string" ? value : safeJson(value);
      return scrubSecret(text, options.secret);
    });
    logger[level](scrubSecret(`${options.provider} SDK: ${message}`, options.secret), {
      ...(details.length > 0 ? { details } : {}),
    });
  };
  return {
    error: forward("error"),
    warn: forward("warn"),
    info: forward("info"),
    debug: forward("debug"),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
