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

/**
 * Returns a `deno run -A lib/cli/main.ts compare TEST_ID` command, with
 * `--out` when it differs from the default. `deno task` has no shortcut for
 * `compare`, so the hint names the entry point.
 */
export function compareCommandHint(testId: string, flags: HintFlags): string {
  const parts = ["deno run -A lib/cli/main.ts compare", quoteArg(testId)];
  if (flags.out !== DEFAULT_OUT_DIR) parts.push("--out", quoteArg(flags.out));
  return parts.join(" ");
}
