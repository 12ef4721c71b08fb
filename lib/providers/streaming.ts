/**
 * Timing of a streamed response, shared by the streaming providers: time to
 * first token and output tokens per second.
 *
 * @module
 */

/**
 * Records when a stream started and when its content chunks arrived. Times
 * are milliseconds on `performance.now()`.
 */
export class StreamTimer {
  readonly startedAt: number;
  #firstAt: number | undefined;
  #lastAt: number | undefined;
  #chunks = 0;

  /** @param startedAt Time the request was sent. Default now. */
  constructor(startedAt: number = performance.now()) {
    this.startedAt = startedAt;
  }

  /** Record a chunk that carried output text. */
  markContent(at: number = performance.now()): void {
    this.#firstAt ??= at;
    this.#lastAt = at;
    this.#chunks++;
  }

  /** Time to first token in milliseconds; null when no content arrived. */
  ttftMs(): number | null {
    return this.#firstAt === undefined ? null : this.#firstAt - this.startedAt;
  }

  /**
   * Compute output tokens per second over the span from the first to the last
   * content chunk.
   *
   * NOTE: reasoning models stream no visible token while they reason, so their
   * reasoning tokens count in the numerator but their time does not, which
   * overstates the rate.
   *
   * @param completionTokens Output tokens the provider reported, or null.
   * @returns Tokens per second, or null when the count is unknown or fewer
   *   than two content chunks arrived, because one chunk spans no time.
   */
  outputTokensPerSecond(completionTokens: number | null): number | null {
    if (completionTokens === null || this.#chunks < 2) return null;
    const seconds = (this.#lastAt! - this.#firstAt!) / 1000;
    return seconds > 0 ? completionTokens / seconds : null;
  }
}
