/**
 * Builds the report JSON of a test from its per-arm metrics: a summary, the
 * metrics table data, and a cost and latency analysis. The analysis names the
 * arm ahead by point estimate but no winner, because no significance test is
 * run here. The statistics layer adds tested winners and its own sections
 * through {@linkcode ReportAdditions}.
 *
 * @module
 */
import { z } from "zod";
import {
  type ABTest,
  type ABTestReport,
  ABTestReportSchema,
  type AggregateMetrics,
  type ArmErrorSummary,
  IdSchema,
  listArms,
  REPORT_SCHEMA_VERSION,
  type TestState,
  type Winner,
} from "../schema/mod.ts";
import { byArmId } from "../stats/aggregate.ts";
import { QUANTILE_METHOD } from "../stats/quantile.ts";
import { formatCount, formatMs, formatPercent, formatUsd } from "./format.ts";
import { unknownCostNote, unknownCostOf } from "./unknown_cost.ts";

/** An extra report section, such as rating statistics or the sample ratio check. */
export const ReportSectionSchema = z.strictObject({
  /** Stable id, for links and for replacing a section. */
  id: IdSchema,
  title: z.string().min(1),
  /** Section body in Markdown, rendered under the title. */
  markdown: z.string(),
  /** Machine-readable data behind the section. */
  data: z.unknown().optional(),
});
export type ReportSection = z.infer<typeof ReportSectionSchema>;

/** Winners, sections and rating data another layer adds to a report. */
export interface ReportAdditions {
  /** Verdicts that replace the descriptive one of the same metric. */
  winners?: Winner[];
  /** Sections rendered after the built-in ones; a later section replaces one with the same id. */
  sections?: ReportSection[];
  /** Data of the `ratings` field. */
  ratings?: unknown;
}

/** Options for {@linkcode buildReport}. */
export interface BuildReportOptions extends ReportAdditions {
  /** Time stamp of the report as ISO 8601. Default: now. */
  generatedAt?: string;
  /** Ratings stored for the test. Default 0, which the report states as "no ratings yet". */
  ratingCount?: number;
  /** Ratings the statistics count: each rater's latest of each pair. Default: `ratingCount`. */
  countedRatingCount?: number;
  /** Failed calls per arm from `summarizeErrors`, stored as `errors`. Default: no `errors` field. */
  errors?: readonly ArmErrorSummary[];
}

/** The report as built here: the schema's fields plus sections and the rating count. */
export type Report = ABTestReport & { sections: ReportSection[]; rating_count: number };

/** Statement used whenever a figure is only a point estimate. */
const DESCRIPTIVE_NOTE = "Descriptive only: no significance test was run, so no winner is named.";

/**
 * Build and validate the report of a test.
 *
 * @param test The test definition.
 * @param state Its current state.
 * @param metrics Per-arm metrics from `aggregateResults`.
 * @param options Time stamp, rating count, and additions from other layers.
 * @returns A report that passes `ABTestReportSchema`.
 * @throws {TypeError} When `state` or a metric belongs to another test's arms.
 * @example
 * ```ts
 * const report = buildReport(test, state, metrics, { ratingCount: 0 });
 * ```
 */
export function buildReport(
  test: ABTest,
  state: TestState,
  metrics: readonly AggregateMetrics[],
  options: BuildReportOptions = {},
): Report {
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const ratingCount = options.ratingCount ?? 0;
  const countedRatingCount = options.countedRatingCount ?? ratingCount;

  if (state.test_id !== test.id) {
    throw new TypeError(`Invalid state for test "${test.id}": its test_id is "${state.test_id}"`);
  }
  if (!Number.isInteger(ratingCount) || ratingCount < 0) {
    throw new RangeError(`Invalid ratingCount ${ratingCount}: expected a non-negative integer`);
  }
  if (
    !Number.isInteger(countedRatingCount) || countedRatingCount < 0 ||
    countedRatingCount > ratingCount
  ) {
    throw new RangeError(
      `Invalid countedRatingCount ${countedRatingCount}: expected an integer from 0 to ratingCount ${ratingCount}`,
    );
  }

  const arms = inTestOrder(test, metrics);
  const simulated = arms.some((arm) => arm.simulated_n > 0);
  const descriptive = [
    qualityWinner(ratingCount),
    costWinner(arms),
    latencyWinner(arms),
  ];
  const winners = descriptive.map((winner) =>
    options.winners?.findLast((added) => added.metric === winner.metric) ?? winner
  );

  const report: Report = {
    schema_version: REPORT_SCHEMA_VERSION,
    test_id: test.id,
    name: test.name,
    status: state.status,
    generated_at: generatedAt,
    simulated,
    quantile_method: QUANTILE_METHOD,
    summary: summarize(test, state, arms, { stored: ratingCount, counted: countedRatingCount }),
    arms,
    winners,
    ...(options.ratings === undefined ? {} : { ratings: options.ratings }),
    ...(options.errors === undefined ? {} : { errors: inTestOrder(test, options.errors) }),
    rating_count: ratingCount,
    sections: mergeSections(options.sections ?? []),
  };
  // Return exactly what report.json will contain: JSON turns NaN and
  // Infinity into null and drops undefined fields in added section data.
  const json = JSON.parse(JSON.stringify(report)) as Report;
  ABTestReportSchema.parse(json);
  z.array(ReportSectionSchema).parse(json.sections);
  return json;
}

/**
 * Orders per-arm entries like `listArms(test)`, the order of every other
 * report table, with arms the test does not list after them by id.
 */
function inTestOrder<T extends { arm_id: string }>(test: ABTest, entries: readonly T[]): T[] {
  const position = new Map(listArms(test).map((arm, k) => [arm.id, k]));
  const rank = (entry: T) => position.get(entry.arm_id) ?? position.size;
  return [...entries].sort((a, b) => rank(a) - rank(b) || byArmId(a, b));
}

function summarize(
  test: ABTest,
  state: TestState,
  arms: readonly AggregateMetrics[],
  ratings: { stored: number; counted: number },
): string {
  const calls = arms.reduce((sum, arm) => sum + arm.n, 0);
  const errors = arms.reduce((sum, arm) => sum + arm.errors, 0);
  const simulatedCalls = arms.reduce((sum, arm) => sum + arm.simulated_n, 0);
  const withData = arms.filter((arm) => arm.n > 0).length;

  const sentences = [
    `Test "${test.name}" (${test.id}) has status ${state.status}.`,
    calls === 0
      ? `No results are stored yet for its ${arms.length} arms.`
      : `${formatCount(calls)} calls across ${withData} of ${arms.length} arms have stored ` +
        `results, ${formatCount(errors)} of them errors (${formatPercent(errors / calls)}).`,
  ];
  if (simulatedCalls === calls && calls > 0) {
    sentences.push(
      "All results are simulated: they come from the simulated provider and do not describe real models.",
    );
  } else if (simulatedCalls > 0) {
    sentences.push(
      `${formatCount(simulatedCalls)} of the calls are simulated and marked as such.`,
    );
  }
  const replaced = ratings.stored - ratings.counted;
  sentences.push(
    ratings.stored === 0
      ? "No ratings yet, so quality has not been compared."
      : replaced === 0
      ? `${formatCount(ratings.stored)} ratings are stored and counted.`
      : `${formatCount(ratings.stored)} ratings are stored: ${formatCount(ratings.counted)} ` +
        `are counted and ${formatCount(replaced)} were replaced by the same rater's later ` +
        "rating of the same pair.",
  );
  return sentences.join(" ");
}

function qualityWinner(ratingCount: number): Winner {
  const statement = ratingCount === 0
    ? "No ratings yet, so no quality comparison is possible. Collect pairwise ratings first."
    : `${formatCount(ratingCount)} ratings are stored, but this report has no quality ` +
      "analysis: add the rating statistics to compare arms on quality.";
  return { metric: "quality", arm_id: null, leader: null, statement };
}

/** Name the arm(s) with the lowest value of a metric, as a point estimate. */
function describeLowest(
  metric: "cost" | "latency",
  candidates: readonly AggregateMetrics[],
  value: (arm: AggregateMetrics) => number,
  describe: (arm: AggregateMetrics) => string,
  /** Noun phrase for the compared value, such as "median latency". */
  label: string,
  method: string,
): Winner {
  const base = { metric, arm_id: null, p_value: null, method };
  if (candidates.length === 0) {
    return { ...base, leader: null, statement: `No ${metric} comparison: no arm has a ${label}.` };
  }
  if (candidates.length === 1) {
    const only = candidates[0]!;
    return {
      ...base,
      leader: only.arm_id,
      statement: `Only "${only.arm_id}" has a ${label} (${describe(only)}), so there is nothing ` +
        "to compare it with.",
    };
  }

  const sorted = [...candidates].sort((a, b) => value(a) - value(b));
  const best = value(sorted[0]!);
  const tied = sorted.filter((arm) => value(arm) === best);
  if (tied.length > 1) {
    const names = tied.map((arm) => `"${arm.arm_id}"`).join(", ");
    return {
      ...base,
      leader: null,
      statement: `${names} tie for the lowest ${label} (${
        describe(tied[0]!)
      }). ${DESCRIPTIVE_NOTE}`,
    };
  }
  const [first, second] = sorted as [AggregateMetrics, AggregateMetrics];
  return {
    ...base,
    leader: first.arm_id,
    statement: `"${first.arm_id}" has the lowest ${label} (${describe(first)}), ahead of ` +
      `"${second.arm_id}" (${describe(second)}). ${DESCRIPTIVE_NOTE}`,
  };
}

function costWinner(arms: readonly AggregateMetrics[]): Winner {
  // An arm with calls of unknown cost could be cheaper or dearer than its
  // known mean, so only arms with every cost known are compared.
  const candidates = arms.filter((arm) =>
    arm.cost_per_1k_calls_usd !== null && arm.cost_unknown_n === 0
  );
  const winner = describeLowest(
    "cost",
    candidates,
    (arm) => arm.cost_per_1k_calls_usd!,
    (arm) => `${formatUsd(arm.cost_per_1k_calls_usd)} per 1,000 calls${simulatedTag(arm)}`,
    "known cost per call",
    "descriptive: lowest mean known cost per call",
  );
  const skipped = arms.filter((arm) => arm.cost_unknown_n > 0);
  if (skipped.length > 0) {
    winner.statement += ` ${unknownCostNote(skipped.map(unknownCostOf))}`;
  }
  return winner;
}

function latencyWinner(arms: readonly AggregateMetrics[]): Winner {
  return describeLowest(
    "latency",
    arms.filter((arm) => arm.latency_p50_ms !== null),
    (arm) => arm.latency_p50_ms!,
    (arm) => `p50 ${formatMs(arm.latency_p50_ms)}, n=${arm.latency_n}${simulatedTag(arm)}`,
    "median latency",
    "descriptive: lowest median (p50) latency",
  );
}

/** Marks a figure that comes, at least in part, from simulated calls. */
export function simulatedTag(arm: AggregateMetrics): string {
  if (arm.simulated_n === 0) return "";
  return arm.simulated_n === arm.n ? ", simulated" : `, ${arm.simulated_n} of ${arm.n} simulated`;
}

function mergeSections(sections: readonly ReportSection[]): ReportSection[] {
  const byId = new Map<string, ReportSection>();
  for (const section of sections) byId.set(section.id, section);
  return [...byId.values()];
}
