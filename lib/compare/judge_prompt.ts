/**
 * Judge prompts and verdicts: the messages for one presentation order, the
 * strict JSON verdict parser, the combination of the two orders, and the
 * comment that keeps both raw verdicts with the rating.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Message } from "../providers/provider.ts";
import { type Choice, ChoiceSchema, type RatingDimension } from "../schema/mod.ts";

/** A verdict per dimension id. */
export type Verdict = Record<string, Choice>;

/** The judge's raw verdicts on both presentation orders, each in that order's own terms. */
export interface JudgeOrders {
  /** Verdict with the pair's arm_a shown as A. */
  ab: Verdict;
  /** Verdict with the pair's arm_b shown as A. */
  ba: Verdict;
  /** Cost of both calls in USD; null when the judge model has no price. */
  cost_usd?: number | null;
}

/** Inputs of the judge prompt for one presentation order. */
export interface JudgeInput {
  rubric: string;
  dimensions: readonly RatingDimension[];
  /** The case's template variables. */
  vars: Record<string, string>;
  /** Output shown as A. */
  a: string;
  /** Output shown as B. */
  b: string;
}

/** Build the system and user messages for one presentation order. */
export function buildJudgeMessages(input: JudgeInput): Message[] {
  const dimensions = input.dimensions
    .map((dimension) =>
      dimension.description === undefined
        ? `- ${dimension.id}`
        : `- ${dimension.id}: ${dimension.description}`
    )
    .join("\n");
  const example = JSON.stringify(
    Object.fromEntries(input.dimensions.map((dimension) => [dimension.id, "A"])),
  );
  const system = [
    input.rubric.trim(),
    "",
    "Compare response A with response B on each of these dimensions:",
    dimensions,
    "",
    'For each dimension choose "A" (A is better), "B" (B is better), "tie" (equally good) or',
    '"both_bad" (neither is acceptable). Answer with only a JSON object that maps every',
    `dimension id to its choice, for example ${example}. Write nothing else.`,
  ].join("\n");

  const vars = Object.entries(input.vars).map(([name, value]) => `${name}: ${value}`).join("\n");
  const user = [
    "Input:",
    vars === "" ? "(none)" : vars,
    "",
    "Response A:",
    "<<<",
    input.a,
    ">>>",
    "",
    "Response B:",
    "<<<",
    input.b,
    ">>>",
  ].join("\n");

  return [{ role: "system", content: system }, { role: "user", content: user }];
}

/**
 * Parse a judge's output: a JSON object with a choice for every dimension.
 * A Markdown code fence around the object is accepted; keys other than the
 * dimension ids (a `reason`, say) are ignored.
 *
 * @throws {SyntaxError} When the response is not such an object or a dimension is missing or invalid.
 */
export function parseVerdict(text: string, dimensions: readonly RatingDimension[]): Verdict {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(text.trim());
  const body = fenced?.[1] ?? text.trim();

  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new SyntaxError(`invalid judge verdict: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SyntaxError("invalid judge verdict: expected a JSON object of dimension choices");
  }

  const verdict: Verdict = {};
  for (const dimension of dimensions) {
    const choice = ChoiceSchema.safeParse((value as Record<string, unknown>)[dimension.id]);
    if (!choice.success) {
      throw new SyntaxError(
        `invalid judge verdict: dimension "${dimension.id}" must be "A", "B", "tie" or "both_bad"`,
      );
    }
    verdict[dimension.id] = choice.data;
  }
  return verdict;
}

/**
 * Combine the verdicts of both presentation orders into one verdict in the
 * pair's terms (A is arm_a). Where the two orders disagree once the sides are
 * swapped back, the dimension counts as a tie.
 *
 * @returns The combined verdict and the dimensions whose orders disagreed.
 */
export function combineOrders(orders: JudgeOrders): { verdict: Verdict; inconsistent: string[] } {
  const verdict: Verdict = {};
  const inconsistent: string[] = [];
  for (const [dimension, first] of Object.entries(orders.ab)) {
    const second = swapSides(orders.ba[dimension]);
    if (second === first) {
      verdict[dimension] = first;
    } else {
      verdict[dimension] = "tie";
      inconsistent.push(dimension);
    }
  }
  return { verdict, inconsistent };
}

/** Encode both raw verdicts as a rating comment. */
export function formatJudgeComment(orders: JudgeOrders): string {
  return JSON.stringify({ judge_orders: orders });
}

/** Decode a comment made by {@linkcode formatJudgeComment}; undefined for any other text. */
export function parseJudgeComment(comment: string | undefined): JudgeOrders | undefined {
  if (comment === undefined || !comment.startsWith('{"judge_orders"')) return undefined;
  try {
    const orders = (JSON.parse(comment) as { judge_orders?: JudgeOrders }).judge_orders;
    if (typeof orders?.ab !== "object" || typeof orders?.ba !== "object") return undefined;
    return orders;
  } catch {
    return undefined;
  }
}

/**
 * Derive a verdict for the simulated provider, whose output is filler text
 * and never a verdict. SIMULATED: the verdict favours the longer response on
 * every dimension, with seeded noise and a tie band, and depends only on the
 * two texts, so it is deterministic for a seed and the same in both orders.
 */
export function simulatedVerdict(
  input: JudgeInput,
  options: { seed: number },
): Verdict {
  const verdict: Verdict = {};
  for (const dimension of input.dimensions) {
    const a = simulatedScore(input.a, dimension.id, options.seed);
    const b = simulatedScore(input.b, dimension.id, options.seed);
    if (Math.abs(a - b) < 0.1) {
      verdict[dimension.id] = Math.max(a, b) < 0.5 ? "both_bad" : "tie";
    } else {
      verdict[dimension.id] = a > b ? "A" : "B";
    }
  }
  return verdict;
}

function simulatedScore(text: string, dimension: string, seed: number): number {
  const words = text.split(/\s+/).filter((word) => word !== "").length;
  const digest = createHash("sha256").update(`${seed}\n${dimension}\n${text}`).digest();
  const noise = digest.readUInt32BE(0) / 2 ** 32 - 0.5;
  return Math.log1p(words) / 3 + noise;
}

function swapSides(choice: Choice | undefined): Choice | undefined {
  if (choice === "A") return "B";
  if (choice === "B") return "A";
  return choice;
}
