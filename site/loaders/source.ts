/**
 * Inputs of the site's data loaders: the runs folder (`ABLAB_RUNS`, or
 * `runs/` at the repository root) opened through ablab's filesystem store,
 * and the `--test` argument of parameterized loaders.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { FsStore, ID_PATTERN } from "../../lib/mod.ts";

/** The repository's own runs folder, used when `ABLAB_RUNS` is not set. */
const DEFAULT_RUNS = fileURLToPath(new URL("../../runs", import.meta.url));

/** Returns the runs folder the site reads: `ABLAB_RUNS` when set, else `runs/` of the repository. */
export function runsDir(): string {
  const fromEnv = Deno.env.get("ABLAB_RUNS");
  return fromEnv === undefined || fromEnv === "" ? DEFAULT_RUNS : fromEnv;
}

/**
 * Opens the runs folder, runs `work` with the store, and closes it.
 *
 * @param work Reads what a loader needs.
 * @returns What `work` returns.
 */
export async function withRuns<T>(work: (store: FsStore) => Promise<T>): Promise<T> {
  const store = new FsStore({ root: runsDir() });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Reads the test id Framework passes to a parameterized loader as `--test`.
 *
 * @throws {TypeError} When the argument is missing or not a valid test id.
 */
export function testIdArgument(args: string[] = Deno.args): string {
  const { values } = parseArgs({ args, options: { test: { type: "string" } }, strict: false });
  const id = values.test;
  if (typeof id !== "string" || !ID_PATTERN.test(id)) {
    throw new TypeError(
      `Invalid --test argument ${JSON.stringify(id)}: expected a test id from the runs folder`,
    );
  }
  return id;
}

/**
 * Writes bytes to standard output, where Framework reads a loader's file.
 * One `write` call may write only part of a large buffer, so this loops.
 */
export async function writeOutput(bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await Deno.stdout.write(bytes.subarray(offset));
}

/** Writes a value as JSON to standard output. */
export async function writeJson(value: unknown): Promise<void> {
  await writeOutput(new TextEncoder().encode(JSON.stringify(value)));
}
