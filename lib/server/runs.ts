/**
 * Background runs started through the API: one engine run per test at most,
 * stopped gently on pause or complete, with live progress kept for the
 * progress endpoint.
 *
 * @module
 */
import type { Controller } from "../controller/controller.ts";
import { type RunProgress, type RunSummary, runTest } from "../engine/engine.ts";
import { runOutcome } from "../engine/outcome.ts";
import type { Logger } from "../log.ts";
import { type ReportExtension, writeReport } from "../report/write_report.ts";
import type { ABTest } from "../schema/mod.ts";
import type { Store } from "../store/store.ts";

/** Runs a test; the default is the engine's `runTest`. */
export type TestRunner = (
  test: ABTest,
  options: {
    store: Store;
    stopSignal: AbortSignal;
    logger: Logger;
    onProgress: (progress: RunProgress) => void;
  },
) => Promise<RunSummary>;

interface ActiveRun {
  stop: AbortController;
  done: Promise<void>;
  progress: RunProgress | undefined;
  /** True once the engine returned, while the state change and report are pending. */
  finished: boolean;
}

/** Options for {@linkcode RunManager}. */
export interface RunManagerOptions {
  store: Store;
  controller: Controller;
  logger: Logger;
  /** Default: the engine's `runTest` with the simulated provider's default time scale. */
  runner?: TestRunner;
  /** Extensions of the report written when a run completes or pauses at the budget. Default none. */
  reportExtensions?: readonly ReportExtension[];
}

/**
 * Starts and stops engine runs for running tests. A run that finishes every
 * call completes its test, and one stopped by the cost budget pauses it. Both
 * then write the test's report, as `ablab run` does. A run that throws fails
 * its test, and a run stopped through `stop` leaves the state to the caller.
 */
export class RunManager {
  #runs = new Map<string, ActiveRun>();
  #last = new Map<string, RunProgress>();
  #options: RunManagerOptions;

  constructor(options: RunManagerOptions) {
    this.#options = options;
  }

  /** Start a run for a test unless one is active. */
  start(test: ABTest): void {
    if (this.#runs.has(test.id)) return;
    const { store, controller, logger } = this.#options;
    const runner = this.#options.runner ?? runTest;
    const stop = new AbortController();
    const run: ActiveRun = {
      stop,
      done: Promise.resolve(),
      progress: undefined,
      finished: false,
    };

    run.done = (async () => {
      try {
        const summary = await runner(test, {
          store,
          stopSignal: stop.signal,
          logger,
          onProgress: (progress) => {
            run.progress = progress;
            this.#last.set(test.id, progress);
          },
        });
        run.finished = true;
        if (stop.signal.aborted) return;
        const outcome = runOutcome(summary);
        if (outcome.status === "completed") {
          await controller.complete(test.id, { reason: "run finished" });
        } else if (outcome.kind === "interrupted") {
          return;
        } else {
          logger.warn("run paused", { test_id: test.id, reason: outcome.reason });
          await controller.pause(test.id, { reason: outcome.reason });
        }
        await this.#writeReport(test.id);
      } catch (error) {
        logger.error("run failed", { test_id: test.id, error: (error as Error).message });
        await controller.fail(test.id, { reason: "run failed" }).catch((failure) => {
          logger.error("cannot mark the test failed", {
            test_id: test.id,
            error: (failure as Error).message,
          });
        });
      } finally {
        this.#runs.delete(test.id);
      }
    })();
    this.#runs.set(test.id, run);
  }

  /** Writes the report after the state change, so it shows the new status; logs a failure. */
  async #writeReport(testId: string): Promise<void> {
    const { store, logger } = this.#options;
    try {
      await writeReport(store, testId, {
        extensions: this.#options.reportExtensions ?? [],
        logger,
      });
    } catch (error) {
      logger.error("report not written after the run", {
        test_id: testId,
        error: (error as Error).message,
      });
    }
  }

  /** Stop a test's run gently and wait until its finished calls are written. */
  async stop(testId: string): Promise<void> {
    const run = this.#runs.get(testId);
    if (run === undefined) return;
    run.stop.abort(new DOMException("run stopped through the API", "AbortError"));
    await run.done;
  }

  /**
   * Waits until a run whose calls are done has changed the state and written
   * the report. Returns at once while the calls are still running.
   */
  async settled(testId: string): Promise<void> {
    const run = this.#runs.get(testId);
    if (run?.finished) await run.done;
  }

  /** Latest progress of a test's run, active or finished in this process. */
  progress(testId: string): { active: boolean; progress: RunProgress | undefined } {
    return { active: this.#runs.has(testId), progress: this.#last.get(testId) };
  }

  /** Stop every run and wait for them. */
  async close(): Promise<void> {
    await Promise.all([...this.#runs.keys()].map((id) => this.stop(id)));
  }
}
