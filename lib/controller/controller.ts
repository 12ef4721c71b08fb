/**
 * The controller: owns a test's lifecycle and writes every change through a
 * `Store`.
 *
 * @module
 */
import type { ABTest, StatusChange, TestState, TestStatus } from "../schema/mod.ts";
import type { Store } from "../store/store.ts";
import { FsStore } from "../store/fs_store.ts";
import { type Logger, nullLogger } from "../log.ts";
import { ACTIONS, canTransition, type LifecycleAction, TRANSITIONS } from "./transitions.ts";
import { TestExistsError, TestNotFoundError, TransitionError } from "./errors.ts";

/** Options for `new Controller()`. */
export interface ControllerOptions {
  /** Storage of tests and their states. Default `new FsStore()`, rooted at `runs`. */
  store?: Store;
  /** Clock for history timestamps; tests pass a fake. Default `() => new Date()`. */
  now?: () => Date;
  /** Receives one line per transition. Default `nullLogger`. */
  logger?: Logger;
}

/** Options for one lifecycle change. */
export interface TransitionOptions {
  /** Reason for the change, stored in the history (for example `interrupted`). */
  reason?: string;
}

/** A stored test and its current state. */
export interface TestRecord {
  test: ABTest;
  state: TestState;
}

/**
 * Moves tests through `draft -> running <-> paused -> completed` (and
 * `failed`), rejecting every other change with a `TransitionError`.
 *
 * Changes to one test are serialized inside this controller, so two concurrent
 * requests never both read the same old state. NOTE: two controllers (two
 * processes) on one store are not serialized against each other.
 *
 * @example
 * ```ts
 * const controller = new Controller({ store: new MemoryStore() });
 * await controller.create(test);
 * await controller.start(test.id);
 * await controller.pause(test.id, { reason: "interrupted" });
 * ```
 */
export class Controller {
  readonly store: Store;
  #now: () => Date;
  #logger: Logger;
  /** Tail of the queue of changes per test id. */
  #queues = new Map<string, Promise<unknown>>();

  constructor(options: ControllerOptions = {}) {
    this.store = options.store ?? new FsStore();
    this.#now = options.now ?? (() => new Date());
    this.#logger = options.logger ?? nullLogger;
  }

  /**
   * Stores a new test in `draft`. Sets `created_at` from the clock when the
   * test has none.
   *
   * @throws {TestExistsError} when a test with the same id is stored.
   */
  create(test: ABTest, options: TransitionOptions = {}): Promise<TestRecord> {
    return this.#serialize(test.id, async () => {
      if (await this.store.getState(test.id) !== undefined) throw new TestExistsError(test.id);

      const at = this.#now().toISOString();
      const stored: ABTest = test.created_at === undefined ? { ...test, created_at: at } : test;
      const state: TestState = {
        test_id: test.id,
        status: "draft",
        history: [change("draft", at, options.reason)],
      };
      await this.store.createTest(stored, state);
      this.#logger.info(`create ${test.id} -> draft`, { test_id: test.id });
      return { test: stored, state };
    });
  }

  /** Moves a draft or paused test to `running`. */
  start(testId: string, options: TransitionOptions = {}): Promise<TestState> {
    return this.#act(testId, "start", options);
  }

  /** Moves a running test to `paused`. */
  pause(testId: string, options: TransitionOptions = {}): Promise<TestState> {
    return this.#act(testId, "pause", options);
  }

  /** Moves a paused test back to `running`. */
  resume(testId: string, options: TransitionOptions = {}): Promise<TestState> {
    return this.#act(testId, "resume", options);
  }

  /** Moves a running or paused test to `completed`, which is final. */
  complete(testId: string, options: TransitionOptions = {}): Promise<TestState> {
    return this.#act(testId, "complete", options);
  }

  /** Moves a draft, running or paused test to `failed`, which is final. */
  fail(testId: string, options: TransitionOptions = {}): Promise<TestState> {
    return this.#act(testId, "fail", options);
  }

  /**
   * Moves a test to any status the lifecycle allows from its current one.
   *
   * @throws {TransitionError} when the lifecycle does not allow the change.
   * @throws {TestNotFoundError} when no test has the id.
   */
  transition(testId: string, to: TestStatus, options: TransitionOptions = {}): Promise<TestState> {
    return this.#serialize(testId, async () => {
      const state = await this.#readState(testId);
      if (!canTransition(state.status, to)) {
        const allowedFrom = (Object.keys(TRANSITIONS) as TestStatus[])
          .filter((from) => canTransition(from, to));
        throw new TransitionError({
          testId,
          from: state.status,
          to,
          allowedFrom,
          allowedTo: TRANSITIONS[state.status],
        });
      }
      return await this.#write(state, to, options.reason);
    });
  }

  /**
   * Returns the current state of a test.
   *
   * @throws {TestNotFoundError} when no test has the id.
   */
  getState(testId: string): Promise<TestState> {
    return this.#readState(testId);
  }

  /**
   * Returns a stored test and its state.
   *
   * @throws {TestNotFoundError} when no test has the id.
   */
  async get(testId: string): Promise<TestRecord> {
    const [test, state] = await Promise.all([
      this.store.getTest(testId),
      this.store.getState(testId),
    ]);
    if (test === undefined || state === undefined) throw new TestNotFoundError(testId);
    return { test, state };
  }

  /** Returns the state of every stored test, sorted by id. */
  async list(): Promise<TestState[]> {
    const ids = await this.store.listTests();
    const states = await Promise.all(ids.map((id) => this.store.getState(id)));
    return states.filter((state): state is TestState => state !== undefined);
  }

  #act(testId: string, action: LifecycleAction, options: TransitionOptions): Promise<TestState> {
    const { to, from } = ACTIONS[action];
    return this.#serialize(testId, async () => {
      const state = await this.#readState(testId);
      if (!from.includes(state.status)) {
        throw new TransitionError({
          testId,
          from: state.status,
          to,
          action,
          allowedFrom: from,
          allowedTo: TRANSITIONS[state.status],
        });
      }
      return await this.#write(state, to, options.reason);
    });
  }

  async #readState(testId: string): Promise<TestState> {
    const state = await this.store.getState(testId);
    if (state === undefined) throw new TestNotFoundError(testId);
    return state;
  }

  async #write(state: TestState, to: TestStatus, reason: string | undefined): Promise<TestState> {
    const next: TestState = {
      test_id: state.test_id,
      status: to,
      history: [...state.history, change(to, this.#now().toISOString(), reason)],
    };
    await this.store.putState(next);
    const suffix = reason === undefined ? "" : ` (${reason})`;
    this.#logger.info(`transition ${state.test_id} -> ${to}${suffix}`, {
      test_id: state.test_id,
      from: state.status,
      to,
      ...(reason === undefined ? {} : { reason }),
    });
    return next;
  }

  /** Runs `work` after every earlier change to the same test has settled. */
  #serialize<T>(testId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(testId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => {});
    this.#queues.set(testId, tail);
    tail.then(() => {
      if (this.#queues.get(testId) === tail) this.#queues.delete(testId);
    });
    return result;
  }
}

function change(status: TestStatus, at: string, reason: string | undefined): StatusChange {
  return reason === undefined ? { status, at } : { status, at, reason };
}
