/**
 * Statements about calls of unknown cost. Each names the cause: the model has
 * no price, or the provider reported no token usage, so no price applies.
 *
 * @module
 */
import type { AggregateMetrics } from "../schema/mod.ts";
import { formatCount } from "./format.ts";

/** One arm's successful calls of unknown cost, split by cause. */
export interface UnknownCost {
  arm_id: string;
  /** Successful calls. */
  successful: number;
  /** Successful calls of unknown cost. */
  unknown: number;
  /** Calls among `unknown` without a prompt or completion token count. */
  no_usage: number;
}

/** Reads an arm's unknown-cost counts from its metrics. */
export function unknownCostOf(arm: AggregateMetrics): UnknownCost {
  return {
    arm_id: arm.arm_id,
    successful: arm.n - arm.errors,
    unknown: arm.cost_unknown_n,
    no_usage: arm.cost_no_usage_n ?? 0,
  };
}

/**
 * Names the arms left out of a cost comparison because some or all of their
 * calls have an unknown cost, with the cause of each.
 */
export function unknownCostNote(arms: readonly UnknownCost[]): string {
  const names = arms.map((arm) => `"${arm.arm_id}" (${describeCauses(arm)})`);
  return "Left out of the cost comparison because their cost is unknown or partial: " +
    `${names.join(", ")}.`;
}

/** Describes the causes, such as "5 of 98 successful calls without a price and 2 without token usage". */
function describeCauses(arm: UnknownCost): string {
  const unpriced = arm.unknown - arm.no_usage;
  const ofSuccessful = `of ${formatCount(arm.successful)} successful calls`;
  if (arm.no_usage === 0) return `${formatCount(unpriced)} ${ofSuccessful} without a price`;
  if (unpriced === 0) return `${formatCount(arm.no_usage)} ${ofSuccessful} without token usage`;
  return `${formatCount(unpriced)} ${ofSuccessful} without a price and ${
    formatCount(arm.no_usage)
  } ` +
    "without token usage";
}
