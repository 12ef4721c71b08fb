/**
 * Flags of `ablab run`, checked before anything is read or written.
 *
 * @module
 */
import { DEFAULT_RUNS_DIR as DEFAULT_OUT_DIR, type TestState } from "../mod.ts";
import { parseCommandArgs, parseIntegerFlag, parseShard, type Shard } from "./args.ts";
import { UsageError } from "./errors.ts";
import { CLI_ENTRY } from "./hints.ts";
import { isValidTestId } from "./test_id.ts";
import type { CompareJsonSummary } from "./compare.ts";

export const RUN_USAGE = `Usage: ablab run FILE [options]
       ablab run --resume TEST_ID [options]

Runs the experiment in FILE as a new test, or continues a stored test.

Options:
  --out DIR           folder for runs (default ${DEFAULT_OUT_DIR})
  --id ID             test id (default: experiment id plus -YYYYMMDD-HHMMSS in UTC)
  --seed N            seed for allocation and the simulated provider (overrides the file)
  --concurrency N     calls in flight at once (overrides the file)
  --max-cost-usd USD  total spending limit of the test; the run pauses when reached
                      (overrides max_cost_usd from the file, also when resuming)
  --dry-run           print calls and estimated cost per arm, call and write nothing
  --json              print one JSON summary on stdout and nothing else there
  --resume TEST_ID    continue a stored test, skipping calls already stored
  --retry-errors      with --resume: also rerun the calls stored as errors
                      (calls stored as successes are never made again)
  --shard i/n         run only shard i of n (cases split by hash of their id)
  --pause-on-errors   when calls end in errors, pause the test instead of completing it,
                      so \`--resume TEST_ID --retry-errors\` can retry them (completed is final)
  --judge             after a completed run, build comparison pairs and run the
                      test's LLM judge, then rewrite the report (as the compare command)
  --debug             print debug lines and full stack traces`;

const RUN_OPTIONS = {
  out: { type: "string", default: DEFAULT_OUT_DIR },
  id: { type: "string" },
  seed: { type: "string" },
  concurrency: { type: "string" },
  "max-cost-usd": { type: "string" },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  resume: { type: "string" },
  "retry-errors": { type: "boolean", default: false },
  shard: { type: "string" },
  judge: { type: "boolean", default: false },
  "pause-on-errors": { type: "boolean", default: false },
} as const;

/** Maximum concurrency the flag accepts, the same bound as the experiment file's `concurrency`. */
const MAX_CONCURRENCY = 100_000;

/** Checked flags of one `run`. */
export interface RunRequest {
  /** Experiment file, for a new test. */
  file?: string;
  /** Stored test to continue. */
  resumeId?: string;
  out: string;
  id?: string;
  seed?: number;
  concurrency?: number;
  maxCostUsd?: number;
  dryRun: boolean;
  json: boolean;
  retryErrors: boolean;
  shard?: Shard;
  /** Build pairs and run the judge after a completed run. */
  judge: boolean;
  /** Pause instead of complete when calls ended in errors, so --retry-errors can rerun them. */
  pauseOnErrors: boolean;
}

/** The JSON object `--json` prints at the end of a run. */
export interface RunJsonSummary {
  test_id: string;
  status: TestState["status"];
  /** Reason of the last status change, such as `interrupted` or `budget reached`. */
  reason: string | null;
  planned: number;
  to_run: number;
  done: number;
  errors: number;
  retries: number;
  skipped: number;
  /** Known cost of this run in USD. */
  cost_usd: number;
  /** Successful calls of this run whose model has no price, left out of `cost_usd`. */
  cost_unknown_calls: number;
  /** Successful calls of this run whose cost is unknown because a token count is missing or invalid. */
  usage_missing_calls: number;
  /** Arms with errors in this run, with their most frequent errors. */
  errors_by_arm: {
    arm_id: string;
    calls: number;
    errors: number;
    kinds: { error_class: string; message: string; count: number }[];
    other_errors: number;
  }[];
  elapsed_ms: number;
  results_dir: string;
  report_json: string | null;
  report_md: string | null;
  /** Pairs and judge outcome with `--judge`, or null without it or when the run did not complete. */
  compare: CompareJsonSummary | null;
}

/** Parses and checks the flags of `run` without touching the file system. */
export function parseRunArgs(args: string[]): RunRequest {
  const { values, positionals } = parseCommandArgs(args, RUN_OPTIONS, RUN_USAGE);
  if (positionals.length > 1) {
    throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(" ")}\n${RUN_USAGE}`);
  }
  const file = positionals[0];
  const resumeId = values.resume;

  if (file === undefined && resumeId === undefined) {
    throw new UsageError(`missing FILE (or --resume TEST_ID)\n${RUN_USAGE}`);
  }
  if (file !== undefined && resumeId !== undefined) {
    throw new UsageError(
      "pass either FILE or --resume TEST_ID, not both: a resumed test runs as stored",
    );
  }
  if (resumeId !== undefined && !isValidTestId(resumeId)) {
    throw new UsageError(
      `invalid --resume "${resumeId}": expected a test id listed by \`${CLI_ENTRY} list\``,
    );
  }
  if (resumeId !== undefined && (values.id !== undefined || values.seed !== undefined)) {
    throw new UsageError("--id and --seed apply to new tests only; a resumed test keeps its own");
  }
  if (values["retry-errors"] && resumeId === undefined) {
    throw new UsageError(
      "--retry-errors needs --resume TEST_ID: it reruns the error calls of a stored test",
    );
  }
  if (values.id !== undefined && !isValidTestId(values.id)) {
    throw new UsageError(
      `invalid --id "${values.id}": expected letters, digits, '.', '_' or '-', ` +
        "starting with a letter or digit (at most 128 characters)",
    );
  }
  const seed = parseIntegerFlag("seed", values.seed, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const concurrency = parseIntegerFlag("concurrency", values.concurrency, {
    min: 1,
    max: MAX_CONCURRENCY,
  });
  const shard = parseShard(values.shard);
  const maxCostUsd = parseUsd("max-cost-usd", values["max-cost-usd"]);

  return {
    ...(file === undefined ? {} : { file }),
    ...(resumeId === undefined ? {} : { resumeId }),
    out: values.out,
    ...(values.id === undefined ? {} : { id: values.id }),
    ...(seed === undefined ? {} : { seed }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    dryRun: values["dry-run"],
    json: values.json,
    retryErrors: values["retry-errors"],
    ...(shard === undefined ? {} : { shard }),
    judge: values.judge,
    pauseOnErrors: values["pause-on-errors"],
  };
}

function parseUsd(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const usd = Number(value);
  if (value.trim() === "" || !Number.isFinite(usd) || usd <= 0) {
    throw new UsageError(`invalid --${name} "${value}": expected a positive number of USD`);
  }
  return usd;
}
