/**
 * Expansion of an A/B test into planned calls, each with its deterministic
 * call key `test|arm|case|repeat`.
 *
 * @module
 */
import { renderTemplate, templateSlots } from "../config/template.ts";
import type { Message } from "../providers/provider.ts";
import type { ABTest, Arm, Case, PromptVariant } from "../schema/mod.ts";
import { callKey, listArms } from "../schema/mod.ts";
import { allocate, armWeights } from "./allocate.ts";

/** One call the engine will make. */
export interface PlannedCall {
  /** Deterministic key `test|arm|case|repeat`, the idempotency key of the call. */
  key: string;
  arm: Arm;
  testCase: Case;
  /** Repeat index, from 0. */
  repeat: number;
}

/** The calls of a test, counted up front and listed lazily. */
export interface Plan {
  /** Arms in `listArms()` order. */
  arms: Arm[];
  /** Number of planned calls. */
  total: number;
  /** Planned calls per arm id. */
  callsPerArm: Map<string, number>;
  /**
   * Lists the planned calls in a stable order: case by case, then repeat by
   * repeat, then arm by arm. Each call of the generator starts over, and a
   * call object is built only when it is reached, so a plan of a million calls
   * keeps no more than the test and one arm index per case.
   */
  calls(): Generator<PlannedCall>;
}

/**
 * Plans the calls of a test.
 *
 * In `factorial` mode every case goes to every arm, `repeats` times. In
 * `split` mode each case goes to the one arm `allocate()` assigns it from the
 * seed and the case id, `repeats` times.
 *
 * @param test The test to plan.
 * @returns The plan; iterate `plan.calls()` for the calls.
 * @throws {RangeError} When case ids repeat, a template slot has no value in
 *   a case, or the split weights are invalid.
 * @example
 * ```ts
 * const plan = createPlan(test);
 * for (const call of plan.calls()) console.log(call.key);
 * ```
 */
export function createPlan(test: ABTest): Plan {
  const arms = listArms(test);
  checkCases(test);

  // Arm index per case in split mode; every arm for every case otherwise.
  const split = test.traffic.mode === "split";
  const assigned = split
    ? allocate(test.cases.map((testCase) => testCase.id), armWeights(test), { seed: test.seed })
    : undefined;

  const callsPerArm = new Map(arms.map((arm) => [arm.id, 0]));
  if (assigned) {
    for (const armIndex of assigned) {
      const id = arms[armIndex]!.id;
      callsPerArm.set(id, callsPerArm.get(id)! + test.repeats);
    }
  } else {
    for (const arm of arms) callsPerArm.set(arm.id, test.cases.length * test.repeats);
  }
  const total = [...callsPerArm.values()].reduce((sum, n) => sum + n, 0);

  function* calls(): Generator<PlannedCall> {
    for (const [caseIndex, testCase] of test.cases.entries()) {
      const caseArms = assigned ? [arms[assigned[caseIndex]!]!] : arms;
      for (let repeat = 0; repeat < test.repeats; repeat++) {
        for (const arm of caseArms) {
          yield { key: callKey(test.id, arm.id, testCase.id, repeat), arm, testCase, repeat };
        }
      }
    }
  }

  return { arms, total, callsPerArm, calls };
}

/**
 * Renders the chat messages of a variant for a case: the system prompt, when
 * the variant has one, and the user template, with `{{ name }}` slots filled
 * from `testCase.vars`.
 *
 * @throws {RangeError} When a slot has no value in the case.
 * @throws {SyntaxError} When a template is malformed.
 */
export function renderMessages(variant: PromptVariant, testCase: Case): Message[] {
  const messages: Message[] = [];
  if (variant.system !== undefined) {
    messages.push({ role: "system", content: renderTemplate(variant.system, testCase.vars) });
  }
  messages.push({ role: "user", content: renderTemplate(variant.template, testCase.vars) });
  return messages;
}

/** Rejects repeated case ids and slots a case has no value for, before any call is made. */
function checkCases(test: ABTest): void {
  const slotsByVariant = test.variants.map((variant) => ({
    id: variant.id,
    slots: [
      ...new Set([
        ...(variant.system === undefined ? [] : templateSlots(variant.system)),
        ...templateSlots(variant.template),
      ]),
    ],
  }));

  const seen = new Set<string>();
  for (const testCase of test.cases) {
    if (seen.has(testCase.id)) {
      throw new RangeError(
        `Case id "${testCase.id}" appears more than once in test "${test.id}": ` +
          `give every case its own id`,
      );
    }
    seen.add(testCase.id);

    for (const variant of slotsByVariant) {
      for (const slot of variant.slots) {
        if (!Object.hasOwn(testCase.vars, slot)) {
          throw new RangeError(
            `Case "${testCase.id}" has no value for slot "${slot}" of variant "${variant.id}": ` +
              `add "${slot}" to the case or remove the slot`,
          );
        }
      }
    }
  }
}
