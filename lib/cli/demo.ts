/**
 * `ablab demo`: run the shipped support-tone example on the simulated
 * provider, so a first run needs no API key.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type ABTest, DEFAULT_RUNS_DIR as DEFAULT_OUT_DIR } from "../mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { UsageError } from "./errors.ts";
import { executeRun } from "./run.ts";

/** The example the demo runs, found beside the module so it works from any folder. */
export const DEMO_EXPERIMENT = fileURLToPath(
  new URL("../../examples/support-tone.yaml", import.meta.url),
);

const USAGE = `Usage: ablab demo [--out DIR] [--json]

Runs examples/support-tone.yaml on the simulated provider (no API key, no network),
builds comparison pairs of its arms, rates them with the example's LLM judge (also
simulated: it favours the longer reply with seeded noise and does not judge content), writes
the report with win rates, the ranking and the winner analysis, and prints where the
results and the report are.

Options:
  --out DIR  folder for runs (default ${DEFAULT_OUT_DIR})
  --json     print one JSON summary on stdout and nothing else there`;

/** Sends every model of a test, the judge's included, to the simulated provider. */
export function simulateEveryModel(test: ABTest): ABTest {
  const judge = test.judge;
  return {
    ...test,
    models: test.models.map((model) => ({ ...model, provider: "simulated" as const })),
    ...(judge === undefined || typeof judge.model === "string"
      ? {}
      : { judge: { ...judge, model: { ...judge.model, provider: "simulated" as const } } }),
  };
}

/** The `demo` subcommand. */
export const demoCommand: Command = {
  summary: "run the support-tone example on the simulated provider, with judge and report",
  usage: USAGE,
  run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string", default: DEFAULT_OUT_DIR },
      json: { type: "boolean", default: false },
    }, USAGE);
    if (positionals.length > 0) {
      throw new UsageError(`unexpected arguments: ${positionals.join(" ")}\n${USAGE}`);
    }
    return executeRun(
      {
        file: DEMO_EXPERIMENT,
        out: values.out,
        dryRun: false,
        json: values.json,
        retryErrors: false,
        judge: true,
        pauseOnErrors: false,
      },
      context,
      { prepare: simulateEveryModel },
    );
  },
};
