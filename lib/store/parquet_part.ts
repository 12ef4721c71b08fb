/**
 * Writing result chunks as Parquet part files through DuckDB, and listing
 * them. A part is written to a hidden temp file in the results folder, synced
 * and renamed into place, so a reader never sees a half-written part.
 *
 * @module
 */
import { basename, join } from "node:path";
import type { DuckDBInstance } from "@duckdb/node-api";
import type { TestResult } from "../schema/mod.ts";
import { syncDirectory, tempPathFor } from "./atomic_file.ts";
import { loadResults, quoteLiteral } from "./result_table.ts";

/** Part file names: a zero-padded sequence number, so names sort in write order, and a random suffix. */
export const PART_FILE_PATTERN = /^part-(\d+)-[0-9a-f]+\.parquet$/;

/** Digits of the sequence number in part file names; names sort by number up to 10^9 parts. */
const SEQUENCE_DIGITS = 9;

/** Build the name of part number `sequence`. */
export function partFileName(sequence: number): string {
  const random = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  return `part-${String(sequence).padStart(SEQUENCE_DIGITS, "0")}-${random}.parquet`;
}

/**
 * List the part files of a results folder, sorted by name, which is write
 * order; an absent folder has none.
 */
export async function listPartFiles(directory: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(directory)) {
      if (entry.isFile && PART_FILE_PATTERN.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names.sort().map((name) => join(directory, name));
}

/** Highest sequence number among the part files of a folder, or -1 when there is none. */
export async function lastPartSequence(directory: string): Promise<number> {
  let last = -1;
  for (const path of await listPartFiles(directory)) {
    const match = PART_FILE_PATTERN.exec(basename(path));
    if (match) last = Math.max(last, Number(match[1]));
  }
  return last;
}

/**
 * Write `rows` as one Parquet part file in `directory`: load them into a temp
 * table through an appender, COPY it to a temp file, sync, rename.
 *
 * @returns The path of the new part file.
 */
export async function writeParquetPart(
  db: DuckDBInstance,
  directory: string,
  sequence: number,
  rows: readonly TestResult[],
): Promise<string> {
  const path = join(directory, partFileName(sequence));
  const temp = tempPathFor(path);
  const connection = await db.connect();

  try {
    await loadResults(connection, "chunk", rows);
    await connection.run(
      `COPY chunk TO ${quoteLiteral(temp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const file = await Deno.open(temp, { read: true, write: true });
    try {
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  } finally {
    connection.closeSync();
  }

  await syncDirectory(directory);
  return path;
}
