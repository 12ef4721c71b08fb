/**
 * Runs folder lookup for notebooks: the `ABLAB_RUNS` environment variable
 * lets a test harness or a user point every notebook at another folder
 * without editing it.
 *
 * @module
 */
import { DEFAULT_RUNS_DIR } from "../store/mod.ts";

/** Environment variable that overrides the runs folder of the notebook helpers. */
export const RUNS_DIR_ENV = "ABLAB_RUNS";

/** Options for {@linkcode runsDir}. */
export interface RunsDirOptions {
  /** Environment to read `ABLAB_RUNS` from. Default `Deno.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Returns the runs folder: `ABLAB_RUNS` when it is set and not empty, else
 * `fallback`. Relative paths stay relative to the working directory, which
 * for a notebook kernel is the notebook's folder.
 *
 * @param fallback Folder used when `ABLAB_RUNS` is unset. Default `runs`.
 * @param options The environment to read.
 * @returns A folder path.
 * @example
 * ```ts
 * // In notebooks/, where the repository's runs/ folder is one level up:
 * const root = runsDir("../runs");
 * ```
 */
export function runsDir(fallback: string = DEFAULT_RUNS_DIR, options: RunsDirOptions = {}): string {
  const value = options.env === undefined ? Deno.env.get(RUNS_DIR_ENV) : options.env[RUNS_DIR_ENV];
  return value === undefined || value === "" ? fallback : value;
}
