/**
 * Lookup of a stored test by id for the commands that take `TEST_ID`.
 *
 * @module
 */
import { type Controller, TestNotFoundError, type TestRecord } from "../mod.ts";
import { UsageError } from "./errors.ts";
import { cliCommand } from "./hints.ts";

/**
 * Returns a stored test and its state.
 *
 * @throws {UsageError} when no test has the id, naming the folder searched and
 *   the command that lists the stored tests.
 */
export async function getStoredTest(
  controller: Controller,
  testId: string,
  outDir: string,
): Promise<TestRecord> {
  try {
    return await controller.get(testId);
  } catch (error) {
    if (!(error instanceof TestNotFoundError)) throw error;
    throw new UsageError(
      `test "${testId}" not found under ${outDir}; list the stored tests with ` +
        `\`${cliCommand(["list"], { out: outDir })}\``,
    );
  }
}
