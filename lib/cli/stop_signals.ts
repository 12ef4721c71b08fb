/**
 * Ctrl+C and SIGTERM handling for a run: the first signal stops the run
 * gently, the second aborts the calls in flight.
 *
 * @module
 */
import type { Logger } from "../mod.ts";

/** Signals a run listens to while it is in progress. */
export interface StopSignals {
  /** Aborted by the first signal: make no new calls, let calls in flight finish. */
  stopSignal: AbortSignal;
  /** Aborted by the second signal: abort calls in flight too. */
  signal: AbortSignal;
  /** Name of the first signal received, or undefined. */
  received(): Deno.Signal | undefined;
  /** Removes the listeners. */
  dispose(): void;
}

/** Options for `installStopSignals` and `createStopHandler`. */
export interface StopSignalOptions {
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  /**
   * A second SIGINT within this many milliseconds of the first counts as the
   * same signal. Default 1,000: under `deno task`, Ctrl+C reaches the run
   * twice at once, from the terminal's process group and from the task runner.
   * SIGTERM has no window, because a terminal does not send it.
   */
  repeatWindowMs?: number;
}

/** The state behind `StopSignals`, driven by `handle` instead of OS listeners. */
export interface StopHandler {
  stopSignal: AbortSignal;
  signal: AbortSignal;
  received(): Deno.Signal | undefined;
  /** Processes one delivered signal. */
  handle(name: Deno.Signal): void;
}

/** Signals that stop a run; SIGTERM is what `kill` and container runtimes send. */
const STOP_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];

const DEFAULT_REPEAT_WINDOW_MS = 1_000;

/**
 * Creates the two-step stop logic: the first signal aborts `stopSignal`, a
 * later one aborts `signal`. A second SIGINT inside the repeat window is
 * logged at debug level and otherwise ignored.
 */
export function createStopHandler(
  testId: string,
  logger: Logger,
  options: StopSignalOptions = {},
): StopHandler {
  const now = options.now ?? Date.now;
  const windowMs = options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS;
  const stop = new AbortController();
  const abort = new AbortController();
  let first: Deno.Signal | undefined;
  let firstAt = 0;

  const handle = (name: Deno.Signal) => {
    if (first === undefined) {
      first = name;
      firstAt = now();
      logger.warn(
        `${name} received: finishing the calls in flight of ${testId}; ` +
          "send it again to abort them",
      );
      stop.abort(new DOMException(`${name} received`, "AbortError"));
      return;
    }
    if (abort.signal.aborted) return;
    if (name === "SIGINT" && first === "SIGINT" && now() - firstAt < windowMs) {
      logger.debug(`${name} received again within ${windowMs} ms; treated as the same signal`);
      return;
    }
    logger.warn(`${name} received again: aborting the calls in flight of ${testId}`);
    abort.abort(new DOMException(`${name} received twice`, "AbortError"));
  };

  return { stopSignal: stop.signal, signal: abort.signal, received: () => first, handle };
}

/** Installs SIGINT and SIGTERM listeners that stop a run in two steps. */
export function installStopSignals(
  testId: string,
  logger: Logger,
  options: StopSignalOptions = {},
): StopSignals {
  const state = createStopHandler(testId, logger, options);
  const handlers = STOP_SIGNALS.map((name) => ({ name, handler: () => state.handle(name) }));

  const installed = handlers.filter(({ name, handler }) => {
    try {
      Deno.addSignalListener(name, handler);
      return true;
    } catch {
      // Windows supports SIGINT (and SIGBREAK) only, so SIGTERM has no listener there.
      return false;
    }
  });

  return {
    stopSignal: state.stopSignal,
    signal: state.signal,
    received: state.received,
    dispose() {
      for (const { name, handler } of installed) Deno.removeSignalListener(name, handler);
    },
  };
}
