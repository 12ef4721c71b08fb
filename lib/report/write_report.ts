/**
 * Aggregates a stored test, builds its report, renders it and stores both
 * files through the store (`report.json` and `report.md` for `FsStore`).
 *
 * @module
 */
import type { DuckDBInstance } from "@duckdb/node-api";
import { type Logger, nullLogger } from "../log.ts";
import {
  type ABTest,
  type AggregateMetrics,
  listArms,
  type Rating,
  type TestState,
} from "../schema/mod.ts";
import { aggregateResults } from "../stats/aggregate.ts";
import { summarizeErrors } from "../stats/error_summary.ts";
import { latestRatings } from "../stats/latest_ratings.ts";
import { TestNotFoundError } from "../store/errors.ts";
import type { Store } from "../store/store.ts";
import { buildReport, type Report, type ReportAdditions } from "./build_report.ts";
import { renderMarkdown } from "./render_markdown.ts";

/** Input of a {@linkcode ReportExtension}. */
export interface ReportContext {
  store: Store;
  test: ABTest;
  state: TestState;
  /** Per-arm metrics, sorted by arm id. */
  metrics: AggregateMetrics[];
  ratings: Rating[];
  signal?: AbortSignal;
  logger: Logger;
}

/**
 * Adds winners, sections or rating data to a report, for example the
 * statistics layer's significance tests. Extensions run in order; when two
 * return a winner for the same metric, the later one is used.
 */
export type ReportExtension = (
  context: ReportContext,
) => ReportAdditions | Promise<ReportAdditions>;

/** Options for {@linkcode writeReport}. */
export interface WriteReportOptions {
  /** Additions from other layers, run after aggregation. Default: none. */
  extensions?: readonly ReportExtension[];
  /** Time stamp of the report as ISO 8601. Default: now. */
  generatedAt?: string;
  /** Stops before the next step and interrupts the aggregation query. */
  signal?: AbortSignal;
  /** Receives one line when the report is stored. Default: drops lines. */
  logger?: Logger;
}

/** The stored report and its Markdown. */
export interface WrittenReport {
  report: Report;
  markdown: string;
}

/**
 * Aggregate, build, render and store the report of a stored test.
 *
 * @param store Where the test, results and ratings are, and where the report goes.
 * @param testId Id of the test.
 * @param options Extensions, time stamp, abort signal and logger.
 * @returns The report and its Markdown, as stored.
 * @throws {TestNotFoundError} When the test or its state is not stored.
 * @example
 * ```ts
 * const { markdown } = await writeReport(store, "summaries-v2");
 * ```
 */
export async function writeReport(
  store: Store,
  testId: string,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  const logger = options.logger ?? nullLogger;
  const signal = options.signal;
  signal?.throwIfAborted();

  const [test, state] = await Promise.all([store.getTest(testId), store.getState(testId)]);
  if (test === undefined || state === undefined) throw new TestNotFoundError(testId);

  const files = await store.resultFiles(testId);
  const source = files === undefined ? { rows: await store.readResults(testId) } : { files };
  const db = await storeDuckdb(store);
  const query = { ...(db ? { db } : {}), ...(signal ? { signal } : {}) };
  const metrics = await aggregateResults(source, { arms: listArms(test), ...query });
  const errors = await summarizeErrors(source, query);
  const ratings = await store.listRatings(testId);

  const additions: Required<ReportAdditions> = { winners: [], sections: [], ratings: undefined };
  const context: ReportContext = {
    store,
    test,
    state,
    metrics,
    ratings,
    logger,
    ...(signal ? { signal } : {}),
  };
  for (const extension of options.extensions ?? []) {
    signal?.throwIfAborted();
    const added = await extension(context);
    additions.winners.push(...(added.winners ?? []));
    additions.sections.push(...(added.sections ?? []));
    if (added.ratings !== undefined) additions.ratings = added.ratings;
  }

  signal?.throwIfAborted();
  const report = buildReport(test, state, metrics, {
    winners: additions.winners,
    sections: additions.sections,
    ratingCount: ratings.length,
    countedRatingCount: latestRatings(ratings).length,
    errors,
    ...(additions.ratings === undefined ? {} : { ratings: additions.ratings }),
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
  });
  const markdown = renderMarkdown(report);
  await store.putReport(testId, report, markdown);

  logger.info("report stored", { test_id: testId, arms: metrics.length, ratings: ratings.length });
  return { report, markdown };
}

/** Return the store's own DuckDB instance when it has one (`FsStore`), so no second instance starts. */
async function storeDuckdb(store: Store): Promise<DuckDBInstance | undefined> {
  const candidate = store as Store & { duckdb?: () => Promise<DuckDBInstance> };
  return typeof candidate.duckdb === "function" ? await candidate.duckdb() : undefined;
}
