/**
 * The status a finished run leaves its test in: completed, or paused with a
 * reason. The CLI and the server both apply it, so a test ends in the same
 * status however it was run.
 *
 * @module
 */
import type { RunSummary } from "./engine.ts";

/** The cause of a pause. */
export type PauseKind =
  | "every call failed"
  | "arms failed"
  | "errors"
  | "budget reached"
  | "interrupted"
  | "models stopped"
  | "incomplete";

/** The status a run leaves its test in. */
export type RunOutcome =
  | { status: "completed" }
  | {
    status: "paused";
    kind: PauseKind;
    /** Reason stored with the pause, such as `models stopped: gpt`. */
    reason: string;
    /**
     * True when continuing needs `--retry-errors`, because errors this run
     * stored, such as the calls that stopped a model, would otherwise stay.
     */
    retryErrors: boolean;
  };

/** Options for {@linkcode runOutcome}. */
export interface RunOutcomeOptions {
  /** A stop signal arrived during the run. Default false. */
  interrupted?: boolean;
  /** Pause instead of completing when some calls ended in errors. Default false. */
  pauseOnErrors?: boolean;
}

/**
 * Decides whether a run completed its test or paused it.
 *
 * A run that made every call completes the test, unless every call failed,
 * every call of some arm failed (a model that cannot be reached is not a
 * result to compare), or some failed and `pauseOnErrors` is set. A model
 * stopped by an error no retry can fix always pauses the test, even when its
 * calls were all in flight, because those calls were made without a chance
 * to succeed.
 *
 * @param summary The run's summary.
 * @param options Whether a stop signal arrived and whether errors pause.
 * @returns The status to move the test to, and for a pause its reason.
 */
export function runOutcome(summary: RunSummary, options: RunOutcomeOptions = {}): RunOutcome {
  const stopped = summary.stoppedModels;
  // Pauses caused by errors leave error rows that only --retry-errors makes again.
  const errorKinds: readonly PauseKind[] = ["every call failed", "arms failed", "errors"];
  const pause = (kind: PauseKind, reason: string = kind): RunOutcome => ({
    status: "paused",
    kind,
    reason,
    retryErrors: stopped.length > 0 || errorKinds.includes(kind),
  });

  // A signal that arrives after the last call leaves nothing to resume.
  if (summary.done >= summary.total && stopped.length === 0) {
    if (summary.errors === 0) return { status: "completed" };
    if (summary.errors === summary.done) return pause("every call failed");
    const failedArms = summary.errorsByArm.filter((arm) => arm.errors === arm.calls);
    if (failedArms.length > 0) {
      const arms = failedArms.map((arm) => arm.armId).join(", ");
      return pause("arms failed", `every call failed in ${arms}`);
    }
    return options.pauseOnErrors ? pause("errors") : { status: "completed" };
  }
  if (summary.budgetReached) return pause("budget reached");
  if (options.interrupted || summary.interrupted) return pause("interrupted");
  if (stopped.length > 0) return pause("models stopped", `models stopped: ${stopped.join(", ")}`);
  return pause("incomplete");
}
