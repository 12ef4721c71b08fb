/**
 * Schema of `report.json`. Later sections (ratings, rankings, SRM) are
 * optional so that a report made before any rating is still valid.
 *
 * @module
 */
import { z } from "zod";
import { AggregateMetricsSchema } from "./result.ts";
import { TestStatusSchema } from "./status.ts";

/** Bumped when a field changes meaning or is removed; adding optional fields keeps it. */
export const REPORT_SCHEMA_VERSION = "1.0.0";

/** A winner for one metric, or the reason there is none. */
export const WinnerSchema = z.strictObject({
  metric: z.enum(["quality", "cost", "latency"]),
  /** Winning arm id; null when the evidence does not support one. */
  arm_id: z.string().nullable(),
  /** One sentence a reader can quote. */
  statement: z.string(),
  /** Corrected p-value behind the verdict, when a test was run. */
  p_value: z.number().min(0).max(1).nullable().optional(),
  method: z.string().optional(),
  /** Arm ahead by point estimate, named even when `arm_id` is null for lack of evidence. */
  leader: z.string().nullable().optional(),
});
export type Winner = z.infer<typeof WinnerSchema>;

const callCount = z.number().int().min(0);

/** One error class and message, with the number of failed calls that stored it. */
export const ErrorCountSchema = z.strictObject({
  error_class: z.string(),
  /** The message in full, as stored; null when the call stored none. */
  error_message: z.string().nullable(),
  n: callCount,
});
export type ErrorCount = z.infer<typeof ErrorCountSchema>;

/** The failed calls of one arm, one per call key, grouped by error class and message. */
export const ArmErrorSummarySchema = z.strictObject({
  arm_id: z.string(),
  /** Failed calls. */
  errors: callCount,
  /** The most frequent class and message pairs, most calls first. */
  most_frequent: z.array(ErrorCountSchema),
  /** Failed calls outside `most_frequent`. */
  other_n: callCount,
  /** Distinct class and message pairs outside `most_frequent`. */
  other_kinds: callCount,
});
export type ArmErrorSummary = z.infer<typeof ArmErrorSummarySchema>;

/** The report for one test. */
export const ABTestReportSchema = z.looseObject({
  schema_version: z.literal(REPORT_SCHEMA_VERSION),
  test_id: z.string(),
  name: z.string(),
  status: TestStatusSchema,
  generated_at: z.iso.datetime(),
  /** True when any result came from the simulated provider. */
  simulated: z.boolean(),
  /** Quantile method used for every percentile in the report. */
  quantile_method: z.string(),
  summary: z.string(),
  arms: z.array(AggregateMetricsSchema),
  winners: z.array(WinnerSchema),
  /** Rating sections; absent until ratings exist. */
  ratings: z.unknown().optional(),
  /**
   * Arms with failed calls, in the order of `arms`. Empty when no call
   * failed, and absent in reports made before the field existed.
   */
  errors: z.array(ArmErrorSummarySchema).optional(),
});
export type ABTestReport = z.infer<typeof ABTestReportSchema>;
