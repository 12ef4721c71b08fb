/**
 * `ablab run`: load an experiment file (or a stored test with `--resume`),
 * run it with progress, move it through the lifecycle and write the report.
 *
 * Every input check happens before the first write, so invalid input leaves
 * the output folder untouched.
 *
 * @module
 */
import { join } from "node:path";
import {
  type ABTest,
  Controller,
  createPlan,
  FsStore,
  loadExperiment,
  type Logger,
  type MissingApiKey,
  missingApiKeys,
  type ModelConfig,
  PriceBook,
  ResponseCache,
  runOutcome,
  type RunSummary,
  runTest,
  type Store,
  TestExistsError,
  type TestState,
} from "../mod.ts";
import type { Command, CommandContext } from "./command.ts";
import { demoteInfo, formatDuration } from "./console_logger.ts";
import { createDryRunPlan, formatDryRunPlan, formatUsd } from "./dry_run.ts";
import { EXIT_FAILED, EXIT_OK, UsageError } from "./errors.ts";
import { createProgressDisplay } from "./progress.ts";
import { writeRunReport } from "./report.ts";
import { parseRunArgs, RUN_USAGE, type RunJsonSummary, type RunRequest } from "./run_args.ts";
import { keysOutsideShard } from "./shard.ts";
import { getStoredTest } from "./stored_test.ts";
import { installStopSignals } from "./stop_signals.ts";
import { makeTestId } from "./test_id.ts";
import { compareCommandHint, resumeCommand } from "./hints.ts";
import {
  checkJudgeConfigured,
  type CompareJsonSummary,
  compareStoredTest,
  formatPairsLine,
} from "./compare.ts";

/** Options for `executeRun` beyond the flags. */
export interface ExecuteRunOptions {
  /** Changes a freshly loaded test before it is stored; `demo` forces the simulated provider. */
  prepare?: (test: ABTest) => ABTest;
  /** Clock for the generated test id. Default `() => new Date()`. */
  now?: () => Date;
}

/** The `run` subcommand. */
export const runCommand: Command = {
  summary: "run an experiment file, or continue a stored test with --resume",
  usage: RUN_USAGE,
  run: (args, context) => executeRun(parseRunArgs(args), context),
};

/** A test ready to run and what this run makes of it. */
interface PreparedRun {
  test: ABTest;
  /** True when the test is new and must be created. */
  isNew: boolean;
  /** Stored status of a resumed test. */
  status?: TestState["status"];
  /** Keys of other shards, which the engine skips. */
  skipKeys: Set<string>;
  /** Calls this run makes. */
  callsToRun: number;
  /** Budget left for this run in USD, or undefined when the test has none. */
  budgetUsd: number | undefined;
  /** Errors stored by earlier runs that this run leaves as they are. */
  keptErrors: number;
}

/**
 * Runs one `ablab run` request and returns the exit code: 0 when the test
 * completed, 1 when it paused or failed.
 *
 * @throws {UsageError} and the other input errors `main` maps to exit code 2,
 *   always before anything is written.
 */
export async function executeRun(
  request: RunRequest,
  context: CommandContext,
  options: ExecuteRunOptions = {},
): Promise<number> {
  const { logger } = context;
  const store = new FsStore({ root: request.out, logger });
  try {
    const controller = new Controller({ store, logger });
    const prepared = request.resumeId === undefined
      ? await prepareNewTest(request, store, logger, options)
      : await prepareResume(request, controller, store);
    if (request.judge) checkJudgeConfigured(prepared.test);
    const models = modelsToCall(prepared.test, request);
    const missingKeys = missingApiKeys(models, Deno.env.toObject());
    warnUnpricedBudget(request.maxCostUsd ?? prepared.test.max_cost_usd, models, logger);

    if (request.dryRun) {
      for (const line of describeMissingKeys(missingKeys)) logger.warn(line);
      const plan = createDryRunPlan(prepared.test, {
        callsToRun: prepared.callsToRun,
        concurrency: request.concurrency ?? prepared.test.concurrency,
        logger,
      });
      context.io.stdout(
        request.json ? `${JSON.stringify(plan, null, 2)}\n` : formatDryRunPlan(plan),
      );
      return EXIT_OK;
    }
    if (missingKeys.length > 0) {
      throw new UsageError(
        `${describeMissingKeys(missingKeys).join("; ")}; nothing was called or written`,
      );
    }

    return await runPrepared(prepared, { request, context, controller, store });
  } finally {
    await store.close();
  }
}

/** Lists the models a run calls: the test's, and with --judge the judge's when it is defined inline. */
function modelsToCall(test: ABTest, request: RunRequest): ModelConfig[] {
  const judge = test.judge?.model;
  return request.judge && typeof judge === "object" ? [...test.models, judge] : test.models;
}

/**
 * Warns when a budget is set but some model has no price, because the
 * budget counts only known costs and cannot stop that model's spending.
 */
function warnUnpricedBudget(
  limit: number | undefined,
  models: readonly ModelConfig[],
  logger: Logger,
): void {
  if (limit === undefined) return;
  const prices = new PriceBook();
  // Simulated calls spend no money, so a missing price there needs no warning.
  const unpriced = models.filter((model) =>
    model.provider !== "simulated" && prices.priceFor(model) === undefined
  );
  for (const model of unpriced) {
    logger.warn(
      `the ${formatUsd(limit)} budget cannot limit model "${model.id}" (${model.model}): it has ` +
        "no price, so its calls cost nothing as far as the budget knows; set price in its entry " +
        "of the experiment file",
    );
  }
}

/** Describes, per model, which variable to set. */
function describeMissingKeys(missing: readonly MissingApiKey[]): string[] {
  return missing.map(({ model, keyEnv }) =>
    `missing API key for model "${model.id}" (${model.provider} ${model.model}): ` +
    `${keyEnv} is not set or empty; export it, or name another variable in the model's api_key_env`
  );
}

async function prepareNewTest(
  request: RunRequest,
  store: Store,
  logger: Logger,
  options: ExecuteRunOptions,
): Promise<PreparedRun> {
  const file = request.file!;
  const started = performance.now();
  const loaded = await loadExperiment(file);
  logger.info(`load ${file} -> ok in ${formatDuration(performance.now() - started)}`);

  const now = options.now ?? (() => new Date());
  let test: ABTest = {
    ...loaded,
    id: request.id ?? makeTestId(loaded.id, now()),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(request.concurrency === undefined ? {} : { concurrency: request.concurrency }),
    ...(request.maxCostUsd === undefined ? {} : { max_cost_usd: request.maxCostUsd }),
  };
  if (options.prepare !== undefined) test = options.prepare(test);

  if (await store.getState(test.id) !== undefined) throw new TestExistsError(test.id);
  const skipKeys = planOrThrow(test, request);
  return {
    test,
    isNew: true,
    skipKeys,
    callsToRun: createPlan(test).total - skipKeys.size,
    budgetUsd: test.max_cost_usd,
    keptErrors: 0,
  };
}

async function prepareResume(
  request: RunRequest,
  controller: Controller,
  store: Store,
): Promise<PreparedRun> {
  const { test, state } = await getStoredTest(controller, request.resumeId!, request.out);
  if (request.retryErrors && (state.status === "completed" || state.status === "failed")) {
    throw new UsageError(
      `cannot retry errors of test "${test.id}": it is ${state.status}, which is final; ` +
        "--retry-errors works on paused tests only; to retry the errors of a completed test, " +
        "start a new run of the experiment file",
    );
  }
  const skipKeys = planOrThrow(test, request);

  // The run makes the calls with no stored result and, with --retry-errors, the
  // calls stored as errors; stored successes join the keys the engine skips.
  const stored = await store.storedCalls(test.id);
  let callsToRun = 0;
  let keptErrors = 0;
  for (const call of createPlan(test).calls()) {
    if (skipKeys.has(call.key)) continue;
    const previous = stored.get(call.key);
    if (previous === undefined || (request.retryErrors && previous.error)) {
      callsToRun++;
    } else {
      if (previous.error) keptErrors++;
      if (request.retryErrors) skipKeys.add(call.key);
    }
  }
  const limit = request.maxCostUsd ?? test.max_cost_usd;
  let budgetUsd: number | undefined;
  if (limit !== undefined) {
    const spent = (await store.readResults(test.id))
      .reduce((sum, row) => sum + (row.cost_usd ?? 0), 0);
    budgetUsd = limit - spent;
    if (budgetUsd <= 0 && callsToRun > 0 && !request.dryRun) {
      throw new UsageError(
        `test "${test.id}" has spent ${formatUsd(spent)} of its ${formatUsd(limit)} budget; ` +
          "pass --max-cost-usd with a higher total to continue",
      );
    }
    // A resume with no calls left spends nothing, so a spent budget does not matter.
    if (callsToRun === 0) budgetUsd = undefined;
  }
  return {
    test,
    isNew: false,
    status: state.status,
    skipKeys,
    callsToRun,
    budgetUsd,
    keptErrors,
  };
}

/** Plans the test once to reject an unplannable one before any write; returns other shards' keys. */
function planOrThrow(test: ABTest, request: RunRequest): Set<string> {
  try {
    createPlan(test);
    return request.shard === undefined ? new Set() : keysOutsideShard(test, request.shard);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new UsageError(`invalid test "${test.id}": ${error.message}`);
    }
    throw error;
  }
}

interface RunContext {
  request: RunRequest;
  context: CommandContext;
  controller: Controller;
  store: FsStore;
}

async function runPrepared(prepared: PreparedRun, run: RunContext): Promise<number> {
  const { request, context, controller, store } = run;
  const { test } = prepared;
  const { logger, io } = context;

  // Lifecycle: new tests are created then started, stored ones resumed.
  if (prepared.isNew) {
    await controller.create(test, { reason: `from ${test.source ?? "the command line"}` });
    await controller.start(test.id);
  } else if (prepared.status === "running") {
    // NOTE: a test left running by a killed process looks the same as one that another
    // process is running now. Running both at once would duplicate calls.
    logger.warn(
      `test ${test.id} is marked running, probably by a run that was killed; continuing it`,
    );
  } else if (prepared.status === "draft") {
    await controller.start(test.id, { reason: "resumed" });
  } else {
    await controller.resume(test.id, { reason: "resumed" });
  }

  const stops = installStopSignals(test.id, logger);
  const display = createProgressDisplay({ tty: io.isTty, label: test.id, write: io.stderr });
  let summary: RunSummary;
  try {
    summary = await runTest(test, {
      store,
      env: Deno.env.toObject(),
      concurrency: request.concurrency ?? test.concurrency,
      signal: stops.signal,
      stopSignal: stops.stopSignal,
      logger: demoteInfo(logger),
      // Without --retry-errors the engine skips every stored key. With it,
      // skipKeys already lists the stored successes, so errors run again.
      resume: !request.retryErrors,
      skipKeys: prepared.skipKeys,
      ...(prepared.budgetUsd === undefined ? {} : { maxCostUsd: prepared.budgetUsd }),
      // Cached responses live beside the runs, so every test under --out shares them.
      ...(test.cache
        ? { cache: new ResponseCache({ dir: join(request.out, ".cache"), logger }) }
        : {}),
      onProgress: (progress) => display.update(progress),
    });
  } catch (error) {
    display.stop();
    const message = error instanceof Error ? error.message : String(error);
    await controller.fail(test.id, { reason: `error: ${message}` }).catch((failError) => {
      logger.error(`fail ${test.id} -> not recorded: ${failError.message}`);
    });
    throw error;
  } finally {
    stops.dispose();
  }
  display.stop();

  const uncosted = [
    ...(summary.costUnknown > 0 ? [`${summary.costUnknown} calls have no price`] : []),
    ...(summary.usageMissing > 0 ? [`${summary.usageMissing} calls have no token counts`] : []),
  ];
  const unpriced = uncosted.length > 0 ? ` (${uncosted.join("; ")})` : "";
  logger.info(
    `run ${test.id} -> ${summary.done}/${summary.total} calls, ${summary.errors} errors, ` +
      `${formatUsd(summary.costUsd)}${unpriced} in ${formatDuration(summary.elapsedMs)}`,
  );
  for (const line of formatErrorsByArm(summary)) logger.warn(line);
  const state = await settle(test, summary, prepared, run, stops.received() !== undefined);

  // The report covers every stored result, also of a paused test. With
  // --judge, compare rewrites it after adding the pairs and ratings.
  let paths = await writeRunReport(store, test.id, { logger, outDir: request.out });
  let compare: CompareJsonSummary | null = null;
  if (request.judge && state.status === "completed") {
    const outcome = await compareStoredTest(
      test,
      store,
      { out: request.out, judge: true },
      context,
    );
    compare = outcome.summary;
    paths = outcome.paths;
  } else if (request.judge) {
    logger.warn(
      `judge ${test.id} -> skipped: the test is ${state.status}; run ` +
        `\`${compareCommandHint(test.id, request)}\` once it completes`,
    );
  }

  const results = join(request.out, test.id, "results");
  if (request.json) {
    const last = state.history.at(-1);
    const json: RunJsonSummary = {
      test_id: test.id,
      status: state.status,
      reason: last?.reason ?? null,
      planned: summary.planned,
      to_run: summary.total,
      done: summary.done,
      errors: summary.errors,
      retries: summary.retries,
      skipped: summary.skipped,
      cost_usd: summary.costUsd,
      cost_unknown_calls: summary.costUnknown,
      usage_missing_calls: summary.usageMissing,
      errors_by_arm: summary.errorsByArm.map((arm) => ({
        arm_id: arm.armId,
        calls: arm.calls,
        errors: arm.errors,
        kinds: arm.kinds.map((kind) => ({
          error_class: kind.errorClass,
          message: kind.message,
          count: kind.count,
        })),
        other_errors: arm.otherErrors,
      })),
      elapsed_ms: Math.round(summary.elapsedMs),
      results_dir: results,
      report_json: paths?.json ?? null,
      report_md: paths?.markdown ?? null,
      compare,
    };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.stdout(`results ${results}/\n`);
    if (compare !== null) io.stdout(formatPairsLine(compare));
    if (paths !== undefined) io.stdout(`report  ${paths.markdown}\n        ${paths.json}\n`);
  }
  return state.status === "completed" && paths !== undefined ? EXIT_OK : EXIT_FAILED;
}

/** Pluralizes "call" for messages: "1 call was", "3 calls were". */
function callCount(n: number): string {
  return n === 1 ? "1 call was" : `${n} calls were`;
}

/**
 * Formats the per-arm error summary printed after a run: one line per arm
 * with errors, listing its most frequent errors with counts.
 */
export function formatErrorsByArm(summary: RunSummary): string[] {
  return summary.errorsByArm.map((arm) => {
    const kinds = arm.kinds.map((kind) => `${kind.count} x ${kind.errorClass}: ${kind.message}`);
    if (arm.otherErrors > 0) kinds.push(`${arm.otherErrors} with other messages`);
    return `errors ${arm.armId}: ${arm.errors} of ${arm.calls} calls; ${kinds.join("; ")}`;
  });
}

/**
 * Completes the test or pauses it, as `runOutcome()` decides, and prints
 * why along with the command that continues it.
 */
async function settle(
  test: ABTest,
  summary: RunSummary,
  prepared: PreparedRun,
  run: RunContext,
  interrupted: boolean,
): Promise<TestState> {
  const { controller, context } = run;
  const { logger } = context;
  const outcome = runOutcome(summary, { interrupted, pauseOnErrors: run.request.pauseOnErrors });
  if (outcome.status === "completed") {
    if (prepared.keptErrors > 0) {
      logger.warn(
        `${prepared.keptErrors} calls stored as errors by earlier runs are kept as errors; ` +
          "the test is completed, which is final",
      );
    }
    if (summary.errors > 0) {
      // Completed is final, so these errors can only be retried by a new run.
      logger.warn(
        `${summary.errors} of ${summary.total} calls ended in an error and are stored as errors; ` +
          "the test is completed, which is final, so retrying them needs a new run " +
          "(or run with --pause-on-errors to pause instead and retry with --resume --retry-errors)",
      );
    }
    return await controller.complete(test.id);
  }

  const retryFlags = outcome.retryErrors ? ["--retry-errors"] : [];
  // Resume runs the stored copy of the test, so only causes outside the file can be fixed that way.
  const storedCopy = `; resume repeats the test as stored in ${
    join(run.request.out, test.id, "test.json")
  }, so a wrong base_url or model name needs a new run of the corrected experiment file`;
  const resume = resumeCommand(test.id, run.request, retryFlags);
  switch (outcome.kind) {
    case "every call failed":
      logger.error(
        `all ${summary.done} calls of this run ended in an error, so the test is paused ` +
          `rather than completed; fix the cause, then retry them with \`${resume}\`, or keep ` +
          `them as errors and complete the test with \`${
            resumeCommand(test.id, run.request)
          }\`${storedCopy}`,
      );
      break;
    case "arms failed": {
      const arms = summary.errorsByArm.filter((arm) => arm.errors === arm.calls);
      logger.error(
        `every call of this run failed in ${arms.map((arm) => arm.armId).join(", ")}, ` +
          `so the test is paused rather than completed; fix the cause, then retry them with ` +
          `\`${resume}\`, or keep them as errors and complete the test with ` +
          `\`${resumeCommand(test.id, run.request)}\`${storedCopy}`,
      );
      break;
    }
    case "errors":
      logger.warn(
        `${summary.errors} of ${summary.total} calls ended in an error; the test is paused ` +
          `so they can be retried with \`${resume}\``,
      );
      break;
    case "budget reached": {
      const limit = run.request.maxCostUsd ?? test.max_cost_usd;
      logger.warn(
        `budget reached: this run spent ${formatUsd(summary.costUsd)} of the ` +
          `${formatUsd(prepared.budgetUsd ?? 0)} left (max ${formatUsd(limit ?? 0)}); ` +
          `${callCount(summary.total - summary.done)} not made. Continue with \`${
            resumeCommand(test.id, run.request, [
              "--max-cost-usd",
              "<higher total>",
              ...retryFlags,
            ])
          }\``,
      );
      break;
    }
    case "interrupted":
      logger.warn(
        `interrupted: ${summary.done}/${summary.total} calls made; continue with \`${resume}\``,
      );
      break;
    case "models stopped":
      logger.error(
        `calls to ${summary.stoppedModels.join(", ")} stopped after an error no retry can fix ` +
          `(see above); fix it, then continue with \`${resume}\`${storedCopy}`,
      );
      break;
    case "incomplete":
      logger.error(
        `${callCount(summary.total - summary.done)} not made; continue with \`${resume}\``,
      );
      break;
  }
  return await controller.pause(test.id, { reason: outcome.reason });
}
