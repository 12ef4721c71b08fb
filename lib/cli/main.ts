/**
 * The `ablab` command line: `run`, `demo`, `compare`, `report`, `list` and `serve`.
 *
 * Exit codes: 0 done, 1 the run failed or stopped before it finished, 2
 * invalid input. An error prints one line on stderr; `--debug` adds the stack.
 * With `--json` an error also prints `{ "ok": false, "error", "exit_code" }`
 * on stdout, so a script reading stdout always gets one JSON object.
 *
 * @module
 */
import { ConfigError, TestExistsError, TestNotFoundError, TransitionError } from "../mod.ts";
import { consoleLogger, writeStderr } from "./console_logger.ts";
import type { CliIo, Command, CommandContext } from "./command.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.ts";
import { CLI_ENTRY } from "./hints.ts";
import { runCommand } from "./run.ts";
import { demoCommand } from "./demo.ts";
import { reportCommand } from "./report.ts";
import { compareCommand } from "./compare.ts";
import { listCommand } from "./list.ts";
import { serveCommand } from "../server/serve_command.ts";

/** Subcommands by name. */
export const COMMANDS: Record<string, Command> = {
  run: runCommand,
  demo: demoCommand,
  compare: compareCommand,
  report: reportCommand,
  list: listCommand,
  serve: serveCommand,
};

/** Returns the top-level help text, listing every command. */
export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) =>
    `  ${name.padEnd(width)}  ${command.summary}`
  );
  return [
    "ablab: A/B testing of LLM prompts and models",
    "",
    "Usage: ablab <command> [options]",
    "",
    `There is no installed ablab binary: run \`${CLI_ENTRY} <command>\`, or`,
    "`deno task run`, `deno task demo` and `deno task serve` for those three commands.",
    "",
    "Commands:",
    ...lines,
    "",
    "Options for every command:",
    "  --debug    print debug lines and full stack traces",
    "  -h, --help print the command's usage",
    "",
    "Exit codes: 0 done, 1 run failed or stopped early, 2 invalid input.",
    "",
  ].join("\n");
}

const encoder = new TextEncoder();

/** Writes to the process's stdout and stderr. */
export function processIo(): CliIo {
  const tty = Deno.stderr.isTerminal();
  return {
    stdout: (text) => Deno.stdout.writeSync(encoder.encode(text)),
    // On a terminal, clear the line first so a line written while the progress
    // bar is drawn replaces the bar instead of being appended to it.
    stderr: tty ? (line) => writeStderr(`\r\x1b[2K${line}`) : writeStderr,
    isTty: tty,
  };
}

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit code.
 * Errors never escape: each becomes one message on stderr and an exit code.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const end = argv.indexOf("--");
  const flags = end === -1 ? argv : argv.slice(0, end);
  const debug = flags.includes("--debug");
  const json = flags.includes("--json");
  const context: CommandContext = { io, debug, logger: consoleLogger({ debug, write: io.stderr }) };

  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    if (name === undefined) {
      io.stderr(helpText());
      return EXIT_USAGE;
    }
    io.stdout(helpText());
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    const message = `unknown command "${name}"; run \`${CLI_ENTRY} --help\` for the list`;
    io.stderr(`error: ${message}`);
    if (json) printJsonError(message, EXIT_USAGE, io);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return EXIT_OK;
  }

  try {
    return await command.run(rest, context);
  } catch (error) {
    const code = reportError(error, context);
    if (json) printJsonError(error instanceof Error ? error.message : String(error), code, io);
    return code;
  }
}

/** Errors caused by the input rather than by the run; they exit with 2. */
function isInputError(error: unknown): boolean {
  return error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof TestNotFoundError ||
    error instanceof TestExistsError ||
    error instanceof TransitionError;
}

/** The object `--json` prints on stdout when a command fails. */
export interface JsonError {
  ok: false;
  error: string;
  exit_code: number;
}

function printJsonError(message: string, code: number, io: CliIo): void {
  // Usage errors end with the command's usage text, which belongs on stderr only.
  const body: JsonError = { ok: false, error: message.split("\nUsage:")[0]!, exit_code: code };
  io.stdout(`${JSON.stringify(body)}\n`);
}

function reportError(error: unknown, context: CommandContext): number {
  const input = isInputError(error);
  const message = error instanceof Error ? error.message : String(error);
  context.io.stderr(`error: ${message}`);

  if (context.debug && error instanceof Error && error.stack !== undefined) {
    context.io.stderr(error.stack);
  } else if (!input) {
    context.io.stderr("run again with --debug for the stack trace");
  }
  return input ? EXIT_USAGE : EXIT_FAILED;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
