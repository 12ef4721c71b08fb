/**
 * Commands the CLI prints for the user to run next, such as the resume hint
 * after an interrupted run. They carry the flags that differ from the
 * defaults (`--out`, `--shard`), so running them as printed works.
 *
 * @module
 */
import { DEFAULT_RUNS_DIR as DEFAULT_OUT_DIR } from "../mod.ts";
import type { Shard } from "./args.ts";

/** Flags of the run a hint continues. */
export interface HintFlags {
  out: string;
  shard?: Shard;
}

/**
 * Returns a `deno task run --resume TEST_ID ...` command, in the form the
 * README uses, with `--out` and `--shard` when they differ from the defaults
 * and `extra` flags appended.
 */
export function resumeCommand(testId: string, flags: HintFlags, extra: string[] = []): string {
  const parts = ["deno task run --resume", quoteArg(testId)];
  if (flags.out !== DEFAULT_OUT_DIR) parts.push("--out", quoteArg(flags.out));
  if (flags.shard !== undefined) parts.push("--shard", `${flags.shard.index}/${flags.shard.count}`);
  parts.push(...extra);
  return parts.join(" ");
}

/** Quotes an argument for a POSIX shell when it contains a character outside a safe set. */
export function quoteArg(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/** The command that runs the CLI's entry point; there is no installed `ablab` binary. */
export const CLI_ENTRY = "deno run -A lib/cli/main.ts";

/**
 * Returns a `deno run -A lib/cli/main.ts ...args` command with `--out` when
 * it differs from the default. `deno task` has shortcuts only for `run`,
 * `demo` and `serve`, so hints for other commands name the entry point.
 */
export function cliCommand(args: string[], flags: Pick<HintFlags, "out">): string {
  const parts = [CLI_ENTRY, ...args.map(quoteArg)];
  if (flags.out !== DEFAULT_OUT_DIR) parts.push("--out", quoteArg(flags.out));
  return parts.join(" ");
}

/** Returns a `deno run -A lib/cli/main.ts compare TEST_ID` command, see {@linkcode cliCommand}. */
export function compareCommandHint(testId: string, flags: HintFlags): string {
  return cliCommand(["compare", testId], flags);
}
