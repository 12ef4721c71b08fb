/**
 * The filesystem `Store`, the default. Layout under the root folder:
 *
 * ```text
 * runs/<test-id>/test.json          the ABTest, written once
 * runs/<test-id>/state.json         status and history, replaced atomically
 * runs/<test-id>/results/part-*.parquet   result chunks, one file per flush
 * runs/<test-id>/comparisons.jsonl  comparison pairs, appended
 * runs/<test-id>/ratings.jsonl      ratings, appended durably
 * runs/<test-id>/report.json        report, replaced atomically
 * runs/<test-id>/report.md
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  type ABTest,
  type ABTestReport,
  ABTestReportSchema,
  ABTestSchema,
  type ComparisonPair,
  ComparisonPairSchema,
  ID_PATTERN,
  type Rating,
  RatingSchema,
  type TestResult,
  type TestState,
  TestStateSchema,
} from "../schema/mod.ts";
import { type Logger, nullLogger } from "../log.ts";
import { BufferedSink, type FlushTimers } from "./buffered_sink.ts";
import {
  createFileAtomic,
  readTextIfExists,
  removeStaleTempFiles,
  writeFileAtomic,
} from "./atomic_file.ts";
import { TestExistsError, TestNotFoundError } from "./errors.ts";
import { JsonlLog } from "./jsonl_log.ts";
import { latestResultsSql } from "./latest_result.ts";
import { lastPartSequence, listPartFiles, writeParquetPart } from "./parquet_part.ts";
import { parquetResultsRelation, toTestResult } from "./result_table.ts";
import type { ResultSink, ResultSinkOptions, Store, StoredCall } from "./store.ts";

/**
 * Age after which a temp file counts as left over from a crash. Writing one
 * part or state file takes well under a second, so ten minutes leaves a wide
 * margin for a slow disk or another process still writing.
 */
export const STALE_TEMP_FILE_MS = 10 * 60_000;

/** Root folder of the filesystem store when none is given. */
export const DEFAULT_RUNS_DIR = "runs";

/** Options for {@linkcode FsStore}. */
export interface FsStoreOptions {
  /** Root folder; one subfolder per test. Default `runs`, relative to the working directory. */
  root?: string;
  /** Timers for the sinks' age flush. Default: the global timers. */
  timers?: FlushTimers;
  /** Receives warnings (torn log lines) and background flush errors. Default: drops lines. */
  logger?: Logger;
}

/**
 * Stores tests under a root folder, results as Parquet part files written
 * through one lazily started in-memory DuckDB instance, and comparisons and
 * ratings as JSON Lines logs.
 *
 * @example
 * ```ts
 * const store = new FsStore({ root: "runs" });
 * await store.createTest(test, state);
 * const sink = await store.openResults(test.id);
 * await sink.write(result);
 * await sink.close();
 * const rows = await store.readResults(test.id);
 * await store.close();
 * ```
 */
export class FsStore implements Store {
  /** Absolute root folder. */
  readonly root: string;
  readonly #timers: FlushTimers | undefined;
  readonly #logger: Logger;
  #db: Promise<DuckDBInstance> | undefined = undefined;
  /** Next part sequence number per test, shared by every sink of the test. */
  readonly #nextSequence = new Map<string, Promise<{ value: number }>>();
  readonly #comparisons = new Map<string, Promise<JsonlLog<ComparisonPair>>>();
  readonly #ratings = new Map<string, Promise<JsonlLog<Rating>>>();
  readonly #sinks = new Set<BufferedSink>();
  #closed = false;

  constructor(options: FsStoreOptions = {}) {
    this.root = resolve(options.root ?? DEFAULT_RUNS_DIR);
    this.#timers = options.timers;
    this.#logger = options.logger ?? nullLogger;
  }

  /** Folder of one test, after checking the id cannot escape the root. */
  testDir(testId: string): string {
    assertTestId(testId);
    return join(this.root, testId);
  }

  /** @throws {TestExistsError} When `test.json` exists for the id. */
  async createTest(test: ABTest, state: TestState): Promise<void> {
    this.#assertOpen();
    const parsedTest = ABTestSchema.parse(test);
    const parsedState = TestStateSchema.parse(state);
    if (parsedState.test_id !== parsedTest.id) {
      throw new TypeError(
        `Invalid state for test "${parsedTest.id}": its test_id is "${parsedState.test_id}"`,
      );
    }

    const dir = this.testDir(parsedTest.id);
    await Deno.mkdir(join(dir, "results"), { recursive: true });
    const created = await createFileAtomic(join(dir, "test.json"), toJson(parsedTest));
    if (!created) throw new TestExistsError(parsedTest.id);
    await writeFileAtomic(join(dir, "state.json"), toJson(parsedState));
  }

  async getTest(testId: string): Promise<ABTest | undefined> {
    const text = await readTextIfExists(join(this.testDir(testId), "test.json"));
    return text === undefined ? undefined : ABTestSchema.parse(JSON.parse(text));
  }

  /** Ids of the folders under the root that contain a `test.json`, sorted. */
  async listTests(): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.root)) {
        if (!entry.isDirectory || !ID_PATTERN.test(entry.name)) continue;
        const stat = await Deno.stat(join(this.root, entry.name, "test.json")).catch(() => null);
        if (stat?.isFile) ids.push(entry.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    return ids.sort();
  }

  async getState(testId: string): Promise<TestState | undefined> {
    const text = await readTextIfExists(join(this.testDir(testId), "state.json"));
    return text === undefined ? undefined : TestStateSchema.parse(JSON.parse(text));
  }

  /** @throws {TestNotFoundError} When the test is not stored. */
  async putState(state: TestState): Promise<void> {
    this.#assertOpen();
    const parsed = TestStateSchema.parse(state);
    await this.#assertTestExists(parsed.test_id);
    await writeFileAtomic(join(this.testDir(parsed.test_id), "state.json"), toJson(parsed));
  }

  /**
   * Open a sink that writes one Parquet part file per flush. Several sinks of
   * one test may be open at once; their part numbers do not collide.
   *
   * @throws {TestNotFoundError} When the test is not stored.
   */
  async openResults(testId: string, options: ResultSinkOptions = {}): Promise<ResultSink> {
    this.#assertOpen();
    await this.#assertTestExists(testId);
    const directory = join(this.testDir(testId), "results");
    await Deno.mkdir(directory, { recursive: true });
    const sequence = await this.#sequence(testId, directory);

    const writeChunk = async (rows: TestResult[]) => {
      const number = sequence.value++;
      await writeParquetPart(await this.#duckdb(), directory, number, rows);
    };
    const sink: BufferedSink = new BufferedSink(writeChunk, {
      ...options,
      testId,
      logger: this.#logger,
      ...(this.#timers ? { timers: this.#timers } : {}),
      onClose: () => this.#sinks.delete(sink),
    });
    this.#sinks.add(sink);
    return sink;
  }

  /** Read one result per call key, sorted by call key; `latestResultsSql` states the rule. */
  async readResults(testId: string): Promise<TestResult[]> {
    const rows = await this.#queryLatest(testId, "*");
    return rows.map(toTestResult);
  }

  async storedCalls(testId: string): Promise<Map<string, StoredCall>> {
    const rows = await this.#queryLatest(testId, "call_key, error_class IS NOT NULL AS error");
    const calls = new Map<string, StoredCall>();
    for (const row of rows) calls.set(row.call_key as string, { error: row.error as boolean });
    return calls;
  }

  /** Absolute paths of the test's part files in write order; empty before the first flush. */
  async resultFiles(testId: string): Promise<string[]> {
    return await listPartFiles(join(this.testDir(testId), "results"));
  }

  /**
   * Append comparison pairs durably. A pair whose id is already stored is kept
   * as it was, so calling again after a resume adds only the new pairs.
   *
   * @throws {TestNotFoundError} When the test is not stored.
   * @throws {TypeError} When a pair belongs to another test.
   */
  async putComparisons(testId: string, pairs: ComparisonPair[]): Promise<void> {
    this.#assertOpen();
    const parsed = pairs.map((pair) => ComparisonPairSchema.parse(pair));
    for (const pair of parsed) assertSameTest(testId, pair.test_id, `comparison "${pair.id}"`);

    const log = await this.#comparisonLog(testId);
    await Promise.all(parsed.map((pair) => log.append(pair)));
  }

  async listComparisons(testId: string): Promise<ComparisonPair[]> {
    if (!(await this.#testExists(testId))) return [];
    return (await this.#comparisonLog(testId)).records();
  }

  /**
   * Append a rating durably; the promise resolves after its fsync. The
   * idempotency key is scoped to the test. A repeated key returns the stored
   * rating with `created: false` even when the new payload differs, so callers
   * that must reject a changed payload compare the two.
   *
   * @throws {TestNotFoundError} When the test is not stored.
   */
  async putRating(rating: Rating): Promise<{ rating: Rating; created: boolean }> {
    this.#assertOpen();
    const parsed = RatingSchema.parse(rating);
    const log = await this.#ratingLog(parsed.test_id);
    const { record, created } = await log.append(parsed);
    return { rating: record, created };
  }

  async listRatings(testId: string): Promise<Rating[]> {
    if (!(await this.#testExists(testId))) return [];
    return (await this.#ratingLog(testId)).records();
  }

  /** Write `report.json` and `report.md`, each atomically. */
  async putReport(testId: string, report: ABTestReport, markdown: string): Promise<void> {
    this.#assertOpen();
    const parsed = ABTestReportSchema.parse(report);
    assertSameTest(testId, parsed.test_id, "report");
    await this.#assertTestExists(testId);

    const dir = this.testDir(testId);
    await writeFileAtomic(join(dir, "report.json"), toJson(parsed));
    await writeFileAtomic(join(dir, "report.md"), markdown);
  }

  async getReport(testId: string): Promise<ABTestReport | undefined> {
    const text = await readTextIfExists(join(this.testDir(testId), "report.json"));
    return text === undefined ? undefined : ABTestReportSchema.parse(JSON.parse(text));
  }

  /** Read the stored Markdown report; undefined before `putReport`. */
  async getReportMarkdown(testId: string): Promise<string | undefined> {
    return await readTextIfExists(join(this.testDir(testId), "report.md"));
  }

  /**
   * Return the store's DuckDB instance, starting it on first use. Use it for
   * SQL over {@linkcode resultFiles}. The store's `close()` closes it.
   */
  duckdb(): Promise<DuckDBInstance> {
    this.#assertOpen();
    return this.#duckdb();
  }

  /** Close open sinks (flushing them), the logs and the DuckDB instance. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;

    // Sinks first, because their final flush needs the DuckDB instance. Every
    // resource is released even when one fails; the first failure is thrown.
    const outcomes = await Promise.allSettled([...this.#sinks].map((sink) => sink.close()));
    const logs = [...this.#comparisons.values(), ...this.#ratings.values()];
    outcomes.push(...await Promise.allSettled(logs.map(async (log) => (await log).close())));
    const db = await this.#db?.catch(() => undefined);
    db?.closeSync();

    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure !== undefined) throw failure.reason;
  }

  #duckdb(): Promise<DuckDBInstance> {
    this.#db ??= DuckDBInstance.create(":memory:");
    return this.#db;
  }

  /** Run a query over the latest result per call key; empty when no part file exists. */
  async #queryLatest(testId: string, columns: string): Promise<Record<string, unknown>[]> {
    this.#assertOpen();
    const files = await this.resultFiles(testId);
    if (files.length === 0) return [];

    const connection = await (await this.#duckdb()).connect();
    try {
      const relation = parquetResultsRelation(files);
      const sql = `SELECT ${columns} FROM (${latestResultsSql(relation)}) ORDER BY call_key`;
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
    }
  }

  /**
   * Share one sequence counter per test, started after the highest part
   * number on disk. Starting it also clears temp files left by a crash.
   */
  #sequence(testId: string, directory: string): Promise<{ value: number }> {
    let counter = this.#nextSequence.get(testId);
    if (counter === undefined) {
      counter = this.#removeCrashDebris(testId, directory)
        .then(() => lastPartSequence(directory))
        .then((last) => ({ value: last + 1 }));
      this.#nextSequence.set(testId, counter);
      counter.catch(() => this.#nextSequence.delete(testId));
    }
    return counter;
  }

  async #removeCrashDebris(testId: string, resultsDir: string): Promise<void> {
    const removed = [
      ...await removeStaleTempFiles(this.testDir(testId), { minAgeMs: STALE_TEMP_FILE_MS }),
      ...await removeStaleTempFiles(resultsDir, { minAgeMs: STALE_TEMP_FILE_MS }),
    ];
    if (removed.length > 0) {
      this.#logger.warn("removed temp files left by an interrupted write", {
        test_id: testId,
        files: removed,
      });
    }
  }

  #comparisonLog(testId: string): Promise<JsonlLog<ComparisonPair>> {
    return this.#openLog(this.#comparisons, testId, "comparisons.jsonl", {
      parse: (value) => ComparisonPairSchema.parse(value),
      keyOf: (pair) => pair.id,
    });
  }

  #ratingLog(testId: string): Promise<JsonlLog<Rating>> {
    return this.#openLog(this.#ratings, testId, "ratings.jsonl", {
      parse: (value) => RatingSchema.parse(value),
      keyOf: (rating) => rating.idempotency_key,
    });
  }

  /** Open a test's log once, sharing the in-flight open between callers. */
  #openLog<T>(
    logs: Map<string, Promise<JsonlLog<T>>>,
    testId: string,
    name: string,
    options: { parse: (value: unknown) => T; keyOf: (record: T) => string },
  ): Promise<JsonlLog<T>> {
    let log = logs.get(testId);
    if (log === undefined) {
      log = this.#assertTestExists(testId).then(() =>
        JsonlLog.open(join(this.testDir(testId), name), { ...options, logger: this.#logger })
      );
      logs.set(testId, log);
      log.catch(() => logs.delete(testId));
    }
    return log;
  }

  async #testExists(testId: string): Promise<boolean> {
    const stat = await Deno.stat(join(this.testDir(testId), "test.json")).catch(() => null);
    return stat?.isFile ?? false;
  }

  async #assertTestExists(testId: string): Promise<void> {
    if (!(await this.#testExists(testId))) throw new TestNotFoundError(testId);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`Cannot use the store at ${this.root}: it is closed`);
  }
}

/**
 * Check that a test id is safe as a folder name: the id pattern admits only
 * letters, digits, `.`, `_` and `-`, starting with a letter or digit, so it
 * cannot be `..` or contain a path separator.
 */
function assertTestId(testId: string): void {
  if (typeof testId !== "string" || !ID_PATTERN.test(testId)) {
    throw new TypeError(
      `Invalid test id ${
        JSON.stringify(testId)
      }: expected letters, digits, '.', '_' or '-', starting with a letter or digit (at most 128 characters)`,
    );
  }
}

function assertSameTest(testId: string, actual: string, subject: string): void {
  if (actual !== testId) {
    throw new TypeError(`Invalid ${subject}: its test_id "${actual}" is not "${testId}"`);
  }
}

function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}
