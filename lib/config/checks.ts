/**
 * Checks across fields that a schema cannot express: duplicate ids, traffic
 * weights, the judge's model and template slots.
 *
 * @module
 */
import { type Case, listArms, type ModelConfig, type PromptVariant } from "../schema/mod.ts";
import { describeValue } from "./config_error.ts";
import type { LoadedCase } from "./dataset.ts";
import { templateSlots } from "./template.ts";
import type { YamlSource } from "./yaml_source.ts";

/** Allowed gap between the weight sum and 100, for weights like 33.33. */
export const WEIGHT_SUM_TOLERANCE = 0.01;

/**
 * Reject a repeated id in a list field, naming both positions.
 *
 * @throws {ConfigError} At the second occurrence.
 */
export function checkUniqueIds(
  source: YamlSource,
  field: string,
  items: readonly { id: string }[],
): void {
  const first = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const earlier = first.get(item.id);
    if (earlier === undefined) {
      first.set(item.id, index);
      continue;
    }
    const { line } = source.locate([field, earlier, "id"]);
    throw source.error(
      [field, index, "id"],
      `duplicate id "${item.id}", already used by ${field}[${earlier}] on line ${line}; ids must be unique`,
    );
  }
}

/**
 * Reject malformed `{{` syntax in each variant's system prompt and template.
 *
 * @throws {ConfigError} At the field with the bad template.
 */
export function checkTemplateSyntax(source: YamlSource, variants: readonly PromptVariant[]): void {
  for (const [index, variant] of variants.entries()) {
    for (const field of ["system", "template"] as const) {
      const text = variant[field];
      if (text === undefined) continue;
      try {
        templateSlots(text);
      } catch (error) {
        throw source.error(
          ["variants", index, field],
          `invalid template: ${(error as Error).message}`,
        );
      }
    }
  }
}

/**
 * Check traffic weights: only in split mode, only for existing arms, percent summing to 100.
 *
 * @returns Weights for every arm, 0 for arms the file leaves out, or undefined for equal weights.
 * @throws {ConfigError} At the weights field or the bad key.
 */
export function checkTraffic(
  source: YamlSource,
  test: {
    variants: readonly PromptVariant[];
    models: readonly ModelConfig[];
    traffic: { mode: "factorial" | "split"; weights?: Record<string, number> | undefined };
  },
): Record<string, number> | undefined {
  const { weights, mode } = test.traffic;
  if (weights === undefined) return undefined;

  if (mode === "factorial") {
    throw source.error(
      ["traffic", "weights"],
      "weights apply only in split mode, because factorial mode sends every case to every arm; " +
        "set traffic.mode: split or remove weights",
      { key: true },
    );
  }

  const arms = listArms({ variants: [...test.variants], models: [...test.models] }).map((arm) =>
    arm.id
  );
  for (const key of Object.keys(weights)) {
    if (!arms.includes(key)) {
      throw source.error(
        ["traffic", "weights", key],
        `unknown arm "${key}"; arms are variant/model pairs: ${arms.join(", ")}`,
        { key: true },
      );
    }
  }

  const sum = Object.values(weights).reduce((total, weight) => total + weight, 0);
  // The epsilon keeps sums like 33.33 + 66.66, which is 99.99000000000001 in floating point, inside the tolerance.
  if (Math.abs(sum - 100) > WEIGHT_SUM_TOLERANCE + 1e-9) {
    throw source.error(
      ["traffic", "weights"],
      `weights are percent and must sum to 100 (within ${WEIGHT_SUM_TOLERANCE}), got a sum of ${
        Number(sum.toFixed(6))
      }`,
      { key: true },
    );
  }

  return Object.fromEntries(arms.map((arm) => [arm, weights[arm] ?? 0]));
}

/**
 * Check that a judge given by id names a model from `models`.
 *
 * @throws {ConfigError} At `judge.model`.
 */
export function checkJudge(
  source: YamlSource,
  judge: { model: string | ModelConfig } | undefined,
  models: readonly ModelConfig[],
): void {
  if (judge === undefined || typeof judge.model !== "string") return;
  const ids = models.map((model) => model.id);
  if (!ids.includes(judge.model)) {
    throw source.error(
      ["judge", "model"],
      `unknown model ${describeValue(judge.model)}; name one of the models (${ids.join(", ")}) ` +
        "or give a full model definition",
    );
  }
}

/**
 * Reject a case id used twice, naming both places.
 *
 * @throws {ConfigError} At the second case.
 */
export function checkUniqueCases(cases: readonly LoadedCase[]): void {
  const first = new Map<string, LoadedCase>();
  for (const loaded of cases) {
    const earlier = first.get(loaded.case.id);
    if (earlier === undefined) {
      first.set(loaded.case.id, loaded);
      continue;
    }
    const index = cases.indexOf(earlier);
    throw loaded.error(
      `duplicate case id "${loaded.case.id}", already used by dataset.cases[${index}] ` +
        `on line ${earlier.line}; ids must be unique`,
      loaded.idField,
    );
  }
}

/**
 * Check that every slot of every variant has a value in every case.
 *
 * @throws {ConfigError} At the variant's template, naming the case, the slot and how many cases lack it.
 */
export function checkSlots(
  source: YamlSource,
  variants: readonly PromptVariant[],
  cases: readonly LoadedCase[],
): void {
  for (const [index, variant] of variants.entries()) {
    for (const field of ["system", "template"] as const) {
      const text = variant[field];
      if (text === undefined) continue;
      for (const slot of templateSlots(text)) {
        const missing = cases.filter((loaded) => !Object.hasOwn(loaded.case.vars, slot));
        const firstMissing: Case | undefined = missing[0]?.case;
        if (firstMissing === undefined) continue;
        const more = missing.length > 1 ? ` (and ${missing.length - 1} more case(s))` : "";
        const fields = Object.keys(firstMissing.vars).join(", ") || "none";
        throw source.error(
          ["variants", index, field],
          `slot {{${slot}}} of variant "${variant.id}" has no value in case "${firstMissing.id}"${more}; ` +
            `the case's fields are: ${fields}`,
        );
      }
    }
  }
}
