/**
 * The error the controller throws for a change the lifecycle does not allow.
 * The store's `TestExistsError` and `TestNotFoundError` are re-exported here
 * because the controller throws them too.
 *
 * @module
 */
import type { TestStatus } from "../schema/mod.ts";

/** Fields of a `TransitionError`. */
export interface TransitionErrorOptions {
  testId: string;
  /** Current status of the test. */
  from: TestStatus;
  /** Requested status. */
  to: TestStatus;
  /** Action that requested the change, when it came from one (`resume`, `pause`, ...). */
  action?: string;
  /** Statuses the action may start from. */
  allowedFrom: readonly TestStatus[];
  /** Statuses the test may move to from its current status. */
  allowedTo: readonly TestStatus[];
}

/**
 * A lifecycle change the current status does not allow, for example pausing a
 * completed test. The server maps it to HTTP 409.
 */
export class TransitionError extends Error {
  readonly testId: string;
  readonly from: TestStatus;
  readonly to: TestStatus;
  readonly action: string | undefined;
  readonly allowedFrom: readonly TestStatus[];
  readonly allowedTo: readonly TestStatus[];

  constructor(options: TransitionErrorOptions) {
    const request = options.action === undefined
      ? `move test "${options.testId}" to ${options.to}`
      : `${options.action} test "${options.testId}"`;
    const sources = options.allowedFrom.length === 0 ? "none" : options.allowedFrom.join(" or ");
    const requirement = options.action === undefined
      ? `${options.to} can follow only: ${sources}`
      : `${options.action} requires status ${sources}`;
    const next = options.allowedTo.length === 0
      ? `${options.from} is final`
      : `from ${options.from} it can move to ${options.allowedTo.join(" or ")}`;
    super(`cannot ${request}: it is ${options.from}, and ${requirement}; ${next}`);
    this.name = "TransitionError";
    this.testId = options.testId;
    this.from = options.from;
    this.to = options.to;
    this.action = options.action;
    this.allowedFrom = options.allowedFrom;
    this.allowedTo = options.allowedTo;
  }
}

export { TestExistsError, TestNotFoundError } from "../store/errors.ts";
