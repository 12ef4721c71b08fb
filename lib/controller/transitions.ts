/**
 * The lifecycle of a test: which status may follow which, and which action
 * moves a test along which edge.
 *
 * ```
 * draft -> running <-> paused -> completed
 * draft | running | paused -> failed
 * ```
 *
 * @module
 */
import type { TestStatus } from "../schema/mod.ts";

/** A lifecycle action a caller requests of the controller. */
export type LifecycleAction = "start" | "pause" | "resume" | "complete" | "fail";

/** Target status and allowed source statuses of each action. */
export const ACTIONS: Readonly<
  Record<LifecycleAction, { to: TestStatus; from: readonly TestStatus[] }>
> = {
  start: { to: "running", from: ["draft", "paused"] },
  pause: { to: "paused", from: ["running"] },
  resume: { to: "running", from: ["paused"] },
  complete: { to: "completed", from: ["running", "paused"] },
  fail: { to: "failed", from: ["draft", "running", "paused"] },
};

/** Statuses each status may move to; `completed` and `failed` are terminal. */
export const TRANSITIONS: Readonly<Record<TestStatus, readonly TestStatus[]>> = {
  draft: ["running", "failed"],
  running: ["paused", "completed", "failed"],
  paused: ["running", "completed", "failed"],
  completed: [],
  failed: [],
};

/** Report whether a test may move from one status to another. */
export function canTransition(from: TestStatus, to: TestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
