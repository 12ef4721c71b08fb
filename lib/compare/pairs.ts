/**
 * Comparison pairs: two arms' outputs for the same case and repeat, with the
 * sides chosen from the test's seed and balanced so that each arm is shown on
 * the left about as often as on the right.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type ComparisonPair, listArms, type TestResult } from "../schema/mod.ts";
import type { ABTest } from "../schema/mod.ts";

/** Pairing strategy: every two arms, or each arm against a control arm. */
export type PairingMode = "all" | "control";

/** Options for {@linkcode buildPairs}. */
export interface BuildPairsOptions {
  /** `all` pairs every two arms; `control` pairs each arm with `control`. Default `all`. */
  mode?: PairingMode;
  /** Arm id (`variant/model`) every other arm is compared with; required in `control` mode. */
  control?: string;
  /** Pairs stored earlier; they are kept unchanged and count towards the side balance. */
  existing?: ComparisonPair[];
  /** Timestamp of new pairs. Default: now. */
  now?: Date;
}

/**
 * Build the id of the pair of two arms on one case and repeat.
 *
 * The id does not depend on which arm is on the left, so it stays the same
 * whenever pairs are rebuilt, and it does not reveal the arms to a rater.
 *
 * @returns `cmp-` followed by 24 hex digits of a SHA-256 digest.
 */
export function comparisonId(
  testId: string,
  unit: { caseId: string; repeat: number; arms: [string, string] },
): string {
  const [first, second] = [...unit.arms].sort();
  const digest = sha256Hex(`${testId}\n${unit.caseId}\n${unit.repeat}\n${first}\n${second}`);
  return `cmp-${digest.slice(0, 24)}`;
}

/**
 * Build the comparison pairs for every case and repeat where two arms both
 * have a successful result.
 *
 * Sides are balanced per arm pair: units are visited in an order drawn from
 * the test's seed, and each new pair puts on the left the arm that has been
 * there less often so far (a seeded coin decides a tie). Existing pairs are
 * returned unchanged, so a pair that someone already rated never flips.
 *
 * @param test The test whose arms are paired.
 * @param results Stored results; failed calls are skipped.
 * @returns Existing and new pairs, sorted by case, repeat and id.
 * @throws {RangeError} When `control` mode lacks a control arm or names an arm the test lacks.
 *
 * @example
 * ```ts
 * const pairs = buildPairs(test, await store.readResults(test.id), { mode: "all" });
 * await store.putComparisons(test.id, pairs);
 * ```
 */
export function buildPairs(
  test: ABTest,
  results: TestResult[],
  options: BuildPairsOptions = {},
): ComparisonPair[] {
  const mode = options.mode ?? "all";
  const armIds = listArms(test).map((arm) => arm.id);
  const armPairs = selectArmPairs(armIds, mode, options.control);
  const createdAt = (options.now ?? new Date()).toISOString();

  // Successful results by unit (case and repeat), then by arm.
  const byUnit = new Map<string, Map<string, TestResult>>();
  for (const result of results) {
    if (result.test_id !== test.id || result.error_class !== null || result.output === null) {
      continue;
    }
    const unitKey = `${result.case_id}\n${result.repeat}`;
    const arms = byUnit.get(unitKey) ?? new Map<string, TestResult>();
    arms.set(result.arm_id, result);
    byUnit.set(unitKey, arms);
  }

  const pairs = new Map<string, ComparisonPair>();
  for (const pair of options.existing ?? []) pairs.set(pair.id, pair);

  for (const [first, second] of armPairs) {
    // Left counts so far for this arm pair, existing pairs included.
    const left = new Map<string, number>([[first, 0], [second, 0]]);
    for (const pair of pairs.values()) {
      if (samePair(pair, first, second)) left.set(pair.arm_a, (left.get(pair.arm_a) ?? 0) + 1);
    }

    const units: { caseId: string; repeat: number; a: TestResult; b: TestResult; order: string }[] =
      [];
    for (const arms of byUnit.values()) {
      const a = arms.get(first);
      const b = arms.get(second);
      if (a === undefined || b === undefined) continue;
      const order = sha256Hex(`${test.seed}\n${a.case_id}\n${a.repeat}\n${first}\n${second}`);
      units.push({ caseId: a.case_id, repeat: a.repeat, a, b, order });
    }
    units.sort((x, y) => compareStrings(x.order, y.order));

    for (const unit of units) {
      const id = comparisonId(test.id, {
        caseId: unit.caseId,
        repeat: unit.repeat,
        arms: [first, second],
      });
      if (pairs.has(id)) continue;

      const firstLeft = left.get(first) ?? 0;
      const secondLeft = left.get(second) ?? 0;
      const coin = Number.parseInt(unit.order.slice(-1), 16) % 2 === 0;
      const putFirstLeft = firstLeft === secondLeft ? coin : firstLeft < secondLeft;
      const [shownLeft, shownRight] = putFirstLeft ? [unit.a, unit.b] : [unit.b, unit.a];
      left.set(shownLeft.arm_id, (left.get(shownLeft.arm_id) ?? 0) + 1);

      pairs.set(id, {
        id,
        test_id: test.id,
        case_id: unit.caseId,
        repeat: unit.repeat,
        arm_a: shownLeft.arm_id,
        arm_b: shownRight.arm_id,
        call_key_a: shownLeft.call_key,
        call_key_b: shownRight.call_key,
        created_at: createdAt,
      });
    }
  }

  return [...pairs.values()].sort(comparePairs);
}

/** List the unordered arm pairs a mode compares, each as `[first, second]`. */
function selectArmPairs(
  armIds: string[],
  mode: PairingMode,
  control: string | undefined,
): [string, string][] {
  if (mode === "control") {
    if (control === undefined) {
      throw new RangeError("Cannot pair against a control: no control arm given; pass `control`");
    }
    if (!armIds.includes(control)) {
      throw new RangeError(
        `Cannot pair against control arm "${control}": the test has no such arm; use one of ${
          armIds.join(", ")
        }`,
      );
    }
    return armIds.filter((id) => id !== control).map((id) => [control, id]);
  }
  if (mode !== "all") {
    throw new RangeError(`Invalid pairing mode "${String(mode)}": use "all" or "control"`);
  }

  const armPairs: [string, string][] = [];
  for (let i = 0; i < armIds.length; i++) {
    for (let j = i + 1; j < armIds.length; j++) armPairs.push([armIds[i]!, armIds[j]!]);
  }
  return armPairs;
}

function samePair(pair: ComparisonPair, first: string, second: string): boolean {
  return (pair.arm_a === first && pair.arm_b === second) ||
    (pair.arm_a === second && pair.arm_b === first);
}

function comparePairs(x: ComparisonPair, y: ComparisonPair): number {
  if (x.case_id !== y.case_id) return x.case_id < y.case_id ? -1 : 1;
  if (x.repeat !== y.repeat) return x.repeat - y.repeat;
  return compareStrings(x.id, y.id);
}

function compareStrings(x: string, y: string): number {
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
