/**
 * Reads everything the per-test pages need from a store: the test, its
 * state, results, per-arm metrics, comparison pairs, ratings and report.
 *
 * @module
 */
import {
  type ABTest,
  type ABTestReport,
  type AggregateMetrics,
  aggregateResults,
  type ComparisonPair,
  listArms,
  QUANTILE_METHOD,
  type Rating,
  type Store,
  type TestResult,
  type TestState,
} from "../../lib/mod.ts";
import type { TestIndexInput } from "./tests_index.ts";

/** One test's stored data. */
export interface TestData {
  test: ABTest;
  state: TestState;
  results: TestResult[];
  metrics: AggregateMetrics[];
  pairs: ComparisonPair[];
  ratings: Rating[];
  report: ABTestReport | undefined;
  quantileMethod: string;
}

/**
 * Reads one test's data.
 *
 * @throws {Error} When the runs folder has no test with that id.
 */
export async function readTestData(store: Store, testId: string): Promise<TestData> {
  const [test, state] = await Promise.all([store.getTest(testId), store.getState(testId)]);
  if (test === undefined || state === undefined) {
    throw new Error(
      `Test "${testId}" not found in the runs folder; rebuild after the run is stored`,
    );
  }

  const [results, pairs, ratings, report, files] = await Promise.all([
    store.readResults(testId),
    store.listComparisons(testId),
    store.listRatings(testId),
    store.getReport(testId),
    store.resultFiles(testId),
  ]);
  const metrics = await aggregateResults(files ? { files } : { rows: results }, {
    arms: listArms(test),
  });
  return { test, state, results, metrics, pairs, ratings, report, quantileMethod: QUANTILE_METHOD };
}

/**
 * Reads what the tests index shows about one test: no rows beyond the
 * per-arm metrics.
 *
 * @throws {Error} When the runs folder has no test with that id.
 */
export async function readIndexInput(store: Store, testId: string): Promise<TestIndexInput> {
  const [test, state] = await Promise.all([store.getTest(testId), store.getState(testId)]);
  if (test === undefined || state === undefined) {
    throw new Error(
      `Test "${testId}" not found in the runs folder; rebuild after the run is stored`,
    );
  }
  const [files, report, ratings] = await Promise.all([
    store.resultFiles(testId),
    store.getReport(testId),
    store.listRatings(testId),
  ]);
  const source = files ? { files } : { rows: await store.readResults(testId) };
  const metrics = await aggregateResults(source, { arms: listArms(test) });
  return { test, state, metrics, report, ratings };
}
