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

/** Signals that stop a run; SIGTERM is what `kill` and container runtimes send. */
const STOP_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];

/** Installs SIGINT and SIGTERM listeners that stop a run in two steps. */
export function installStopSignals(testId: string, logger: Logger): StopSignals {
  const stop = new AbortController();
  const abort = new AbortController();
  let first: Deno.Signal | undefined;

  const handlers = STOP_SIGNALS.map((name) => {
    const handler = () => {
      if (first === undefined) {
        first = name;
        logger.warn(
          `${name} received: finishing the calls in flight of ${testId}; ` +
            "send it again to abort them",
        );
        stop.abort(new DOMException(`${name} received`, "AbortError"));
        return;
      }
      logger.warn(`${name} received again: aborting the calls in flight of ${testId}`);
      abort.abort(new DOMException(`${name} received twice`, "AbortError"));
    };
    return { name, handler };
  });

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
    stopSignal: stop.signal,
    signal: abort.signal,
    received: () => first,
    dispose() {
      for (const { name, handler } of installed) Deno.removeSignalListener(name, handler);
    },
  };
}
