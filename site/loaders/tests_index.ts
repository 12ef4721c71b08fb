/**
 * Rows of the tests index page: one per stored test, with its status, arms,
 * calls, cost, last activity and winner.
 *
 * @module
 */
import {
  type ABTest,
  type ABTestReport,
  type AggregateMetrics,
  listArms,
  type Rating,
  summarizeJudges,
  type TestState,
  type TestStatus,
} from "../../lib/mod.ts";

/** One test's row on the index page. */
export interface TestIndexRow {
  id: string;
  name: string;
  status: TestStatus;
  /** Arm ids, `variant/model`. */
  arms: string[];
  /** Calls with a stored result. */
  calls: number;
  /** Calls the test plans: cases x repeats, times arms in factorial mode. */
  planned_calls: number;
  errors: number;
  /** Sum of known costs of the test's model calls in USD; null when no call has a known cost. */
  cost_usd: number | null;
  /** Sum of known LLM judge costs in USD; null when no judge rated the test. */
  judge_cost_usd: number | null;
  /** Judge ratings whose cost is unknown, so `judge_cost_usd` is a lower bound when above 0. */
  judge_cost_unknown: number;
  /** Time of the last status change, ISO 8601. */
  last_change_at: string;
  /** Winning arm per metric from the stored report; empty when no report names one. */
  winners: { metric: string; arm_id: string }[];
  /** True when any result came from the simulated provider. */
  simulated: boolean;
  has_report: boolean;
}

/** Everything the index needs about one test. */
export interface TestIndexInput {
  test: ABTest;
  state: TestState;
  metrics: AggregateMetrics[];
  report: ABTestReport | undefined;
  /** Stored ratings, for the LLM judge's cost. Default: none. */
  ratings?: readonly Rating[];
}

/** Counts the calls a test plans, before any result exists. */
export function plannedCalls(test: ABTest): number {
  const perCase = test.traffic.mode === "factorial" ? listArms(test).length : 1;
  return test.cases.length * test.repeats * perCase;
}

/** Builds the index row of one test. */
export function buildIndexRow(input: TestIndexInput): TestIndexRow {
  const { test, state, metrics, report } = input;
  // Every stored judge rating was paid for, including ones a later rating replaced.
  const judges = summarizeJudges(input.ratings ?? []);
  const last = state.history[state.history.length - 1];
  const winners = (report?.winners ?? [])
    .filter((winner) => winner.arm_id !== null)
    .map((winner) => ({ metric: winner.metric, arm_id: winner.arm_id as string }));

  return {
    id: test.id,
    name: test.name,
    status: state.status,
    arms: listArms(test).map((arm) => arm.id),
    calls: sum(metrics, (m) => m.n),
    planned_calls: plannedCalls(test),
    errors: sum(metrics, (m) => m.errors),
    cost_usd: metrics.some((m) => m.cost_usd_total !== null)
      ? sum(metrics, (m) => m.cost_usd_total ?? 0)
      : null,
    judge_cost_usd: judges.length === 0 ? null : sum(judges, (judge) => judge.cost_usd),
    judge_cost_unknown: sum(judges, (judge) => judge.cost_unknown_pairs),
    last_change_at: last?.at ?? test.created_at ?? "",
    winners,
    simulated: metrics.some((m) => m.simulated_n > 0),
    has_report: report !== undefined,
  };
}

/** Sorts index rows with the most recently changed test first. */
export function sortIndexRows(rows: TestIndexRow[]): TestIndexRow[] {
  return [...rows].sort((a, b) =>
    b.last_change_at.localeCompare(a.last_change_at) || a.id.localeCompare(b.id)
  );
}

function sum<T>(rows: readonly T[], value: (row: T) => number): number {
  let total = 0;
  for (const row of rows) total += value(row);
  return total;
}
