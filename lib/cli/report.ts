/**
 * `ablab report TEST_ID`: regenerate the report of a stored test.
 *
 * @module
 */
import { join } from "node:path";
import {
  Controller,
  DEFAULT_RUNS_DIR as DEFAULT_OUT_DIR,
  defaultReportExtensions,
  FsStore,
  type Logger,
  type Store,
  writeReport,
} from "../mod.ts";
import { onePositional, parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { demoteInfo, formatDuration } from "./console_logger.ts";
import { cliCommand } from "./hints.ts";
import { EXIT_FAILED, EXIT_OK, UsageError } from "./errors.ts";
import { getStoredTest } from "./stored_test.ts";
import { isValidTestId } from "./test_id.ts";

const USAGE = `Usage: ablab report TEST_ID [--out DIR] [--json]

Regenerates report.json and report.md of a stored test from its results and ratings.

Options:
  --out DIR  folder that holds the runs (default ${DEFAULT_OUT_DIR})
  --json     print the paths as a JSON object on stdout`;

/** Paths of a written report. */
export interface ReportPaths {
  json: string;
  markdown: string;
}

/** Options for `writeRunReport`. */
export interface WriteRunReportOptions {
  logger: Logger;
  /** Output folder as the user gave it, for the printed paths. */
  outDir: string;
}

/**
 * Writes the report of a test and logs the outcome. Returns the paths, or
 * undefined when writing failed; the error is logged, not thrown, because the
 * results are stored either way.
 */
export async function writeRunReport(
  store: Store,
  testId: string,
  options: WriteRunReportOptions,
): Promise<ReportPaths | undefined> {
  const started = performance.now();
  try {
    await writeReport(store, testId, {
      extensions: defaultReportExtensions(),
      logger: demoteInfo(options.logger),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    options.logger.error(`report ${testId} -> failed: ${message}`, { test_id: testId });
    return undefined;
  }
  options.logger.info(
    `report ${testId} -> written in ${formatDuration(performance.now() - started)}`,
  );
  return {
    json: join(options.outDir, testId, "report.json"),
    markdown: join(options.outDir, testId, "report.md"),
  };
}

/** The `report` subcommand. */
export const reportCommand: Command = {
  summary: "regenerate the report of a stored test",
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string", default: DEFAULT_OUT_DIR },
      json: { type: "boolean", default: false },
    }, USAGE);
    const testId = onePositional(positionals, "TEST_ID", USAGE);
    if (!isValidTestId(testId)) {
      throw new UsageError(
        `invalid test id "${testId}": list stored tests with \`${cliCommand(["list"], values)}\``,
      );
    }

    const store = new FsStore({ root: values.out, logger: context.logger });
    try {
      // An unknown id fails with exit code 2 before anything is written.
      await getStoredTest(new Controller({ store }), testId, values.out);
      const paths = await writeRunReport(store, testId, {
        logger: context.logger,
        outDir: values.out,
      });
      if (paths === undefined) return EXIT_FAILED;
      context.io.stdout(
        values.json
          ? `${
            JSON.stringify({ test_id: testId, report_json: paths.json, report_md: paths.markdown })
          }\n`
          : `report  ${paths.markdown}\n        ${paths.json}\n`,
      );
      return EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
