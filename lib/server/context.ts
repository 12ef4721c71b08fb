/**
 * State shared by every route handler: storage, the controller, background
 * runs, limits, and caches of tests and comparison pairs.
 *
 * @module
 */
import type { Controller } from "../controller/controller.ts";
import type { Logger } from "../log.ts";
import type { ReportExtension } from "../report/write_report.ts";
import type { ABTest, ComparisonPair } from "../schema/mod.ts";
import type { Store } from "../store/store.ts";
import type { CsrfTokens } from "./guard.ts";
import type { RunManager } from "./runs.ts";

/** Shared state of one server. */
export interface ServerContext {
  store: Store;
  controller: Controller;
  runs: RunManager;
  logger: Logger;
  csrf: CsrfTokens;
  /** Largest accepted body in bytes for tests and results. */
  maxBodyBytes: number;
  /** Largest accepted rating body in bytes. */
  maxRatingBytes: number;
  /** Environment the judge's provider reads API keys from. */
  env: Readonly<Record<string, string | undefined>>;
  pairs: PairIndex;
  /** Stored tests by id; a test does not change after it is created. */
  tests: TestCache;
  /** Extensions `POST /ab-tests/{id}/report` passes to `writeReport`. */
  reportExtensions: readonly ReportExtension[];
}

/**
 * Comparison pairs by test, loaded once from the store and refreshed when
 * pairs are added, and the test of each pair id for the rating route.
 */
export class PairIndex {
  #store: Store;
  #byTest = new Map<string, Promise<Map<string, ComparisonPair>>>();
  #testOf = new Map<string, string>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Pairs of one test by id. */
  forTest(testId: string): Promise<Map<string, ComparisonPair>> {
    let pairs = this.#byTest.get(testId);
    if (pairs === undefined) {
      pairs = this.#store.listComparisons(testId).then((list) => {
        for (const pair of list) this.#testOf.set(pair.id, testId);
        return new Map(list.map((pair) => [pair.id, pair]));
      });
      pairs.catch(() => this.#byTest.delete(testId));
      this.#byTest.set(testId, pairs);
    }
    return pairs;
  }

  /** Forget a test's cached pairs after new ones were stored. */
  invalidate(testId: string): void {
    this.#byTest.delete(testId);
  }

  /**
   * Find the test a pair belongs to, loading every test's pairs once.
   *
   * @returns The test id, or undefined when no stored test has the pair.
   */
  async findTest(comparisonId: string): Promise<string | undefined> {
    const known = this.#testOf.get(comparisonId);
    if (known !== undefined) return known;
    for (const testId of await this.#store.listTests()) {
      if (!this.#byTest.has(testId)) await this.forTest(testId);
    }
    return this.#testOf.get(comparisonId);
  }
}

/**
 * Stored tests by id, read once. `createTest` writes a test once and nothing
 * changes it later, so a cached copy stays valid. Misses are not cached, so a
 * test created later is found.
 */
export class TestCache {
  #store: Store;
  #tests = new Map<string, Promise<ABTest | undefined>>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Read a stored test through the cache; undefined when none has the id. */
  get(testId: string): Promise<ABTest | undefined> {
    let test = this.#tests.get(testId);
    if (test === undefined) {
      test = this.#store.getTest(testId);
      this.#tests.set(testId, test);
      test.then(
        (found) => found === undefined && this.#tests.delete(testId),
        () => this.#tests.delete(testId),
      );
    }
    return test;
  }
}
