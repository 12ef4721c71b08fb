/**
 * Timeouts of one fixed delay that share a single timer. Every attempt of a
 * run starts a timeout of the model's `timeout_ms`, and nearly all attempts
 * finish first, so one `setTimeout` and `clearTimeout` per attempt is mostly
 * wasted work. Deadlines of one delay arrive in order, so a FIFO queue and
 * one timer armed for the earliest pending deadline serve them all.
 *
 * @module
 */

/** Clock and timer functions, injectable so tests run on fake time. */
export interface QueueTimers {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Start a timer and return its handle. */
  setTimer(callback: () => void, delayMs: number): unknown;
  /** Stop a timer started by `setTimer`. */
  clearTimer(handle: unknown): void;
}

/** The global clock and timers. */
const systemTimers: QueueTimers = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as number),
};

interface Entry {
  deadline: number;
  callback: () => void;
  /** True once the entry ran or was cancelled. */
  done: boolean;
}

/**
 * Cancelled entries kept before the queue drops them at once, so a long
 * delay with short calls does not hold one entry per finished call.
 */
const COMPACT_SLACK = 1024;

/**
 * Runs callbacks `delayMs` after they are scheduled, in scheduling order,
 * with one timer at a time. No timer is pending while nothing is scheduled,
 * so an idle queue does not keep the process alive.
 */
export class TimeoutQueue {
  readonly #delayMs: number;
  readonly #timers: QueueTimers;
  #entries: Entry[] = [];
  #head = 0;
  #live = 0;
  #timer: unknown = undefined;
  #firing = false;

  /**
   * @param delayMs Milliseconds from scheduling to running a callback.
   * @param timers Clock and timers. Default: `performance.now` and the global timers.
   * @throws {RangeError} When `delayMs` is negative or not finite.
   */
  constructor(delayMs: number, timers: QueueTimers = systemTimers) {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new RangeError(`Invalid delayMs ${delayMs}: expected a finite number >= 0`);
    }
    this.#delayMs = delayMs;
    this.#timers = timers;
  }

  /** Callbacks scheduled and neither run nor cancelled. */
  get pending(): number {
    return this.#live;
  }

  /** Run `callback` after the queue's delay and return a function that cancels it. */
  schedule(callback: () => void): () => void {
    const entry: Entry = { deadline: this.#timers.now() + this.#delayMs, callback, done: false };
    this.#entries.push(entry);
    this.#live++;
    if (this.#timer === undefined && !this.#firing) this.#arm(entry.deadline);
    return () => this.#cancel(entry);
  }

  #cancel(entry: Entry): void {
    if (entry.done) return;
    entry.done = true;
    this.#live--;
    if (this.#live === 0) {
      if (this.#timer !== undefined) this.#timers.clearTimer(this.#timer);
      this.#timer = undefined;
      this.#entries = [];
      this.#head = 0;
    } else if (this.#entries.length - this.#head > 2 * this.#live + COMPACT_SLACK) {
      this.#entries = this.#entries.filter((kept, index) => index >= this.#head && !kept.done);
      this.#head = 0;
    }
  }

  #arm(deadline: number): void {
    const delayMs = Math.max(0, deadline - this.#timers.now());
    this.#timer = this.#timers.setTimer(() => this.#fire(), delayMs);
  }

  /** Run every entry whose deadline passed, then re-arm for the next live one. */
  #fire(): void {
    this.#timer = undefined;
    this.#firing = true;
    try {
      const now = this.#timers.now();
      while (this.#head < this.#entries.length) {
        const entry = this.#entries[this.#head]!;
        if (!entry.done && entry.deadline > now) break;
        this.#head++;
        if (entry.done) continue;
        entry.done = true;
        this.#live--;
        entry.callback();
      }
    } finally {
      this.#firing = false;
      if (this.#head > COMPACT_SLACK && this.#head * 2 > this.#entries.length) {
        this.#entries = this.#entries.slice(this.#head);
        this.#head = 0;
      }
      const next = this.#entries[this.#head];
      if (this.#live > 0 && next !== undefined && this.#timer === undefined) {
        this.#arm(next.deadline);
      }
    }
  }
}
