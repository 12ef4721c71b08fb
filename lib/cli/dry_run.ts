/**
 * The plan `ablab run --dry-run` prints: calls and estimated cost per arm,
 * the total and the budget. Nothing is called or written.
 *
 * @module
 */
import { type ABTest, type CostEstimate, estimateCost, type Logger } from "../mod.ts";

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
  };
}

/** Formats a plan as the text `--dry-run` prints. */
export function formatDryRunPlan(plan: DryRunPlan): string {
  const { estimate } = plan;
  const header = ["arm", "model", "calls", "prompt tokens", "output tokens", "est. cost"];
  const rows = estimate.arms.map((arm) => [
    arm.arm_id,
    arm.model,
    String(arm.calls),
    String(arm.prompt_tokens),
    String(arm.output_tokens),
    arm.cost_usd === null ? "unknown price" : formatUsd(arm.cost_usd),
  ]);
  const unknown = estimate.unpriced_arms.length > 0 ? " + unknown" : "";
  rows.push(["total", "", String(estimate.calls), "", "", formatUsd(estimate.cost_usd) + unknown]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length))
  );
  const line = (cells: string[]) =>
    "  " +
    cells.map((cell, column) =>
      column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)
    ).join("  ").trimEnd();

  const lines = [
    `plan ${plan.test_id}${plan.source === null ? "" : ` (${plan.source})`}`,
    `  ${plan.mode} mode, ${plan.cases} cases, ${estimate.arms.length} arms, ` +
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
    "  estimates count prompt tokens at about 4 characters per token and assume the output",
    "  length of each model's max_tokens or simulated profile (300 tokens when neither is set)",
    "dry run: nothing was called or written",
  );
  return lines.join("\n") + "\n";
}

function budgetLine(plan: DryRunPlan): string {
  if (plan.max_cost_usd === null) return "none (set max_cost_usd to stop a run at a cost)";
  const limit = formatUsd(plan.max_cost_usd);
  if (plan.estimate.cost_usd > plan.max_cost_usd) {
    return `${limit}; the estimate exceeds it, so the run pauses when the cost reaches ${limit}`;
  }
  return `${limit}; the estimate is within it`;
}

/** Formats USD with four decimals below one dollar and two above. */
export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
