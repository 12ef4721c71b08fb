/**
 * The storage interface the controller, engine, report and server use.
 * `FsStore` (filesystem, default) and `MemoryStore` (tests) implement it.
 *
 * @module
 */
import type {
  ABTest,
  ABTestReport,
  ComparisonPair,
  Rating,
  TestResult,
  TestState,
} from "../schema/mod.ts";

/** A destination for results, which writes buffered rows in bounded chunks. */
export interface ResultSink {
  /** Buffer one result; may flush when the buffer is full. */
  write(result: TestResult): Promise<void>;
  /** Write every buffered result durably. */
  flush(): Promise<void>;
  /** Flush and release resources. */
  close(): Promise<void>;
}

/** Options for opening a result sink. */
export interface ResultSinkOptions {
  /** Flush when this many rows are buffered. Default 5,000. */
  maxRows?: number;
  /** Flush when the oldest buffered row is this many milliseconds old. Default 2,000. */
  maxAgeMs?: number;
  /**
   * Whether every row is checked against `TestResultSchema` when written.
   * Default true. The engine turns it off because it builds its rows from
   * responses that `checkResponse()` has checked, and the schema check
   * costs microseconds per call. The sink still checks the test id.
   */
  validate?: boolean;
}

/** Stored state of one call key, used by resume. */
export interface StoredCall {
  /** True when the latest stored result for the key is an error. */
  error: boolean;
}

/** Persistent storage of tests, results, comparisons, ratings and reports. */
export interface Store {
  /** Store a new test and its `draft` state; throws if the id exists. */
  createTest(test: ABTest, state: TestState): Promise<void>;
  getTest(testId: string): Promise<ABTest | undefined>;
  /** Ids of every stored test, sorted. */
  listTests(): Promise<string[]>;
  getState(testId: string): Promise<TestState | undefined>;
  /** Replace the state atomically. */
  putState(state: TestState): Promise<void>;

  /** Open a sink that appends results for a test. */
  openResults(testId: string, options?: ResultSinkOptions): Promise<ResultSink>;
  /** Every stored result, one per call key (a later success replaces an earlier error). */
  readResults(testId: string): Promise<TestResult[]>;
  /** Latest stored state per call key. */
  storedCalls(testId: string): Promise<Map<string, StoredCall>>;
  /**
   * Parquet files holding the results, for SQL over them; undefined when the
   * store keeps results elsewhere (the in-memory store).
   */
  resultFiles(testId: string): Promise<string[] | undefined>;

  putComparisons(testId: string, pairs: ComparisonPair[]): Promise<void>;
  listComparisons(testId: string): Promise<ComparisonPair[]>;
  /**
   * Store a rating durably. Returns the stored record: the existing one when
   * the idempotency key was seen before.
   */
  putRating(rating: Rating): Promise<{ rating: Rating; created: boolean }>;
  listRatings(testId: string): Promise<Rating[]>;

  putReport(testId: string, report: ABTestReport, markdown: string): Promise<void>;
  getReport(testId: string): Promise<ABTestReport | undefined>;

  /** Release resources such as the DuckDB instance; close open result sinks first. */
  close(): Promise<void>;
}
