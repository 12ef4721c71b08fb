/**
 * Lifecycle states of a test and the record of its transitions.
 *
 * @module
 */
import { z } from "zod";
import { IdSchema } from "./experiment.ts";

/** `draft -> running <-> paused -> completed`, and `failed` from draft, running or paused. */
export const TestStatusSchema = z.enum(["draft", "running", "paused", "completed", "failed"]);
export type TestStatus = z.infer<typeof TestStatusSchema>;

/** One transition in a test's history. */
export const StatusChangeSchema = z.strictObject({
  status: TestStatusSchema,
  at: z.iso.datetime(),
  /** Reason for the change, for example `interrupted` or `budget reached`. */
  reason: z.string().optional(),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

/** Current status of a test and every change that led to it. */
export const TestStateSchema = z.strictObject({
  test_id: IdSchema,
  status: TestStatusSchema,
  history: z.array(StatusChangeSchema).min(1),
});
export type TestState = z.infer<typeof TestStateSchema>;
