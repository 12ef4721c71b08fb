/**
 * Open a stored test from a notebook: its definition and state, its results
 * as rows, SQL or Arrow, and its comparisons, ratings and report.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Table } from "apache-arrow";

import { type Logger, nullLogger } from "../log.ts";
import {
  type ABTest,
  type ABTestReport,
  type AggregateMetrics,
  type Arm,
  type ComparisonPair,
  listArms,
  type Rating,
  RESULT_COLUMNS,
  type TestResult,
  type TestState,
} from "../schema/mod.ts";
import { aggregateResults } from "../stats/aggregate.ts";
import {
  FsStore,
  latestResultsSql,
  parquetResultsRelation,
  RESULT_COLUMN_TYPES,
  TestNotFoundError,
  WRITE_ORDER_COLUMN,
} from "../store/mod.ts";
import { queryArrow } from "./arrow.ts";
import { runsDir } from "./runs_dir.ts";

/** Options for {@linkcode openTest} and {@linkcode listRuns}. */
export interface OpenTestOptions {
  /** Runs folder. Default `runsDir()`: `ABLAB_RUNS`, else `runs` in the working directory. */
  root?: string;
  /** Receives the store's warnings. Default `nullLogger`. */
  logger?: Logger;
}

/** One stored test, as {@linkcode listRuns} lists it. */
export interface RunSummaryRow {
  test_id: string;
  name: string;
  status: TestState["status"];
  created_at: string | null;
}

/**
 * Opens a stored test for exploration.
 *
 * @param testId Id of a test under the runs folder.
 * @param options Runs folder and logger.
 * @returns A handle; call `close()` when done to release DuckDB.
 * @throws {TestNotFoundError} When the folder has no test with that id.
 * @example
 * ```ts
 * const run = await openTest("support-tone-20260101-120000");
 * await run.query("SELECT arm_id, median(latency_ms) FROM results GROUP BY 1");
 * await run.close();
 * ```
 */
export async function openTest(
  testId: string,
  options: OpenTestOptions = {},
): Promise<NotebookTest> {
  const store = new FsStore({
    root: options.root ?? runsDir(),
    logger: options.logger ?? nullLogger,
  });
  try {
    const [test, state] = await Promise.all([store.getTest(testId), store.getState(testId)]);
    if (test === undefined || state === undefined) throw new TestNotFoundError(testId);
    return new NotebookTest(test, state, store);
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Lists the tests stored under the runs folder, oldest first.
 *
 * @param options Runs folder and logger.
 * @returns One row per test with its name, status and creation time.
 */
export async function listRuns(options: OpenTestOptions = {}): Promise<RunSummaryRow[]> {
  const store = new FsStore({
    root: options.root ?? runsDir(),
    logger: options.logger ?? nullLogger,
  });
  try {
    const rows: RunSummaryRow[] = [];
    for (const testId of await store.listTests()) {
      const [test, state] = await Promise.all([store.getTest(testId), store.getState(testId)]);
      if (test === undefined || state === undefined) continue;
      rows.push({
        test_id: testId,
        name: test.name,
        status: state.status,
        created_at: test.created_at ?? null,
      });
    }
    return rows.sort((a, b) => (a.created_at ?? "").localeCompare(b.created_at ?? ""));
  } finally {
    await store.close();
  }
}

/**
 * A stored test opened in a notebook. SQL runs in the store's DuckDB
 * instance with two views: `results`, one row per call key (a later success
 * replaces an earlier error, as in every report), and `all_results`, every
 * stored row including errors that a retry replaced.
 */
export class NotebookTest {
  readonly test: ABTest;
  /** State when the test was opened; `refreshState()` reads it again. */
  state: TestState;
  readonly store: FsStore;
  /** Arms in variant-major order. */
  readonly arms: Arm[];
  #connection: Promise<DuckDBConnection> | undefined;
  /** Part files behind the current views, joined, to notice files written since. */
  #viewFiles: string | undefined;

  constructor(test: ABTest, state: TestState, store: FsStore) {
    this.test = test;
    this.state = state;
    this.store = store;
    this.arms = listArms(test);
  }

  get id(): string {
    return this.test.id;
  }

  /** Reads the test's current state from the store. */
  async refreshState(): Promise<TestState> {
    const state = await this.store.getState(this.id);
    if (state === undefined) throw new TestNotFoundError(this.id);
    this.state = state;
    return state;
  }

  /** Lists the absolute paths of the Parquet part files in write order, empty before the first flush. */
  resultFiles(): Promise<string[]> {
    return this.store.resultFiles(this.id);
  }

  /** Reads every result, one per call key, sorted by call key. */
  results(): Promise<TestResult[]> {
    return this.store.readResults(this.id);
  }

  /**
   * Runs SQL over the `results` and `all_results` views and returns plain
   * row objects. BIGINT and HUGEINT values within 2^53 become numbers, so
   * rows go straight into Plot; larger ones stay bigint.
   *
   * @param sql One statement that returns rows.
   */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    const connection = await this.#prepare();
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((row) => {
      const plain: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) plain[key] = toSafeNumber(value);
      return plain;
    });
  }

  /**
   * Runs SQL over the `results` and `all_results` views and returns an Arrow
   * table typed from the DuckDB column types.
   *
   * @param sql One statement that returns rows.
   */
  async queryArrow(sql: string): Promise<Table> {
    return await queryArrow(await this.#prepare(), sql);
  }

  /** Reads every result, one per call key, as an Arrow table sorted by call key. */
  resultsArrow(): Promise<Table> {
    return this.queryArrow("SELECT * FROM results ORDER BY call_key");
  }

  /**
   * Per-arm metrics (n, errors, exact latency percentiles, tokens, cost), the
   * same figures the report shows; arms without results get n = 0.
   */
  async metrics(): Promise<AggregateMetrics[]> {
    const files = await this.resultFiles();
    return await aggregateResults({ files }, { arms: this.arms, db: await this.store.duckdb() });
  }

  /** Reads the stored comparison pairs, which are empty until pairs are built. */
  comparisons(): Promise<ComparisonPair[]> {
    return this.store.listComparisons(this.id);
  }

  /** Reads the stored ratings from people, judges and simulations. */
  ratings(): Promise<Rating[]> {
    return this.store.listRatings(this.id);
  }

  /** Reads the stored `report.json`, or returns undefined before a report is written. */
  report(): Promise<ABTestReport | undefined> {
    return this.store.getReport(this.id);
  }

  /** Reads the stored `report.md`, or returns undefined before a report is written. */
  reportMarkdown(): Promise<string | undefined> {
    return this.store.getReportMarkdown(this.id);
  }

  /** Closes the DuckDB connection and the store. */
  async close(): Promise<void> {
    if (this.#connection !== undefined) {
      const connection = await this.#connection.catch(() => undefined);
      connection?.closeSync();
      this.#connection = undefined;
    }
    await this.store.close();
  }

  /** Opens the connection once and points the views at the current part files. */
  async #prepare(): Promise<DuckDBConnection> {
    this.#connection ??= this.store.duckdb().then((db) => db.connect());
    const connection = await this.#connection;

    const files = await this.resultFiles();
    const key = files.join("\n");
    if (key === this.#viewFiles) return connection;

    await connection.run("DROP VIEW IF EXISTS results; DROP VIEW IF EXISTS all_results");
    if (files.length === 0) {
      // DuckDB rejects an empty file list, so empty views with the same columns stand in.
      await connection.run(`CREATE TEMP VIEW results AS ${EMPTY_RESULTS_SQL}`);
      await connection.run(`CREATE TEMP VIEW all_results AS ${EMPTY_RESULTS_SQL}`);
    } else {
      const relation = parquetResultsRelation(files);
      await connection.run(`CREATE TEMP VIEW results AS ${latestResultsSql(relation)}`);
      await connection.run(
        `CREATE TEMP VIEW all_results AS SELECT * EXCLUDE (${WRITE_ORDER_COLUMN}) FROM ${relation}`,
      );
    }
    this.#viewFiles = key;
    return connection;
  }
}

/** A query with the result columns and their storage types and no rows. */
const EMPTY_RESULTS_SQL = `SELECT ${
  RESULT_COLUMNS.map((name) => `CAST(NULL AS ${RESULT_COLUMN_TYPES[name].type}) AS "${name}"`)
    .join(", ")
} WHERE false`;

function toSafeNumber(value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}
