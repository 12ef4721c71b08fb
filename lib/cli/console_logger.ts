/**
 * A `Logger` that writes plain lines to stderr for the CLI.
 *
 * @module
 */
import type { LogFields, Logger } from "../mod.ts";

/** Options for `consoleLogger`. */
export interface ConsoleLoggerOptions {
  /** Print debug lines and the fields of every line. Default false. */
  debug?: boolean;
  /** Sink for one finished line. Default writes to stderr. */
  write?: (line: string) => void;
}

const encoder = new TextEncoder();

/** Writes a line to stderr. */
export function writeStderr(line: string): void {
  Deno.stderr.writeSync(encoder.encode(`${line}\n`));
}

/**
 * Creates a logger that prints each message as one line, warnings and errors
 * with a level prefix. Debug lines and fields appear only with `debug`.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const debug = options.debug ?? false;
  const write = options.write ?? writeStderr;

  const print = (prefix: string, message: string, fields: LogFields | undefined) => {
    const details = debug && fields !== undefined && Object.keys(fields).length > 0
      ? ` ${JSON.stringify(fields)}`
      : "";
    write(`${prefix}${message}${details}`);
  };

  return {
    debug(message, fields) {
      if (debug) print("debug: ", message, fields);
    },
    info(message, fields) {
      print("", message, fields);
    },
    warn(message, fields) {
      print("warning: ", message, fields);
    },
    error(message, fields) {
      print("error: ", message, fields);
    },
  };
}

/** Formats a duration in milliseconds for log lines: `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/**
 * Wraps a logger so info lines become debug lines. The CLI hands this to the
 * engine, whose info lines repeat what the CLI prints in its own words.
 */
export function demoteInfo(logger: Logger): Logger {
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: (message, fields) => logger.debug(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, fields) => logger.error(message, fields),
  };
}
