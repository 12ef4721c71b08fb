/**
 * An append-only JSON Lines file with group commit and an idempotency index.
 *
 * Appends that arrive while a write is in flight are batched into the next
 * write, and every append in a batch resolves only after that batch's fsync,
 * so a resolved append survives a crash. On open, the file is read back. A
 * torn last line (a crash mid-write) is dropped with a warning and cut off the
 * file. Every record is indexed by its key, so a repeated key returns the
 * stored record instead of appending a second one.
 *
 * NOTE: the index lives in this process. Two processes appending to the same
 * file do not see each other's keys, so run one writer per file.
 *
 * @module
 */
import { dirname } from "node:path";
import { type Logger, nullLogger } from "../log.ts";
import { syncDirectory } from "./atomic_file.ts";

/** Options for {@linkcode JsonlLog.open}. */
export interface JsonlLogOptions<T> {
  /** Validates one parsed line, or a record before it is appended; throws when invalid. */
  parse: (value: unknown) => T;
  /** Idempotency key of a record; a second record with the same key is not stored. */
  keyOf: (record: T) => string;
  /** Receives the torn-line warning. Default: drops lines. */
  logger?: Logger;
}

/** Result of {@linkcode JsonlLog.append}. */
export interface AppendResult<T> {
  /** The stored record: the earlier one when the key was seen before. */
  record: T;
  /** False when the key was seen before and nothing was written. */
  created: boolean;
}

interface PendingAppend<T> {
  key: string;
  record: T;
  line: string;
  resolve: (record: T) => void;
  reject: (error: unknown) => void;
}

const encoder = new TextEncoder();

/** A durable, idempotent JSON Lines log; open it with {@linkcode JsonlLog.open}. */
export class JsonlLog<T> {
  readonly #path: string;
  readonly #file: Deno.FsFile;
  readonly #options: JsonlLogOptions<T>;
  readonly #records: T[];
  readonly #index: Map<string, T>;
  /** Appends waiting for or inside a write, by key, so a repeated key waits for the first. */
  readonly #inflight = new Map<string, Promise<T>>();
  #queue: PendingAppend<T>[] = [];
  #writing: Promise<void> | undefined = undefined;
  #size: number;
  #failure: unknown = undefined;
  #closed = false;

  private constructor(
    path: string,
    file: Deno.FsFile,
    options: JsonlLogOptions<T>,
    records: T[],
    size: number,
  ) {
    this.#path = path;
    this.#file = file;
    this.#options = options;
    this.#records = records;
    this.#size = size;
    this.#index = new Map();
    for (const record of records) {
      const key = options.keyOf(record);
      if (!this.#index.has(key)) this.#index.set(key, record);
    }
  }

  /**
   * Open or create the log at `path` and load its records.
   *
   * @throws {SyntaxError} When a line other than a torn last line is not valid JSON or fails `parse`.
   */
  static async open<T>(path: string, options: JsonlLogOptions<T>): Promise<JsonlLog<T>> {
    const logger = options.logger ?? nullLogger;
    let created = false;
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      created = true;
    }

    // Text after the last newline comes from a write cut short by a crash, or
    // from an editor that dropped the final newline. Keep it only when it is a
    // whole valid record; otherwise cut it off the file.
    const complete = text.lastIndexOf("\n") + 1;
    const records = parseLines(path, text.slice(0, complete), options.parse);
    const tail = text.slice(complete);
    let size = encoder.encode(text.slice(0, complete)).length;
    let repairTail = false;
    if (tail.trim() !== "") {
      const record = parseTail(tail, options.parse);
      if (record === undefined) {
        logger.warn("ignored a torn last line in a JSON Lines log", {
          path,
          bytes: encoder.encode(tail).length,
        });
        await Deno.truncate(path, size);
      } else {
        records.push(record);
        size += encoder.encode(tail).length;
        repairTail = true;
      }
    }

    const file = await Deno.open(path, { create: true, append: true });
    if (repairTail) {
      await file.write(encoder.encode("\n"));
      await file.syncData();
      size += 1;
    }
    if (created) await syncDirectory(dirname(path));
    return new JsonlLog(path, file, options, records, size);
  }

  /** Stored records in append order. */
  records(): T[] {
    return [...this.#records];
  }

  /** Look up the stored record with `key`. */
  get(key: string): T | undefined {
    return this.#index.get(key);
  }

  /**
   * Validate and append `record` durably, unless its key is stored or in
   * flight: then return the first record with `created: false`.
   */
  async append(record: T): Promise<AppendResult<T>> {
    this.#assertWritable();
    const parsed = this.#options.parse(record);
    const key = this.#options.keyOf(parsed);

    const stored = this.#index.get(key);
    if (stored !== undefined) return { record: stored, created: false };
    const inflight = this.#inflight.get(key);
    if (inflight !== undefined) return { record: await inflight, created: false };

    const promise = new Promise<T>((resolve, reject) => {
      this.#queue.push({
        key,
        record: parsed,
        line: JSON.stringify(parsed) + "\n",
        resolve,
        reject,
      });
    });
    this.#inflight.set(key, promise);
    this.#writing ??= this.#writeBatches();
    return { record: await promise, created: true };
  }

  /** Wait for in-flight appends and close the file; later appends throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writing;
    this.#file.close();
  }

  #assertWritable(): void {
    if (this.#closed) throw new Error(`Cannot append to ${this.#path}: the log is closed`);
    if (this.#failure !== undefined) {
      throw new Error(`Cannot append to ${this.#path}: an earlier write failed; reopen the log`, {
        cause: this.#failure,
      });
    }
  }

  /** Write queued appends in batches, one write and one fsync per batch, until the queue is empty. */
  async #writeBatches(): Promise<void> {
    // Yield once so appends made in the same tick join the first batch.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        if (this.#failure !== undefined) throw this.#failure;
        await this.#writeBatch(batch);
      } catch (error) {
        for (const pending of batch) {
          this.#inflight.delete(pending.key);
          pending.reject(error);
        }
        continue;
      }
      for (const pending of batch) {
        this.#records.push(pending.record);
        this.#index.set(pending.key, pending.record);
        this.#inflight.delete(pending.key);
        pending.resolve(pending.record);
      }
    }
    this.#writing = undefined;
  }

  async #writeBatch(batch: PendingAppend<T>[]): Promise<void> {
    const bytes = encoder.encode(batch.map((pending) => pending.line).join(""));
    try {
      let written = 0;
      while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
      await this.#file.syncData();
      this.#size += bytes.length;
    } catch (error) {
      // Cut a partial batch off so later appends do not follow a torn line.
      try {
        await this.#file.truncate(this.#size);
      } catch (truncateError) {
        this.#failure = truncateError;
      }
      throw error;
    }
  }
}

/** Parse a last line without its newline, or return undefined when it is torn. */
function parseTail<T>(tail: string, parse: (value: unknown) => T): T | undefined {
  try {
    return parse(JSON.parse(tail));
  } catch {
    return undefined;
  }
}

function parseLines<T>(path: string, text: string, parse: (value: unknown) => T): T[] {
  const records: T[] = [];
  const lines = text.split("\n");
  lines.pop(); // The text ends with a newline, so the last element is empty.

  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      records.push(parse(JSON.parse(line)));
    } catch (error) {
      throw new SyntaxError(
        `Invalid record at ${path}:${index + 1}: ${
          error instanceof Error ? error.message : String(error)
        }; repair or remove the line`,
        { cause: error },
      );
    }
  });
  return records;
}
