/**
 * Schemas for blind pairwise comparisons and the ratings given on them.
 *
 * @module
 */
import { z } from "zod";
import { IdSchema } from "./experiment.ts";

/** Two arms' outputs for the same case, shown as left (A) and right (B). */
export const ComparisonPairSchema = z.strictObject({
  /** Stable id derived from test, case, repeat and the two arms. */
  id: IdSchema,
  test_id: IdSchema,
  case_id: z.string(),
  repeat: z.number().int().min(0),
  /** Arm shown on the left; hidden from raters until they submit. */
  arm_a: z.string(),
  /** Arm shown on the right; hidden from raters until they submit. */
  arm_b: z.string(),
  call_key_a: z.string(),
  call_key_b: z.string(),
  created_at: z.iso.datetime(),
});
export type ComparisonPair = z.infer<typeof ComparisonPairSchema>;

/** A verdict on one dimension: left better, right better, equal, or both unacceptable. */
export const ChoiceSchema = z.enum(["A", "B", "tie", "both_bad"]);
export type Choice = z.infer<typeof ChoiceSchema>;

/** One rater's verdicts on one comparison pair. */
export const RatingSchema = z.strictObject({
  comparison_id: IdSchema,
  test_id: IdSchema,
  /** A person's id, or `judge:<model>` for an LLM judge. */
  rater_id: z.string().min(1).max(200),
  /** Verdict per rating dimension id. */
  choices: z.record(z.string(), ChoiceSchema),
  overall: ChoiceSchema.optional(),
  comment: z.string().max(10_000).optional(),
  /** Client-chosen key; a repeated key stores nothing new. */
  idempotency_key: z.string().min(1).max(200),
  created_at: z.iso.datetime(),
});
export type Rating = z.infer<typeof RatingSchema>;
