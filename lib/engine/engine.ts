/**
 * The run engine: executes a test's planned calls concurrently and writes
 * one `TestResult` row per finished call to the store.
 *
 * @module
 */
import pLimit from "p-limit";
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import { PriceBook } from "../providers/pricing.ts";
import type { Provider } from "../providers/provider.ts";
import { ProviderError } from "../providers/provider.ts";
import { createProvider, type ProviderFactory } from "../providers/registry.ts";
import type { ABTest, ModelConfig, TestResult } from "../schema/mod.ts";
import type { ResultSinkOptions, Store } from "../store/store.ts";
import { createPlan, type PlannedCall, renderMessages } from "./plan.ts";
import { errorRow, successRow } from "./result_row.ts";
import { RateLimiter } from "./rate_limit.ts";
import type { ResponseCache } from "./cache.ts";
import { estimateCost } from "./estimate.ts";
import {
  type AttemptLimiter,
  callWithRetry,
  type RetryOptions,
  type RetryRequest,
  type RetryResult,
} from "./retry.ts";

/** Counters of a run at one moment, passed to `onProgress`. */
export interface RunProgress {
  /** Calls finished and written, errors included. */
  done: number;
  /** Calls this run set out to make: planned minus skipped. */
  total: number;
  /** Calls that ended in an error. */
  errors: number;
  /** Attempts beyond the first, over all calls. */
  retries: number;
  /** Waits caused by rate limits (HTTP 429). */
  rateLimitWaits: number;
  /** Calls admitted and not yet finished. */
  inFlight: number;
  /** Known cost so far in USD. */
  costUsd: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}

/** Counts of a finished run and the reasons it stopped early. */
export interface RunSummary {
  /** Calls this run set out to make: planned minus skipped. */
  total: number;
  /** Calls in the test's plan. */
  planned: number;
  /** Planned calls left out because they were stored already, listed in `skipKeys`, or (with `retryErrors`) not stored as errors. */
  skipped: number;
  /** Calls finished and written, errors included. */
  done: number;
  errors: number;
  /** Attempts beyond the first, over all calls. */
  retries: number;
  rateLimitWaits: number;
  /** Known cost of this run in USD; calls of unpriced models add nothing. */
  costUsd: number;
  /** Successful calls whose cost is null because the model's price is unknown. */
  costUnknown: number;
  /** Successful calls whose cost is null because the prompt or completion token count is missing or invalid. */
  usageMissing: number;
  /** True when a signal stopped the run before every call was made. */
  interrupted: boolean;
  /** True when the cost budget stopped the run. */
  budgetReached: boolean;
  /** Ids of models whose remaining calls were not made after an error no retry can fix. */
  stoppedModels: string[];
  /** Arms with at least one error in this run, in the order of their first finished call. */
  errorsByArm: ArmErrors[];
  elapsedMs: number;
}

/** The errors of one arm in one run. */
export interface ArmErrors {
  armId: string;
  /** Calls of the arm finished in this run, errors included. */
  calls: number;
  errors: number;
  /** Errors grouped by class and message, most frequent first, at most `ERROR_KINDS_SHOWN`. */
  kinds: ErrorKind[];
  /** Errors in kinds beyond those listed. */
  otherErrors: number;
}

/** Errors of one class with one message. */
export interface ErrorKind {
  errorClass: string;
  message: string;
  count: number;
}

/** Error kinds listed per arm in a summary. */
const ERROR_KINDS_SHOWN = 3;
/**
 * Distinct messages kept per arm. Messages that carry a request id differ on
 * every call, so past this many the rest are only counted.
 */
const ERROR_KINDS_KEPT = 50;

/** Options for `runTest()`. */
export interface RunOptions {
  /** Store that receives the results and supplies the stored calls for resume. */
  store: Store;
  /** Builds the provider of each model. Default `createProvider` with `env` and `logger`. */
  providers?: ProviderFactory;
  /** Environment for API keys, used by the default provider factory. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Calls in flight at once over all models. Default `test.concurrency`. */
  concurrency?: number;
  /**
   * Stops the run hard: no new calls, in-flight calls are aborted and their
   * late responses dropped, and finished results are flushed.
   */
  signal?: AbortSignal;
  /** Stops the run gently: no new calls, in-flight calls finish and are written. */
  stopSignal?: AbortSignal;
  /** Default `nullLogger`. */
  logger?: Logger;
  /** Skip calls whose key has a stored result, error or success. Default true. */
  resume?: boolean;
  /** Run only the calls whose stored result is an error; takes precedence over `resume`. Default false. */
  retryErrors?: boolean;
  /** Call keys to skip in addition. */
  skipKeys?: ReadonlySet<string>;
  /** Called after every finished call and once at the end. */
  onProgress?: (progress: RunProgress) => void;
  /**
   * Stop making calls when this run's cost reaches this many USD. Default
   * `test.max_cost_usd`. Costs stored by earlier runs do not count, so pass
   * the remaining budget when resuming. A call starts only while the spent
   * cost plus the expected cost of the calls in flight is below the budget,
   * so at most the calls in flight when it is crossed finish above it.
   */
  maxCostUsd?: number;
  /** Admission control before every attempt. Default a `RateLimiter` per run. */
  limiter?: AttemptLimiter;
  /** Prices calls. Default a `PriceBook` that warns through `logger`. */
  priceBook?: PriceBook;
  /**
   * Serves repeated identical requests when `test.cache` is on; cache hits
   * are written with `from_cache: true` and cost 0. Without it, a test with
   * `cache: true` calls the provider every time and the run logs a warning.
   */
  cache?: ResponseCache;
  /** Buffering of the result sink. */
  sink?: ResultSinkOptions;
  /** Retry tuning and fake timers, passed to `callWithRetry`. */
  retry?: Pick<
    RetryOptions,
    "baseDelayMs" | "maxDelayMs" | "maxRetryAfterMs" | "timers" | "random"
  >;
}

/**
 * Calls admitted per unit of concurrency: p-limit runs `concurrency` at once
 * and this many more wait in its queue, so workers never idle between
 * batches while memory stays flat however many calls the plan has.
 */
const WINDOW_FACTOR = 2;

/**
 * Runs a test: plans its calls, skips those already stored, calls the
 * providers with retries and rate limits under a global concurrency limit,
 * and writes one result row per finished call.
 *
 * A call that is aborted by `signal` is never written, so after any stop the
 * store contains a consistent set: every written key is a finished call, and a
 * resumed run makes exactly the calls that are missing.
 *
 * @param test The test to run.
 * @param options Store, providers, limits, signals and callbacks.
 * @returns Counts of what the run did and why it stopped.
 * @throws {RangeError} When `concurrency` or `maxCostUsd` is invalid, or the test
 *   cannot be planned (see `createPlan()`); nothing is called or written then.
 * @throws The sink's error when writing results fails; the run stops first.
 * @example
 * ```ts
 * const summary = await runTest(test, { store: new MemoryStore(), signal });
 * console.log(`${summary.done}/${summary.total} calls, $${summary.costUsd.toFixed(4)}`);
 * ```
 */
export async function runTest(test: ABTest, options: RunOptions): Promise<RunSummary> {
  const logger = options.logger ?? nullLogger;
  const concurrency = options.concurrency ?? test.concurrency;
  const maxCostUsd = options.maxCostUsd ?? test.max_cost_usd;
  const retryErrors = options.retryErrors ?? false;
  const resume = options.resume ?? true;
  const skipKeys = options.skipKeys ?? new Set<string>();

  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Invalid concurrency ${concurrency}: use an integer >= 1`);
  }
  if (maxCostUsd !== undefined && !(maxCostUsd > 0)) {
    throw new RangeError(`Invalid maxCostUsd ${maxCostUsd}: use a positive number of USD`);
  }
  const plan = createPlan(test);
  const providers = createProviders(test.models, options, logger);
  const priceBook = options.priceBook ?? new PriceBook({ logger });
  const limiter = options.limiter ?? new RateLimiter({ logger });
  const cache = test.cache ? options.cache : undefined;
  if (test.cache && cache === undefined) {
    logger.warn("Response cache is on in the test but no cache was passed: calls are not cached", {
      test_id: test.id,
    });
  }
  const callProvider = (
    provider: Provider,
    request: RetryRequest,
    retryOptions: RetryOptions,
  ): Promise<RetryResult & { fromCache?: boolean }> =>
    cache === undefined
      ? callWithRetry(provider, request, retryOptions)
      : cache.call(provider, request, retryOptions);

  // Decide which planned calls this run makes.
  const stored = resume || retryErrors
    ? await options.store.storedCalls(test.id)
    : new Map<string, { error: boolean }>();
  // A first run with nothing to skip makes every planned call, without a
  // lookup per key.
  const runsAll = !retryErrors && stored.size === 0 && skipKeys.size === 0;
  const shouldRun = (key: string): boolean => {
    if (runsAll) return true;
    if (skipKeys.has(key)) return false;
    if (retryErrors) return stored.get(key)?.error === true;
    return !(resume && stored.has(key));
  };
  let total = runsAll ? plan.total : 0;
  if (!runsAll) { for (const call of plan.calls()) if (shouldRun(call.key)) total++; }

  const state = new RunState(total, performance.now());
  const expectedCost = maxCostUsd === undefined
    ? undefined
    : new ExpectedCost(estimatePerCall(test, priceBook));
  /**
   * Waits until a call may start under the budget and returns false when the
   * spent cost has reached it. While spent plus the expected cost of the
   * calls in flight is at or above the budget, the call waits for one of
   * them to finish, because their real cost may be lower than expected.
   */
  const withinBudget = async (): Promise<boolean> => {
    if (maxCostUsd === undefined || expectedCost === undefined) return true;
    while (
      state.costUsd < maxCostUsd && expectedCost.running > 0 &&
      state.costUsd + expectedCost.inFlight >= maxCostUsd && !stopRequested()
    ) {
      await expectedCost.nextRelease();
    }
    if (state.costUsd < maxCostUsd) return true;
    if (!state.budgetReached) {
      state.budgetReached = true;
      logger.warn("cost budget reached: no new calls", {
        test_id: test.id,
        cost_usd: state.costUsd,
        in_flight_expected_usd: expectedCost.inFlight,
        max_cost_usd: maxCostUsd,
      });
    }
    return false;
  };
  const hard = new AbortController();
  const onAbort = () => hard.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const stopRequested = () => hard.signal.aborted || options.stopSignal?.aborted === true;
  const progress = () => options.onProgress?.(state.progress());

  logger.info("run started", {
    test_id: test.id,
    planned: plan.total,
    to_run: total,
    concurrency,
  });
  // Rows are built here from checked responses, so the sink need not validate them again.
  const sink = await options.store.openResults(test.id, { ...options.sink, validate: false });
  let failure: unknown;
  // The same for every call, so built once rather than per call.
  const retryOptions: RetryOptions = {
    ...options.retry,
    signal: hard.signal,
    limiter,
    logger,
    onRetry: () => state.retries++,
    onRateLimitWait: () => state.rateLimitWaits++,
  };

  // One finished call: call the provider, price it, write the row.
  const execute = async (call: PlannedCall): Promise<void> => {
    // A call still queued in p-limit when the run stops, or when the budget
    // is reached, is not made at all. The last check and the reservation of
    // the call's expected cost run without an await between them.
    const model = call.arm.model;
    if (!(await withinBudget())) return;
    if (stopRequested() || failure !== undefined || state.stoppedModels.has(model.id)) return;
    const reserved = expectedCost?.reserve(call.arm.id) ?? 0;
    try {
      await makeCall(call);
    } finally {
      expectedCost?.release(reserved);
    }
  };

  const makeCall = async (call: PlannedCall): Promise<void> => {
    const model = call.arm.model;
    const startedAt = new Date();
    let row: TestResult;
    try {
      const result = await callProvider(providers.get(model.id)!, {
        model,
        messages: renderMessages(call.arm.variant, call.testCase),
        callKey: call.key,
        seed: test.seed,
        repeat: call.repeat,
      }, retryOptions);
      if (hard.signal.aborted) return state.drop();
      const fromCache = result.fromCache === true;
      row = successRow(test.id, call, {
        response: result.response,
        attempts: result.attempts,
        wallLatencyMs: result.latencyMs,
        costUsd: fromCache ? 0 : priceBook.costUsd(model, result.response.usage),
        fromCache,
        startedAt,
        finishedAt: new Date(),
      });
    } catch (error) {
      if (hard.signal.aborted) return state.drop();
      if (!(error instanceof ProviderError)) throw error;
      row = errorRow(test.id, call, { error, startedAt, finishedAt: new Date() });
      if (error.fatalForModel && !state.stoppedModels.has(model.id)) {
        state.stoppedModels.add(model.id);
        logger.error(`Stopping calls to model "${model.id}": ${error.message}`, {
          test_id: test.id,
          model_id: model.id,
          call_key: call.key,
        });
      }
    }

    await sink.write(row);
    state.record(row);
    expectedCost?.observe(call.arm.id, row.cost_usd);
    progress();
  };

  // Schedule calls through p-limit, admitting at most a bounded window at once.
  const limit = pLimit(concurrency);
  const window = concurrency * WINDOW_FACTOR;
  try {
    for (const call of plan.calls()) {
      if (!shouldRun(call.key)) continue;
      await state.waitForSlot(window);
      if (stopRequested() || failure !== undefined) {
        state.interrupted = failure === undefined;
        break;
      }
      if (state.budgetReached) break;
      if (state.stoppedModels.has(call.arm.model.id)) continue;

      state.inFlight++;
      limit(() => execute(call))
        .catch((error) => {
          // A write failure or a bug: stop everything and rethrow after cleanup.
          if (failure === undefined) failure = error;
          hard.abort(error);
        })
        .finally(() => state.release());
    }
  } catch (error) {
    failure ??= error;
    hard.abort(error);
  } finally {
    // Close the sink only after every admitted call has settled.
    await state.waitForSlot(1);
    options.signal?.removeEventListener("abort", onAbort);
    try {
      await sink.close();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;

  if (state.dropped > 0 || (hard.signal.aborted && state.done < total)) state.interrupted = true;
  progress();
  const summary = state.summary(plan.total);
  logger.info("run finished", { test_id: test.id, ...summary });
  return summary;
}

/** Builds one provider per model before any call, so a bad config fails early. */
function createProviders(
  models: readonly ModelConfig[],
  options: RunOptions,
  logger: Logger,
): Map<string, Provider> {
  const factory = options.providers ??
    ((model: ModelConfig) => createProvider(model, { env: options.env ?? {}, logger }));
  return new Map(models.map((model) => [model.id, factory(model)]));
}

/** Mutable counters of one run and the wait for a free scheduling slot. */
class RunState {
  done = 0;
  errors = 0;
  retries = 0;
  rateLimitWaits = 0;
  costUsd = 0;
  costUnknown = 0;
  usageMissing = 0;
  /** Aborted calls whose response was dropped. */
  dropped = 0;
  inFlight = 0;
  interrupted = false;
  budgetReached = false;
  stoppedModels = new Set<string>();
  readonly #arms = new Map<
    string,
    { calls: number; errors: number; kinds: Map<string, ErrorKind> }
  >();
  #wake: (() => void) | undefined;

  constructor(readonly total: number, readonly startedMs: number) {}

  record(row: TestResult): void {
    this.done++;
    let arm = this.#arms.get(row.arm_id);
    if (arm === undefined) {
      arm = { calls: 0, errors: 0, kinds: new Map() };
      this.#arms.set(row.arm_id, arm);
    }
    arm.calls++;
    if (row.error_class !== null) {
      this.errors++;
      arm.errors++;
      const message = row.error_message ?? "";
      const key = `${row.error_class}\n${message}`;
      const kind = arm.kinds.get(key);
      if (kind !== undefined) {
        kind.count++;
      } else if (arm.kinds.size < ERROR_KINDS_KEPT) {
        arm.kinds.set(key, { errorClass: row.error_class, message, count: 1 });
      }
    }
    if (row.cost_usd !== null) {
      this.costUsd += row.cost_usd;
    } else if (row.error_class === null) {
      if (row.prompt_tokens === null || row.completion_tokens === null) this.usageMissing++;
      else this.costUnknown++;
    }
  }

  drop(): void {
    this.dropped++;
  }

  release(): void {
    this.inFlight--;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Waits until fewer than `limit` calls are in flight. */
  async waitForSlot(limit: number): Promise<void> {
    while (this.inFlight >= limit) {
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  progress(): RunProgress {
    return {
      done: this.done,
      total: this.total,
      errors: this.errors,
      retries: this.retries,
      rateLimitWaits: this.rateLimitWaits,
      inFlight: this.inFlight,
      costUsd: this.costUsd,
      elapsedMs: performance.now() - this.startedMs,
    };
  }

  summary(planned: number): RunSummary {
    return {
      total: this.total,
      planned,
      skipped: planned - this.total,
      done: this.done,
      errors: this.errors,
      retries: this.retries,
      rateLimitWaits: this.rateLimitWaits,
      costUsd: this.costUsd,
      costUnknown: this.costUnknown,
      usageMissing: this.usageMissing,
      interrupted: this.interrupted,
      budgetReached: this.budgetReached,
      stoppedModels: [...this.stoppedModels],
      errorsByArm: this.#errorsByArm(),
      elapsedMs: performance.now() - this.startedMs,
    };
  }

  #errorsByArm(): ArmErrors[] {
    const arms: ArmErrors[] = [];
    for (const [armId, arm] of this.#arms) {
      if (arm.errors === 0) continue;
      const kinds = [...arm.kinds.values()].sort((a, b) => b.count - a.count)
        .slice(0, ERROR_KINDS_SHOWN);
      const listed = kinds.reduce((sum, kind) => sum + kind.count, 0);
      arms.push({
        armId,
        calls: arm.calls,
        errors: arm.errors,
        kinds: kinds.map((kind) => ({ ...kind })),
        otherErrors: arm.errors - listed,
      });
    }
    return arms;
  }
}

/** Dry-run estimate of one call's cost per arm id; arms of unpriced models are left out. */
function estimatePerCall(test: ABTest, priceBook: PriceBook): Map<string, number> {
  const perCall = new Map<string, number>();
  for (const arm of estimateCost(test, { priceBook }).arms) {
    if (arm.cost_usd !== null && arm.calls > 0) perCall.set(arm.arm_id, arm.cost_usd / arm.calls);
  }
  return perCall;
}

/**
 * Expected cost of the calls in flight, for the budget check. A call of an
 * arm is expected to cost the mean known cost of that arm's finished calls,
 * or the dry-run estimate until one has finished, or 0 for an unpriced model.
 */
class ExpectedCost {
  /** Sum of the expected costs of the calls started and not finished, in USD. */
  inFlight = 0;
  /** Calls started and not finished. */
  running = 0;
  #observed = new Map<string, { sum: number; n: number }>();
  #waiters: (() => void)[] = [];

  constructor(readonly estimates: ReadonlyMap<string, number>) {}

  /** Adds the expected cost of one call of `armId` to `inFlight` and returns it. */
  reserve(armId: string): number {
    const observed = this.#observed.get(armId);
    const expected = observed === undefined
      ? this.estimates.get(armId) ?? 0
      : observed.sum / observed.n;
    this.inFlight += expected;
    this.running++;
    return expected;
  }

  /** Removes a finished call's reserve and wakes the calls waiting for one. */
  release(reserved: number): void {
    this.running--;
    // Float drift: an idle run must not keep a tiny positive reserve.
    this.inFlight = this.running === 0 ? 0 : Math.max(0, this.inFlight - reserved);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when the next call finishes. */
  nextRelease(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Records a finished call's known cost; errors and unpriced calls carry no cost. */
  observe(armId: string, costUsd: number | null): void {
    if (costUsd === null) return;
    const observed = this.#observed.get(armId) ?? { sum: 0, n: 0 };
    observed.sum += costUsd;
    observed.n++;
    this.#observed.set(armId, observed);
  }
}
