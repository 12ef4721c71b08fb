/**
 * Run progress for the terminal: a bar on a TTY, plain lines otherwise.
 *
 * @module
 */
import cliProgress from "cli-progress";
import { formatDuration } from "./console_logger.ts";

/** Counters of a run at one moment. */
export interface ProgressSnapshot {
  /** Calls finished, errors included. */
  done: number;
  /** Calls planned for this run. */
  total: number;
  /** Calls that ended in an error. */
  errors: number;
  /** Attempts beyond the first, over all calls. */
  retries: number;
}

/** A sink for progress snapshots. */
export interface ProgressDisplay {
  update(snapshot: ProgressSnapshot): void;
  /** Draws the last state and releases the terminal. */
  stop(): void;
}

/** Options for `createProgressDisplay`. */
export interface ProgressDisplayOptions {
  /** Draw a bar (true on a TTY) or print plain lines. */
  tty: boolean;
  /** Test id shown in plain lines. */
  label: string;
  /** Minimum time between two plain lines in milliseconds. Default 5,000. */
  intervalMs?: number;
  /** Sink for plain lines. */
  write: (line: string) => void;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** Creates a progress bar on a TTY, or a display that prints at most one line per interval. */
export function createProgressDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  return options.tty ? barDisplay() : lineDisplay(options);
}

function barDisplay(): ProgressDisplay {
  const bar = new cliProgress.SingleBar({
    format: "{bar} {value}/{total} | {rate}/s | errors {errors} | retries {retries} | " +
      "{duration_formatted} | ETA {eta_formatted}",
    hideCursor: true,
    etaBuffer: 50,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  let running = false;

  return {
    update(snapshot) {
      const payload = {
        errors: snapshot.errors,
        retries: snapshot.retries,
        rate: rate(snapshot.done, Date.now() - started),
      };
      if (!running) {
        bar.start(snapshot.total, snapshot.done, payload);
        running = true;
        return;
      }
      bar.setTotal(snapshot.total);
      bar.update(snapshot.done, payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

function lineDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5_000;
  const started = now();
  let lastPrinted = -Infinity;
  let last: ProgressSnapshot | undefined;
  let lastLine = "";

  const print = (snapshot: ProgressSnapshot) => {
    const line = formatProgressLine(options.label, snapshot, now() - started);
    if (line === lastLine) return;
    options.write(line);
    lastLine = line;
    lastPrinted = now();
  };

  return {
    update(snapshot) {
      last = snapshot;
      if (now() - lastPrinted >= interval) print(snapshot);
    },
    stop() {
      if (last !== undefined) print(last);
    },
  };
}

/**
 * Formats one plain progress line, for example
 * `progress t1 -> 120/400 calls (30%), 3 errors, 2 retries, 40.0 calls/s, 3.0 s elapsed, ETA 7.0 s`.
 */
export function formatProgressLine(
  label: string,
  snapshot: ProgressSnapshot,
  elapsedMs: number,
): string {
  const percent = snapshot.total === 0 ? 100 : Math.floor((snapshot.done / snapshot.total) * 100);
  const perSecond = rate(snapshot.done, elapsedMs);
  const remaining = snapshot.total - snapshot.done;
  const eta = snapshot.done === 0
    ? "unknown"
    : formatDuration((elapsedMs / snapshot.done) * remaining);
  return `progress ${label} -> ${snapshot.done}/${snapshot.total} calls (${percent}%), ` +
    `${snapshot.errors} errors, ${snapshot.retries} retries, ${perSecond} calls/s, ` +
    `${formatDuration(elapsedMs)} elapsed, ETA ${eta}`;
}

function rate(done: number, elapsedMs: number): string {
  return elapsedMs <= 0 ? "0.0" : (done / (elapsedMs / 1000)).toFixed(1);
}
