/**
 * Crash-safe file writes. A new file's bytes go to a temp file in the same
 * folder, which is synced and then moved into place with one rename, or with
 * a hard link for create-only writes. Readers therefore see the old file or
 * the whole new one, never a part.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** Suffix of temp files; readers skip files that end with it. */
export const TEMP_SUFFIX = ".tmp";

/** Build a unique temp path beside `path`, hidden and ending in {@linkcode TEMP_SUFFIX}. */
export function tempPathFor(path: string): string {
  const random = crypto.randomUUID().slice(0, 8);
  return join(dirname(path), `.${basename(path)}.${random}${TEMP_SUFFIX}`);
}

/**
 * Remove temp files left in `directory` by a process that crashed mid-write.
 * Only files older than `options.minAgeMs` go, so a write still running in another
 * process keeps its temp file.
 *
 * @returns Names of the removed files.
 */
export async function removeStaleTempFiles(
  directory: string,
  options: { minAgeMs: number; now?: number },
): Promise<string[]> {
  const { minAgeMs, now = Date.now() } = options;
  const removed: string[] = [];
  try {
    for await (const entry of Deno.readDir(directory)) {
      if (!entry.isFile || !entry.name.startsWith(".") || !entry.name.endsWith(TEMP_SUFFIX)) {
        continue;
      }
      const path = join(directory, entry.name);
      const stat = await Deno.stat(path).catch(() => null);
      if (stat?.mtime && now - stat.mtime.getTime() >= minAgeMs) {
        await Deno.remove(path).catch(() => {});
        removed.push(entry.name);
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  return removed.sort();
}

/** Sync a folder so a rename or a new file in it survives a crash. */
export async function syncDirectory(path: string): Promise<void> {
  const directory = await Deno.open(path, { read: true });
  try {
    await directory.sync();
  } finally {
    directory.close();
  }
}

/** Write `data` to a new file at `path` and sync it to disk. */
async function writeSynced(path: string, data: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { write: true, createNew: true });
  try {
    let written = 0;
    while (written < data.length) written += await file.write(data.subarray(written));
    await file.sync();
  } finally {
    file.close();
  }
}

/**
 * Replace the file at `path` with `data` atomically: write a temp file in the
 * same folder, sync it, rename it over `path`, then sync the folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const temp = tempPathFor(path);

  try {
    await writeSynced(temp, bytes);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * Create the file at `path` with `data` atomically, failing when it exists:
 * write and sync a temp file, hard-link it to `path`, which fails when `path`
 * exists, then remove the temp file.
 *
 * @returns False when `path` already exists, true when the file was created.
 */
export async function createFileAtomic(path: string, data: string | Uint8Array): Promise<boolean> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const temp = tempPathFor(path);

  try {
    await writeSynced(temp, bytes);
    await Deno.link(temp, path);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
  await syncDirectory(dirname(path));
  return true;
}

/** Read a UTF-8 file, or return undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
