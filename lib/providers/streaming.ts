/**
 * Throughput of a streamed response, shared by the streaming providers.
 *
 * @module
 */

/**
 * Compute output tokens per second over the time from the first token to the
 * end of the stream.
 *
 * NOTE: reasoning models stream no visible token while they reason, so their
 * reasoning tokens count in the numerator but their time does not, which
 * overstates the rate.
 *
 * @param completionTokens Output tokens the provider reported, or null.
 * @param firstTokenAt Time of the first content token in milliseconds, or undefined.
 * @param finishedAt Time the stream ended, on the same clock.
 * @returns Tokens per second, or null when the count is unknown or no time passed.
 */
export function outputTokensPerSecond(
  completionTokens: number | null,
  firstTokenAt: number | undefined,
  finishedAt: number,
): number | null {
  if (completionTokens === null || firstTokenAt === undefined) return null;
  const seconds = (finishedAt - firstTokenAt) / 1000;
  return seconds > 0 ? completionTokens / seconds : null;
}
