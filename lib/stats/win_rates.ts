/**
 * Win rates from pairwise verdicts, with ties as half a win and both-bad
 * verdicts kept apart.
 *
 * @module
 */
import { wilsonInterval } from "./proportion.ts";

/** Verdict counts from one arm's point of view. */
export interface OutcomeCounts {
  wins: number;
  losses: number;
  ties: number;
  /** Verdicts that both outputs were unacceptable; not part of any win rate. */
  both_bad: number;
}

/** Win rates and their intervals for one set of verdict counts. NaN marks a rate without data. */
export interface WinRate extends OutcomeCounts {
  /** Verdicts that enter the win rate: wins + losses + ties (both-bad excluded). */
  n: number;
  /** (wins + ties / 2) / n; NaN when n is 0. */
  win_rate: number;
  /**
   * Wilson score interval of `win_rate`, with ties counted as half a success.
   * NOTE: a tie varies less than a win-or-loss coin flip, so with many ties
   * this binomial interval is wider than it needs to be (conservative).
   */
  win_rate_ci: [number, number];
  /** wins + losses. */
  decisive_n: number;
  /** wins / (wins + losses); NaN when there is no decisive verdict. */
  decisive_win_rate: number;
  decisive_win_rate_ci: [number, number];
  /** both_bad / (n + both_bad); NaN when there is no verdict at all. */
  both_bad_rate: number;
}

/** Returns counts with every field 0. */
export function emptyCounts(): OutcomeCounts {
  return { wins: 0, losses: 0, ties: 0, both_bad: 0 };
}

/**
 * Computes win rates from verdict counts. Both-bad verdicts are reported in
 * `both_bad` and `both_bad_rate` only; they are neither ties nor losses.
 *
 * @param counts Verdicts from the arm's point of view.
 * @param options.confidence Level of the Wilson intervals. Default 0.95.
 * @returns The win rate with ties as half a win, the decisive win rate and their intervals.
 * @example
 * ```ts
 * const rate = winRate({ wins: 6, losses: 2, ties: 2, both_bad: 1 });
 * // rate.win_rate === 0.7, rate.decisive_win_rate === 0.75, rate.both_bad === 1
 * ```
 */
export function winRate(counts: OutcomeCounts, options: { confidence?: number } = {}): WinRate {
  for (const [field, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`Invalid ${field} count ${value}: expected a non-negative integer.`);
    }
  }

  const n = counts.wins + counts.losses + counts.ties;
  const decisive = counts.wins + counts.losses;
  const all = n + counts.both_bad;
  const successes = counts.wins + counts.ties / 2;
  return {
    ...counts,
    n,
    win_rate: n === 0 ? Number.NaN : successes / n,
    win_rate_ci: wilsonInterval(successes, n, options),
    decisive_n: decisive,
    decisive_win_rate: decisive === 0 ? Number.NaN : counts.wins / decisive,
    decisive_win_rate_ci: wilsonInterval(counts.wins, decisive, options),
    both_bad_rate: all === 0 ? Number.NaN : counts.both_bad / all,
  };
}
