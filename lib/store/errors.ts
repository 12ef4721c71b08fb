/**
 * Errors a store raises where callers branch: a duplicate test id (the CLI
 * suggests resuming) and a missing test (the server returns 404).
 *
 * @module
 */

/** Raised by `createTest` when a test with the same id is already stored. */
export class TestExistsError extends Error {
  /** Id of the stored test. */
  readonly testId: string;

  constructor(testId: string) {
    super(
      `cannot create test "${testId}": a test with this id already exists; resume it or choose another id`,
    );
    this.name = "TestExistsError";
    this.testId = testId;
  }
}

/** Raised when an operation needs a stored test and none has the id. */
export class TestNotFoundError extends Error {
  /** Id that was looked up. */
  readonly testId: string;

  constructor(testId: string) {
    super(`Test "${testId}" not found; create it first`);
    this.name = "TestNotFoundError";
    this.testId = testId;
  }
}
