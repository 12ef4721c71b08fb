/**
 * The plan `ablab run --dry-run` prints: calls and estimated cost per arm,
 * the total and the budget. Nothing is called or written.
 *
 * @module
 */
import {
  type ABTest,
  type CostEstimate,
  DEFAULT_EXPECTED_OUTPUT_TOKENS,
  estimateCost,
  type ExpectedOutput,
  expectedOutput,
  type Logger,
  type OutputLengthModel,
} from "../mod.ts";
import { formatUsd as formatReportUsd } from "../report/format.ts";

/** The output length an estimate assumes for a model and the rule that sets it. */
export type OutputLengthRule = ExpectedOutput;

/** The plan of a run, as printed and as the `--json` object. */
export interface DryRunPlan {
  dry_run: true;
  test_id: string;
  name: string;
  /** Experiment file the test came from, when it came from one. */
  source: string | null;
  mode: "factorial" | "split";
  cases: number;
  repeats: number;
  seed: number;
  concurrency: number;
  /** Estimate over the full plan of the test. */
  estimate: CostEstimate;
  /** Calls this run would make: the plan minus stored calls and other shards. */
  calls_to_run: number;
  max_cost_usd: number | null;
  /** Output length rule per arm id, in the order of `estimate.arms`. */
  output_length: Record<string, OutputLengthRule>;
}

/** Returns the output length an estimate assumes for a model and the rule that sets it. */
export function outputLengthRule(model: OutputLengthModel): OutputLengthRule {
  return expectedOutput(model);
}

/** Options for `createDryRunPlan`. */
export interface DryRunOptions {
  /** Calls this run would make; default every planned call. */
  callsToRun?: number;
  /** Concurrency of the run; default the test's. */
  concurrency?: number;
  logger?: Logger;
}

/** Estimates a test without calling anything. */
export function createDryRunPlan(test: ABTest, options: DryRunOptions = {}): DryRunPlan {
  const estimate = estimateCost(
    test,
    options.logger === undefined ? {} : { logger: options.logger },
  );
  const models = new Map(test.models.map((model) => [model.id, model]));
  const outputLength: Record<string, OutputLengthRule> = {};
  for (const arm of estimate.arms) {
    const model = models.get(arm.model_id);
    if (model !== undefined) outputLength[arm.arm_id] = outputLengthRule(model);
  }
  return {
    dry_run: true,
    test_id: test.id,
    name: test.name,
    source: test.source ?? null,
    mode: test.traffic.mode,
    cases: test.cases.length,
    repeats: test.repeats,
    seed: test.seed,
    concurrency: options.concurrency ?? test.concurrency,
    estimate,
    calls_to_run: options.callsToRun ?? estimate.calls,
    max_cost_usd: test.max_cost_usd ?? null,
    output_length: outputLength,
  };
}

/** Formats a plan as the text `--dry-run` prints. */
export function formatDryRunPlan(plan: DryRunPlan): string {
  const { estimate } = plan;
  const header = [
    "arm",
    "model",
    "output length",
    "calls",
    "prompt tokens",
    "output tokens",
    "est. cost",
  ];
  const rows = estimate.arms.map((arm) => [
    arm.arm_id,
    arm.model,
    describeRule(plan.output_length[arm.arm_id]),
    String(arm.calls),
    String(arm.prompt_tokens),
    String(arm.output_tokens),
    arm.cost_usd === null ? "unknown price" : formatUsd(arm.cost_usd),
  ]);
  const unknown = estimate.unpriced_arms.length > 0 ? " + unknown" : "";
  rows.push([
    "total",
    "",
    "",
    String(estimate.calls),
    "",
    "",
    formatUsd(estimate.cost_usd) + unknown,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length))
  );
  const line = (cells: string[]) =>
    "  " +
    cells.map((cell, column) =>
      column >= 3 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)
    ).join("  ").trimEnd();

  const lines = [
    `plan ${plan.test_id}${plan.source === null ? "" : ` (${plan.source})`}`,
    `  ${plan.mode} mode, ${plan.cases} case${plan.cases === 1 ? "" : "s"}, ` +
    `${estimate.arms.length} arm${estimate.arms.length === 1 ? "" : "s"}, ` +
    `${plan.repeats} repeat${plan.repeats === 1 ? "" : "s"}, seed ${plan.seed}, ` +
    `concurrency ${plan.concurrency}`,
    "",
    line(header),
    ...rows.map(line),
    "",
  ];
  if (plan.calls_to_run !== estimate.calls) {
    lines.push(`  this run makes ${plan.calls_to_run} of the ${estimate.calls} planned calls`);
  }
  lines.push(`  budget: ${budgetLine(plan)}`);
  lines.push(
    "  estimates count prompt tokens at about 4 characters per token. Output tokens per call:",
    "    profile     the model's profile.output_words at 1.3 tokens per word (1.5 if simulated)",
    "    simulated   the simulated provider's default words for the model name at 1.5 tokens",
    "                per word, x3.5 for reasoning models",
    `    default     ${DEFAULT_EXPECTED_OUTPUT_TOKENS}, an assumption`,
    "    max_tokens  the model's max_tokens, when it is lower than the rules above",
    "dry run: nothing was called or written",
  );
  return lines.join("\n") + "\n";
}

function describeRule(rule: OutputLengthRule | undefined): string {
  if (rule === undefined) return "";
  return `${rule.tokens}/call (${rule.rule})`;
}

function budgetLine(plan: DryRunPlan): string {
  if (plan.max_cost_usd === null) return "none (set max_cost_usd to stop a run at a cost)";
  const limit = formatUsd(plan.max_cost_usd);
  if (plan.estimate.cost_usd > plan.max_cost_usd) {
    return `${limit}; the estimate exceeds it, so the run pauses when the cost reaches ${limit}`;
  }
  if (plan.estimate.unpriced_arms.length > 0) {
    return `${limit}; the priced arms' estimate is within it, and the unpriced arms' cost is ` +
      "unknown, so the budget cannot limit them";
  }
  return `${limit}; the estimate is within it`;
}

/**
 * Formats USD with two decimals from $1 and four below, and amounts under
 * $0.001 with three significant digits, so a budget of $0.000001 does not
 * read $0.0000.
 */
export function formatUsd(usd: number): string {
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return usd === 0 || usd >= 0.001 ? `$${usd.toFixed(4)}` : formatReportUsd(usd);
}
