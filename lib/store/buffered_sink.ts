/**
 * A result sink that buffers rows and hands them to a chunk writer when the
 * buffer reaches a row count or its oldest row reaches an age. Both stores use
 * it, so the flush rules are the same in tests and in real runs.
 *
 * @module
 */
import { type TestResult, TestResultSchema } from "../schema/mod.ts";
import { type Logger, nullLogger } from "../log.ts";
import type { ResultSink, ResultSinkOptions } from "./store.ts";

/** Rows per part file: few enough to keep the buffer small, enough that 100,000 calls make only 20 files. */
export const DEFAULT_MAX_ROWS = 5_000;
/** Age of the oldest buffered row that forces a flush, so a slow run still persists its rows. */
export const DEFAULT_MAX_AGE_MS = 2_000;

/** Timer functions, injectable so tests control time. */
export interface FlushTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The global timers. */
export const systemTimers: FlushTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (id) => clearTimeout(id as number),
};

/** Writes one chunk durably; rows stay buffered when it throws. */
export type ChunkWriter = (rows: TestResult[]) => Promise<void>;

/** Options for {@linkcode BufferedSink} beyond the public sink options. */
export interface BufferedSinkOptions extends ResultSinkOptions {
  /** Test the sink writes for; every row must carry this id. */
  testId: string;
  /** Timers for the age flush. Default: the global timers. */
  timers?: FlushTimers;
  /** Receives errors of background flushes. Default: drops lines. */
  logger?: Logger;
  /** Called once after the final flush of `close()`. */
  onClose?: () => void;
}

/**
 * Buffers validated results and writes them in chunks, one chunk at a time.
 * A failed chunk stays buffered and the next flush retries it. When a
 * background (age) flush fails, the error is logged and thrown by the next call.
 */
export class BufferedSink implements ResultSink {
  readonly #writeChunk: ChunkWriter;
  readonly #testId: string;
  readonly #maxRows: number;
  readonly #maxAgeMs: number;
  readonly #validate: boolean;
  readonly #timers: FlushTimers;
  readonly #logger: Logger;
  readonly #onClose: (() => void) | undefined;
  #buffer: TestResult[] = [];
  #timer: unknown = undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #pendingDrains = new Map<"full" | "all", Promise<void>>();
  #backgroundError: unknown = undefined;
  #closed = false;

  /**
   * @param writeChunk Writes one chunk of rows durably.
   * @param options Flush limits, the test id, timers and logger.
   * @throws {RangeError} When `maxRows` or `maxAgeMs` is not a positive number.
   */
  constructor(writeChunk: ChunkWriter, options: BufferedSinkOptions) {
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;

    if (!Number.isInteger(maxRows) || maxRows < 1) {
      throw new RangeError(`Invalid maxRows ${maxRows}: expected a positive integer`);
    }
    if (!(maxAgeMs > 0) || !Number.isFinite(maxAgeMs)) {
      throw new RangeError(
        `Invalid maxAgeMs ${maxAgeMs}: expected a positive number of milliseconds`,
      );
    }

    this.#writeChunk = writeChunk;
    this.#testId = options.testId;
    this.#maxRows = maxRows;
    this.#maxAgeMs = maxAgeMs;
    this.#validate = options.validate ?? true;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? nullLogger;
    this.#onClose = options.onClose;
  }

  /** Rows waiting for the next flush. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /**
   * Validate and buffer one result; waits for a flush when the buffer is full.
   *
   * @throws {TypeError} When the row does not match `TestResultSchema` (checked
   *   unless the sink was opened with `validate: false`) or belongs to another test.
   */
  async write(result: TestResult): Promise<void> {
    this.#assertOpen("write");
    this.#throwBackgroundError();

    const row = this.#validate ? parseRow(result) : result;
    if (row.test_id !== this.#testId) {
      throw new TypeError(
        `Invalid result for call "${row.call_key}": test_id "${row.test_id}" does not match the sink's test "${this.#testId}"`,
      );
    }

    this.#buffer.push(row);
    this.#armTimer();
    if (this.#buffer.length >= this.#maxRows) await this.#enqueueDrain("full");
  }

  /** Write every buffered row. */
  async flush(): Promise<void> {
    this.#assertOpen("flush");
    this.#throwBackgroundError();
    await this.#enqueueDrain("all");
  }

  /** Flush and stop accepting rows; a second call does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#throwBackgroundError();
    await this.#enqueueDrain("all");
    this.#closed = true;
    this.#onClose?.();
  }

  #assertOpen(action: string): void {
    if (this.#closed) {
      throw new Error(
        `Cannot ${action}: the result sink of test "${this.#testId}" is closed; open a new one`,
      );
    }
  }

  #throwBackgroundError(): void {
    const error = this.#backgroundError;
    if (error === undefined) return;
    this.#backgroundError = undefined;
    throw error;
  }

  #flushInBackground(): void {
    this.#timer = undefined;
    this.#enqueueDrain("all").catch((error) => {
      this.#backgroundError = error;
      this.#logger.error("result flush failed; rows stay buffered", {
        test_id: this.#testId,
        rows: this.#buffer.length,
        error: String(error),
      });
    });
  }

  /** Start the age window when the buffer has rows and no timer runs. */
  #armTimer(): void {
    if (this.#timer !== undefined || this.#buffer.length === 0) return;
    this.#timer = this.#timers.setTimeout(() => this.#flushInBackground(), this.#maxAgeMs);
  }

  /**
   * Queue a drain behind earlier ones so chunks are written one at a time, in
   * order. Callers share a drain of the same mode that has not started yet,
   * so writes racing a full buffer do not queue a series of tiny chunks.
   *
   * A `full` drain writes chunks of exactly `maxRows` while the buffer has
   * that many; an `all` drain also writes the rows left over.
   */
  #enqueueDrain(mode: "full" | "all"): Promise<void> {
    const pending = this.#pendingDrains.get(mode);
    if (pending !== undefined) return pending;

    const drain = this.#queue.then(() => {
      this.#pendingDrains.delete(mode);
      return this.#drain(mode);
    });
    this.#pendingDrains.set(mode, drain);
    this.#queue = drain.catch(() => {});
    return drain;
  }

  async #drain(mode: "full" | "all"): Promise<void> {
    // An `all` drain writes only the rows buffered when it starts, so steady
    // writers cannot keep a flush from returning.
    let remaining = mode === "all" ? this.#buffer.length : 0;

    while (this.#buffer.length >= this.#maxRows || remaining > 0) {
      const rows = this.#buffer.splice(0, this.#maxRows);
      try {
        await this.#writeChunk(rows);
      } catch (error) {
        // Put the rows back in front of rows written meanwhile, so the next flush retries them in order.
        this.#buffer.unshift(...rows);
        throw error;
      }
      remaining = Math.max(0, remaining - rows.length);
    }

    // A running timer started no later than the oldest buffered row was written, so it
    // fires in time; clear it only when nothing is left.
    if (this.#buffer.length === 0 && this.#timer !== undefined) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#armTimer();
  }
}

/** Checks a row against `TestResultSchema` and returns the parsed copy. */
function parseRow(result: TestResult): TestResult {
  const parsed = TestResultSchema.safeParse(result);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") ?? "?";
  throw new TypeError(
    `Invalid result for call "${String(result?.call_key)}": field ${field}: ${issue?.message}`,
  );
}
