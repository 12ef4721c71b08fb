/**
 * An in-memory `Store` for tests and notebooks. It validates and copies every
 * record like the filesystem store, and its sinks flush by the same rules, so
 * code tested against it behaves the same on disk.
 *
 * @module
 */
import {
  type ABTest,
  type ABTestReport,
  ABTestReportSchema,
  ABTestSchema,
  type ComparisonPair,
  ComparisonPairSchema,
  type Rating,
  RatingSchema,
  type TestResult,
  type TestState,
  TestStateSchema,
} from "../schema/mod.ts";
import type { Logger } from "../log.ts";
import { BufferedSink, type FlushTimers } from "./buffered_sink.ts";
import { TestExistsError, TestNotFoundError } from "./errors.ts";
import { latestResults } from "./latest_result.ts";
import type { ResultSink, ResultSinkOptions, Store, StoredCall } from "./store.ts";

/** Options for {@linkcode MemoryStore}. */
export interface MemoryStoreOptions {
  /** Timers for the sinks' age flush. Default: the global timers. */
  timers?: FlushTimers;
  /** Receives errors of background flushes. Default: drops lines. */
  logger?: Logger;
}

interface TestRecord {
  test: ABTest;
  state: TestState;
  /** Every flushed result in write order, duplicates per call key included. */
  results: TestResult[];
  comparisons: Map<string, ComparisonPair>;
  ratings: Rating[];
  ratingsByKey: Map<string, Rating>;
  report?: { json: ABTestReport; markdown: string };
}

/**
 * Keeps tests, results, comparisons, ratings and reports in maps. Records are
 * validated on the way in and deep-copied both ways, so callers cannot change
 * stored data by mutating an object.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * await store.createTest(test, state);
 * const sink = await store.openResults(test.id);
 * await sink.write(result);
 * await sink.close();
 * const rows = await store.readResults(test.id);
 * ```
 */
export class MemoryStore implements Store {
  readonly #tests = new Map<string, TestRecord>();
  readonly #options: MemoryStoreOptions;

  constructor(options: MemoryStoreOptions = {}) {
    this.#options = options;
  }

  /** @throws {TestExistsError} When a test with the id is stored. */
  createTest(test: ABTest, state: TestState): Promise<void> {
    return settle(() => this.#createTest(test, state));
  }

  #createTest(test: ABTest, state: TestState): void {
    const parsedTest = ABTestSchema.parse(test);
    const parsedState = TestStateSchema.parse(state);
    if (parsedState.test_id !== parsedTest.id) {
      throw new TypeError(
        `Invalid state for test "${parsedTest.id}": its test_id is "${parsedState.test_id}"`,
      );
    }
    if (this.#tests.has(parsedTest.id)) throw new TestExistsError(parsedTest.id);

    this.#tests.set(parsedTest.id, {
      test: parsedTest,
      state: parsedState,
      results: [],
      comparisons: new Map(),
      ratings: [],
      ratingsByKey: new Map(),
    });
  }

  getTest(testId: string): Promise<ABTest | undefined> {
    const record = this.#tests.get(testId);
    return Promise.resolve(record && structuredClone(record.test));
  }

  listTests(): Promise<string[]> {
    return Promise.resolve([...this.#tests.keys()].sort());
  }

  getState(testId: string): Promise<TestState | undefined> {
    const record = this.#tests.get(testId);
    return Promise.resolve(record && structuredClone(record.state));
  }

  /** @throws {TestNotFoundError} When the test is not stored. */
  putState(state: TestState): Promise<void> {
    return settle(() => {
      const parsed = TestStateSchema.parse(state);
      this.#record(parsed.test_id).state = parsed;
    });
  }

  /** @throws {TestNotFoundError} When the test is not stored. */
  openResults(testId: string, options: ResultSinkOptions = {}): Promise<ResultSink> {
    return settle(() => {
      const record = this.#record(testId);
      const append = (rows: TestResult[]) => {
        record.results.push(...rows);
        return Promise.resolve();
      };
      // Always validated: rows are copied this way, and the engine's tests,
      // which run on this store, check every row the engine builds.
      return new BufferedSink(append, { ...options, ...this.#options, testId, validate: true });
    });
  }

  readResults(testId: string): Promise<TestResult[]> {
    const record = this.#tests.get(testId);
    if (record === undefined) return Promise.resolve([]);
    return Promise.resolve(structuredClone(latestResults(record.results)));
  }

  /** Return every flushed row in write order, duplicates per call key included. */
  readRawResults(testId: string): Promise<TestResult[]> {
    const record = this.#tests.get(testId);
    return Promise.resolve(record ? structuredClone(record.results) : []);
  }

  storedCalls(testId: string): Promise<Map<string, StoredCall>> {
    const record = this.#tests.get(testId);
    const calls = new Map<string, StoredCall>();
    for (const row of latestResults(record?.results ?? [])) {
      calls.set(row.call_key, { error: row.error_class !== null });
    }
    return Promise.resolve(calls);
  }

  /** Return undefined, because results stay in memory. */
  resultFiles(_testId: string): Promise<string[] | undefined> {
    return Promise.resolve(undefined);
  }

  /**
   * Store comparison pairs. A pair whose id is already stored is kept as it
   * was, so calling again after a resume adds only the new pairs.
   *
   * @throws {TestNotFoundError} When the test is not stored.
   * @throws {TypeError} When a pair belongs to another test.
   */
  putComparisons(testId: string, pairs: ComparisonPair[]): Promise<void> {
    return settle(() => {
      const record = this.#record(testId);
      const parsed = pairs.map((pair) => ComparisonPairSchema.parse(pair));
      for (const pair of parsed) assertSameTest(testId, pair.test_id, `comparison "${pair.id}"`);

      for (const pair of parsed) {
        if (!record.comparisons.has(pair.id)) record.comparisons.set(pair.id, pair);
      }
    });
  }

  listComparisons(testId: string): Promise<ComparisonPair[]> {
    const record = this.#tests.get(testId);
    return Promise.resolve(record ? structuredClone([...record.comparisons.values()]) : []);
  }

  /**
   * Store a rating. The idempotency key is scoped to the test. A repeated key
   * returns the stored rating with `created: false` even when the new payload
   * differs, so callers that must reject a changed payload compare the two.
   *
   * @throws {TestNotFoundError} When the test is not stored.
   */
  putRating(rating: Rating): Promise<{ rating: Rating; created: boolean }> {
    return settle(() => {
      const parsed = RatingSchema.parse(rating);
      const record = this.#record(parsed.test_id);

      const existing = record.ratingsByKey.get(parsed.idempotency_key);
      if (existing !== undefined) return { rating: structuredClone(existing), created: false };

      record.ratings.push(parsed);
      record.ratingsByKey.set(parsed.idempotency_key, parsed);
      return { rating: structuredClone(parsed), created: true };
    });
  }

  listRatings(testId: string): Promise<Rating[]> {
    const record = this.#tests.get(testId);
    return Promise.resolve(record ? structuredClone(record.ratings) : []);
  }

  /** @throws {TestNotFoundError} When the test is not stored. */
  putReport(testId: string, report: ABTestReport, markdown: string): Promise<void> {
    return settle(() => {
      const record = this.#record(testId);
      const parsed = ABTestReportSchema.parse(report);
      assertSameTest(testId, parsed.test_id, "report");
      record.report = { json: parsed, markdown };
    });
  }

  getReport(testId: string): Promise<ABTestReport | undefined> {
    const report = this.#tests.get(testId)?.report;
    return Promise.resolve(report && structuredClone(report.json));
  }

  /** Read the stored Markdown report; undefined before `putReport`. */
  getReportMarkdown(testId: string): Promise<string | undefined> {
    return Promise.resolve(this.#tests.get(testId)?.report?.markdown);
  }

  /** Nothing to release; present for the `Store` interface. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  #record(testId: string): TestRecord {
    const record = this.#tests.get(testId);
    if (record === undefined) throw new TestNotFoundError(testId);
    return record;
  }
}

/** Run `work` and return its outcome as a promise, so a throw becomes a rejection. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

function assertSameTest(testId: string, actual: string, subject: string): void {
  if (actual !== testId) {
    throw new TypeError(`Invalid ${subject}: its test_id "${actual}" is not "${testId}"`);
  }
}
