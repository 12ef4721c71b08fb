/**
 * A token bucket that refills continuously at a per-minute rate, used for
 * requests-per-minute and tokens-per-minute limits.
 *
 * @module
 */

/** Options for `TokenBucket`. */
export interface TokenBucketOptions {
  /** Seconds of rate the bucket holds when full. Default 1. */
  burstSeconds?: number;
  /** Current time in milliseconds on the caller's clock; the bucket starts full. Default 0. */
  now?: number;
}

/**
 * A continuously refilling token bucket. The level may go negative: a take
 * larger than the capacity is admitted once the bucket is full, and the debt
 * delays later takes. Times are milliseconds on the caller's clock.
 */
export class TokenBucket {
  /** Tokens added per millisecond. */
  readonly ratePerMs: number;
  /** Tokens the bucket holds when full. */
  readonly capacity: number;
  #level: number;
  #updatedAt: number;

  /**
   * @param perMinute Tokens added per minute.
   * @throws {RangeError} when `perMinute` or `burstSeconds` is not positive.
   */
  constructor(perMinute: number, options: TokenBucketOptions = {}) {
    const burstSeconds = options.burstSeconds ?? 1;
    if (!(perMinute > 0 && Number.isFinite(perMinute))) {
      throw new RangeError(`invalid rate ${perMinute} per minute: expected a positive number`);
    }
    if (!(burstSeconds > 0)) {
      throw new RangeError(`invalid burstSeconds ${burstSeconds}: expected a positive number`);
    }

    this.ratePerMs = perMinute / 60_000;
    // At least one token, so a rate below one per burst window still admits requests.
    this.capacity = Math.max(1, (perMinute / 60) * burstSeconds);
    this.#level = this.capacity;
    this.#updatedAt = options.now ?? 0;
  }

  /** Tokens available at `now`; negative while in debt. */
  level(now: number): number {
    this.#refill(now);
    return this.#level;
  }

  /**
   * Compute the wait in milliseconds until `amount` tokens may be taken; 0
   * when they may be taken now. An amount above the capacity waits for a full
   * bucket.
   */
  waitMs(amount: number, now: number): number {
    this.#refill(now);
    const needed = Math.min(amount, this.capacity);
    // The small slack absorbs rounding, so a caller that slept the returned wait is admitted.
    if (this.#level + 1e-9 >= needed) return 0;
    return (needed - this.#level) / this.ratePerMs;
  }

  /** Take `amount` tokens, going into debt if needed; a negative amount returns tokens. */
  take(amount: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.capacity, this.#level - amount);
  }

  #refill(now: number): void {
    if (now > this.#updatedAt) {
      this.#level = Math.min(this.capacity, this.#level + (now - this.#updatedAt) * this.ratePerMs);
      this.#updatedAt = now;
    }
  }
}
