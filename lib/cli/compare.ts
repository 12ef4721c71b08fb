/**
 * `ablab compare TEST_ID`: build blind comparison pairs of a stored test, run
 * its LLM judge on them and rewrite the report, so ratings need no server.
 *
 * @module
 */
import {
  type ABTest,
  buildPairs,
  Controller,
  DEFAULT_RUNS_DIR as DEFAULT_OUT_DIR,
  FsStore,
  type JudgeSummary,
  resolveJudgeModel,
  runJudge,
  type Store,
} from "../mod.ts";
import { onePositional, parseCommandArgs } from "./args.ts";
import type { Command, CommandContext } from "./command.ts";
import { demoteInfo, formatDuration } from "./console_logger.ts";
import { formatUsd } from "./dry_run.ts";
import { cliCommand } from "./hints.ts";
import { EXIT_FAILED, EXIT_OK, UsageError } from "./errors.ts";
import { type ReportPaths, writeRunReport } from "./report.ts";
import { getStoredTest } from "./stored_test.ts";
import { isValidTestId } from "./test_id.ts";

const USAGE =
  `Usage: ablab compare TEST_ID [--control ARM] [--judge | --no-judge] [--out DIR] [--json]

Builds blind comparison pairs of a stored test (every two arms on the same case and
repeat, or each arm against --control), runs the test's LLM judge on them and rewrites
report.json and report.md with win rates, the ranking and the winner analysis.
Pairs and judge ratings already stored are kept, so running it again only adds new ones.

Options:
  --out DIR      folder that holds the runs (default ${DEFAULT_OUT_DIR})
  --control ARM  pair each arm with this arm (variant/model) instead of every two arms
  --judge        run the judge; an error when the test has no judge
                 (default: run it when the test has one)
  --no-judge     build pairs only, for human raters (\`deno task serve\`)
  --json         print one JSON summary on stdout and nothing else there`;

/** Checked flags of one `compare`. */
export interface CompareRequest {
  testId: string;
  out: string;
  /** Arm every other arm is paired with; undefined pairs every two arms. */
  control?: string;
  /** True runs the judge, false skips it, undefined runs it when the test has one. */
  judge?: boolean;
  json: boolean;
}

/** The JSON object `compare --json` prints. */
export interface CompareJsonSummary {
  test_id: string;
  /** Pairs of the test after this command. */
  comparisons: number;
  /** Pairs this command added. */
  created: number;
  /** Arm every pair contains, from `--control`; null when every two arms were paired. */
  control: string | null;
  /** Outcome of the judge, or null when it did not run. */
  judge: JudgeSummary | null;
  report_json: string | null;
  report_md: string | null;
}

/** The outcome of `compareStoredTest`. */
export interface CompareOutcome {
  summary: CompareJsonSummary;
  /** Paths of the rewritten report, or undefined when writing it failed. */
  paths: ReportPaths | undefined;
}

/** The `compare` subcommand. */
export const compareCommand: Command = {
  summary: "build comparison pairs of a stored test and run its LLM judge",
  usage: USAGE,
  async run(args, context) {
    const request = parseCompareArgs(args);
    const store = new FsStore({ root: request.out, logger: context.logger });
    try {
      const controller = new Controller({ store });
      const { test } = await getStoredTest(controller, request.testId, request.out);
      const outcome = await compareStoredTest(test, store, request, context);
      printCompareOutcome(outcome, request.json, context);
      return outcome.paths === undefined ? EXIT_FAILED : EXIT_OK;
    } finally {
      await store.close();
    }
  },
};

/** Parses and checks the flags of `compare` without touching the file system. */
export function parseCompareArgs(args: string[]): CompareRequest {
  const { values, positionals } = parseCommandArgs(args, {
    out: { type: "string", default: DEFAULT_OUT_DIR },
    control: { type: "string" },
    judge: { type: "boolean" },
    "no-judge": { type: "boolean" },
    json: { type: "boolean", default: false },
  }, USAGE);
  const testId = onePositional(positionals, "TEST_ID", USAGE);
  if (!isValidTestId(testId)) {
    throw new UsageError(
      `invalid test id "${testId}": list stored tests with \`${cliCommand(["list"], values)}\``,
    );
  }
  if (values.judge === true && values["no-judge"] === true) {
    throw new UsageError("pass either --judge or --no-judge, not both");
  }
  let judge: boolean | undefined;
  if (values.judge === true) judge = true;
  if (values["no-judge"] === true) judge = false;
  return {
    testId,
    out: values.out,
    ...(values.control === undefined ? {} : { control: values.control }),
    ...(judge === undefined ? {} : { judge }),
    json: values.json,
  };
}

/**
 * Checks that a test has a judge, for `--judge` of `run` and `compare`.
 *
 * @throws {UsageError} when the test has no judge configured.
 */
export function checkJudgeConfigured(test: ABTest): void {
  if (test.judge !== undefined) return;
  throw new UsageError(
    `test "${test.id}" has no judge configured; add a judge (model and rubric) to the ` +
      "experiment file, or rate the pairs in the site (`deno task serve`)",
  );
}

/**
 * Builds and stores the comparison pairs of a test, runs its judge unless
 * `request.judge` is false, and rewrites the report.
 *
 * @throws {UsageError} when `--judge` is given for a test without a judge, the
 *   control arm is unknown, or the judge model is not usable; pairs built
 *   before a judge error stay stored.
 */
export async function compareStoredTest(
  test: ABTest,
  store: Store,
  request: Omit<CompareRequest, "testId" | "json">,
  context: CommandContext,
): Promise<CompareOutcome> {
  const { logger } = context;
  if (request.judge === true) checkJudgeConfigured(test);

  // Pairs: stored ones are kept, so ids and sides stay stable across calls.
  const started = performance.now();
  const [results, existing] = await Promise.all([
    store.readResults(test.id),
    store.listComparisons(test.id),
  ]);
  let pairs;
  try {
    pairs = buildPairs(test, results, {
      mode: request.control === undefined ? "all" : "control",
      existing,
      ...(request.control === undefined ? {} : { control: request.control }),
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`invalid --control: ${error.message}`);
    throw error;
  }
  const known = new Set(existing.map((pair) => pair.id));
  const added = pairs.filter((pair) => !known.has(pair.id));
  await store.putComparisons(test.id, added);
  const against = request.control === undefined ? "" : ` against control ${request.control}`;
  logger.info(
    `pairs ${test.id} -> ${pairs.length} pairs${against}, ${added.length} new in ` +
      formatDuration(performance.now() - started),
  );

  // Judge: on by default when the test has one.
  let judge: JudgeSummary | null = null;
  if (test.judge !== undefined && request.judge !== false) {
    const judgeStarted = performance.now();
    try {
      judge = await runJudge(test, {
        store,
        pairs,
        env: Deno.env.toObject(),
        logger: demoteInfo(logger),
      });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new UsageError(`pairs stored, but the judge cannot run: ${error.message}`);
    }
    logger.info(
      `judge ${test.id} -> ${judge.judged} rated, ${judge.skipped} already rated, ` +
        `${judge.failed} failed, ${formatUsd(judge.cost_usd)} in ` +
        formatDuration(performance.now() - judgeStarted),
    );
    // A judge that only skipped pairs made no call, so it cannot tell it is simulated itself.
    if (resolveJudgeModel(test).provider === "simulated") judge = { ...judge, simulated: true };
    if (judge.simulated) {
      logger.warn(
        `judge ${judge.rater_id} is simulated: it favours the longer output with seeded ` +
          "noise and does not judge content, so its win rates show the pipeline, not quality",
      );
    }
    if (judge.failed > 0) {
      logger.warn(
        `judge ${test.id} -> ${judge.failed} pairs not rated (see above); run compare again ` +
          "to retry them",
      );
    }
  }

  const paths = await writeRunReport(store, test.id, { logger, outDir: request.out });
  return {
    summary: {
      test_id: test.id,
      comparisons: pairs.length,
      created: added.length,
      control: request.control ?? null,
      judge,
      report_json: paths?.json ?? null,
      report_md: paths?.markdown ?? null,
    },
    paths,
  };
}

/** Prints the outcome of `compare`: one JSON object, or the report paths. */
export function printCompareOutcome(
  outcome: CompareOutcome,
  json: boolean,
  context: CommandContext,
): void {
  const { summary, paths } = outcome;
  if (json) {
    context.io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  context.io.stdout(formatPairsLine(summary));
  if (paths !== undefined) context.io.stdout(`report  ${paths.markdown}\n        ${paths.json}\n`);
}

/**
 * Formats the `pairs` line of the text output: the pair count, the control arm
 * when the pairs were built against one, and what the judge rated.
 */
export function formatPairsLine(summary: CompareJsonSummary): string {
  const against = summary.control === null
    ? ""
    : ` against control ${summary.control} (each arm paired with it only)`;
  const rated = summary.judge === null
    ? "no judge ran"
    : `${summary.judge.rater_id} rated ${summary.judge.judged} new pairs` +
      (summary.judge.simulated ? " (simulated judge)" : "");
  return `pairs   ${summary.comparisons} (${summary.created} new)${against}, ${rated}\n`;
}
