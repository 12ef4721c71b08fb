/**
 * The interface of a subcommand and the context it receives.
 *
 * @module
 */
import type { Logger } from "../mod.ts";

/** Output streams of a command. */
export interface CliIo {
  /** Writes text to stdout as is; commands add their own newlines. */
  stdout(text: string): void;
  /** Writes one line to stderr. */
  stderr(line: string): void;
  /** True when stderr is a terminal, so a progress bar can redraw in place. */
  isTty: boolean;
}

/** Context shared by every command. */
export interface CommandContext {
  io: CliIo;
  /** True with `--debug`: debug log lines and full stack traces. */
  debug: boolean;
  /** Logs to stderr as `step subject -> status in time`. */
  logger: Logger;
}

/** One subcommand of `ablab`. */
export interface Command {
  /** One line for the command list in `ablab --help`. */
  summary: string;
  /** Usage text printed by `ablab <command> --help` and after a usage error. */
  usage: string;
  /**
   * Runs the command with the arguments after its name.
   *
   * @returns the exit code.
   * @throws {UsageError} and other input errors, which `main` turns into exit code 2.
   */
  run(args: string[], context: CommandContext): Promise<number>;
}
