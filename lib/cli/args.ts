/**
 * Helpers that turn flag strings into checked values, raising `UsageError`
 * with the flag name and the rejected value.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.ts";

/** Option definitions in the shape `node:util` `parseArgs` takes. */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  debug: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies OptionSpec;

/**
 * Parses a command's arguments strictly: unknown flags, missing values and
 * extra positionals become a `UsageError`.
 */
export function parseCommandArgs<T extends OptionSpec>(
  args: string[],
  options: T,
  usage: string,
) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`${error.message}\n${usage}`);
    throw error;
  }

  // parseArgs keeps the last value of a repeated flag and drops the others
  // without a word. A flag that takes one value must therefore appear once.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || options[token.name]?.type !== "string") continue;
    if (options[token.name]?.multiple === true) continue;
    if (seen.has(token.name)) {
      throw new UsageError(`--${token.name} given more than once: pass it once\n${usage}`);
    }
    seen.add(token.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Parses an integer flag within `[min, max]`; undefined stays undefined. */
export function parseIntegerFlag(
  name: string,
  value: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;

  const number = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new UsageError(`invalid --${name} "${value}": expected an integer`);
  }
  if (number < range.min || number > range.max) {
    throw new UsageError(
      `invalid --${name} ${number}: expected an integer from ${range.min} to ${range.max}`,
    );
  }
  return number;
}

/** One shard of a run: shard `index` (from 1) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Maximum shard count; far more than the machines a run would be spread over. */
const MAX_SHARDS = 10_000;

/** Parses `--shard i/n` with `1 <= i <= n`. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;

  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (match === null) {
    throw new UsageError(`invalid --shard "${value}": expected i/n, for example 1/4`);
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(
      `invalid --shard "${value}": expected 1 <= i <= n <= ${MAX_SHARDS}, for example 1/4`,
    );
  }
  return { index, count };
}

/** Returns the single positional argument, or raises a `UsageError` naming what is missing. */
export function onePositional(positionals: string[], name: string, usage: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${name}\n${usage}`);
  if (positionals.length > 1) {
    throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(" ")}\n${usage}`);
  }
  return positionals[0]!;
}
