/**
 * Conversion of zod validation issues into {@linkcode ConfigError}s that state
 * what is allowed and the value found, at the YAML position of the field.
 *
 * @module
 */
import type { z } from "zod";
import { type ConfigError, describeValue } from "./config_error.ts";
import type { YamlSource } from "./yaml_source.ts";

/** The parts of a zod 4 schema definition this module reads. */
interface SchemaDef {
  type: string;
  innerType?: SchemaLike;
  shape?: Record<string, SchemaLike>;
  element?: SchemaLike;
  valueType?: SchemaLike;
  options?: SchemaLike[];
  entries?: Record<string, string | number>;
  checks?: {
    _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string } };
  }[];
  format?: string;
}

/** A zod schema seen through its definition. */
interface SchemaLike {
  _zod: { def: SchemaDef };
}

/** Strip optional, default and nullable wrappers. */
function unwrap(schema: SchemaLike | undefined): SchemaLike | undefined {
  let current = schema;
  while (current !== undefined) {
    const def = current._zod.def;
    if (["optional", "default", "nullable", "prefault", "readonly"].includes(def.type)) {
      current = def.innerType;
    } else {
      return current;
    }
  }
  return current;
}

/** Find the schema of the value at a path, or undefined where the path leaves the schema. */
export function schemaAt(schema: SchemaLike, path: readonly PropertyKey[]): SchemaLike | undefined {
  let current: SchemaLike | undefined = schema;
  for (const step of path) {
    let def: SchemaDef | undefined = unwrap(current)?._zod.def;
    if (def?.type === "union") {
      // Follow the first branch that can hold the step, such as the model
      // definition in a judge's "model id or model definition".
      def = (def.options ?? []).map((option) => unwrap(option)?._zod.def).find((branch) =>
        branch !== undefined &&
        (typeof step === "number"
          ? branch.type === "array"
          : branch.type === "object" || branch.type === "record")
      );
    }
    if (def === undefined) return undefined;
    if (def.type === "object") current = def.shape?.[String(step)];
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return undefined;
  }
  return current;
}

/** Field names an object schema allows. */
export function allowedFields(schema: SchemaLike | undefined): string[] {
  const def = unwrap(schema)?._zod.def;
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

/** Describe a number schema's range, for example `a number from 0 to 2`. */
function describeNumber(def: SchemaDef): string {
  let integer = false;
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  for (const check of def.checks ?? []) {
    const { check: kind, value, inclusive, format } = check._zod.def;
    if (kind === "number_format" && format !== undefined && format.includes("int")) integer = true;
    if (kind === "greater_than" && value !== undefined) {
      min = { value, inclusive: inclusive ?? true };
    }
    if (kind === "less_than" && value !== undefined) max = { value, inclusive: inclusive ?? true };
  }

  const noun = integer ? "an integer" : "a number";
  if (min !== undefined && max !== undefined && min.inclusive && max.inclusive) {
    return `${noun} from ${min.value} to ${max.value}`;
  }
  const parts: string[] = [];
  if (min !== undefined) {
    parts.push(min.inclusive ? `of at least ${min.value}` : `greater than ${min.value}`);
  }
  if (max !== undefined) {
    parts.push(max.inclusive ? `at most ${max.value}` : `less than ${max.value}`);
  }
  return parts.length === 0 ? noun : `${noun} ${parts.join(" and ")}`;
}

/** Describe what a schema accepts in a few words. */
export function describeSchema(schema: SchemaLike | undefined): string {
  const inner = unwrap(schema);
  if (inner === undefined) return "a valid value";
  const def = inner._zod.def;
  switch (def.type) {
    case "number":
      return describeNumber(def);
    case "string":
      return def.format === "url" ? "a URL" : "a string";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a mapping";
    case "enum":
      return `one of ${Object.values(def.entries ?? {}).join(", ")}`;
    case "union":
      return (def.options ?? []).map(describeSchema).join(" or ");
    default:
      return `a ${def.type}`;
  }
}

/** Read the value at a path of plain data. */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[step as string];
  }
  return current;
}

/** Edit distance, for "did you mean" hints on unknown fields. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(row[j - 1]! + 1, previous[j]! + 1, previous[j - 1]! + cost));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** Suggests the allowed value a string is closest to: the same letters in another case, or at most two edits away. */
function closestValueHint(value: unknown, allowed: readonly string[]): string {
  if (typeof value !== "string") return "";
  const lower = value.toLowerCase();
  const closest = allowed
    .map((candidate) => ({ candidate, cost: distance(lower, candidate.toLowerCase()) }))
    .sort((a, b) => a.cost - b.cost)[0];
  return closest !== undefined && closest.cost <= 2
    ? ` (did you mean "${closest.candidate}"?)`
    : "";
}

/** Describe an unknown field with the allowed ones and the closest match. */
export function unknownFieldDetail(name: string, allowed: readonly string[]): string {
  const closest = allowed
    .map((candidate) => ({ candidate, cost: distance(name, candidate) }))
    .sort((a, b) => a.cost - b.cost)[0];
  const hint = closest !== undefined && closest.cost <= 2
    ? ` (did you mean "${closest.candidate}"?)`
    : "";
  return `unknown field "${name}"${hint}; allowed fields: ${allowed.join(", ")}`;
}

/**
 * Convert the first zod issue into a located error.
 *
 * @param issue The issue, with a path relative to `schema`.
 * @param options.schema The schema that was parsed, to describe allowed values.
 * @param options.data The data that was parsed, to quote the offending value.
 * @param options.source The YAML file to locate the field in.
 * @param options.prefix Path of `data` inside the file, when it is not the root.
 */
export function issueToError(
  issue: z.core.$ZodIssue,
  options: {
    schema: SchemaLike;
    data: unknown;
    source: YamlSource;
    prefix?: readonly PropertyKey[];
  },
): ConfigError {
  const { schema, data, source } = options;
  const prefix = options.prefix ?? [];
  const path = issue.path;
  const value = valueAt(data, path);
  const expected = describeSchema(schemaAt(schema, path));

  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "";
      const detail = unknownFieldDetail(key, allowedFields(schemaAt(schema, path)));
      return source.error([...prefix, ...path, key], detail, { key: true });
    }
    case "invalid_union": {
      // Report the branch that matches the value's shape: a string goes to the
      // string branch, a mapping to the object branch.
      const branches = issue.errors.filter((branch) =>
        !branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0)
      );
      const inner = branches[0]?.[0];
      if (inner !== undefined) {
        const nested = { ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue;
        return issueToError(nested, options);
      }
      return source.error(
        [...prefix, ...path],
        `expected ${expected}, got ${describeValue(value)}`,
      );
    }
    case "invalid_type": {
      const detail = value === undefined
        ? `missing required field; expected ${expected}`
        : `expected ${expected}, got ${describeValue(value)}`;
      return source.error([...prefix, ...path], detail);
    }
    case "too_small":
    case "too_big": {
      let detail = `expected ${expected}, got ${describeValue(value)}`;
      if (issue.origin === "array" && Array.isArray(value)) {
        detail = issue.code === "too_small"
          ? `expected at least ${issue.minimum} item(s), got ${value.length}`
          : `expected at most ${issue.maximum} item(s), got ${value.length}`;
      } else if (issue.origin === "string") {
        detail = issue.code === "too_small"
          ? `expected a non-empty string, got ${describeValue(value)}`
          : `expected at most ${issue.maximum} characters, got ${String(value).length}`;
      }
      return source.error([...prefix, ...path], detail);
    }
    case "invalid_value": {
      const allowed = issue.values.map(String);
      return source.error(
        [...prefix, ...path],
        `expected one of ${allowed.join(", ")}, got ${describeValue(value)}${
          closestValueHint(value, allowed)
        }`,
      );
    }
    case "invalid_format": {
      const rule = issue.format === "regex" ? issue.message : `expected ${expected}`;
      return source.error([...prefix, ...path], `${rule}, got ${describeValue(value)}`);
    }
    default:
      return source.error([...prefix, ...path], `${issue.message}, got ${describeValue(value)}`);
  }
}

/** An unknown key that is probably a misspelling of a missing required field. */
interface MisspelledField {
  /** Path of the mapping that contains both. */
  parent: readonly PropertyKey[];
  /** The unknown key as written. */
  key: string;
  /** The missing required field it is closest to. */
  field: string;
}

/** Maximum edit distance between a missing field and an unknown key that is taken as a typo. */
const MAX_TYPO_DISTANCE = 2;

/**
 * Finds a missing required field whose mapping has an unknown key within
 * `MAX_TYPO_DISTANCE` edits of it, such as `varaints` for `variants`. The
 * missing field alone would be reported at the mapping's start and hide the typo.
 */
function misspelledRequiredField(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
): MisspelledField | undefined {
  const samePath = (a: readonly PropertyKey[], b: readonly PropertyKey[]) =>
    a.length === b.length && a.every((step, index) => step === b[index]);

  for (const issue of issues) {
    if (issue.code !== "invalid_type" || issue.path.length === 0) continue;
    if (valueAt(data, issue.path) !== undefined) continue;
    const parent = issue.path.slice(0, -1);
    const field = String(issue.path.at(-1));

    let best: { key: string; cost: number } | undefined;
    for (const other of issues) {
      if (other.code !== "unrecognized_keys" || !samePath(other.path, parent)) continue;
      for (const key of other.keys) {
        const cost = distance(key, field);
        if (cost <= MAX_TYPO_DISTANCE && (best === undefined || cost < best.cost)) {
          best = { key, cost };
        }
      }
    }
    if (best !== undefined) return { parent, key: best.key, field };
  }
  return undefined;
}

/**
 * Throw the issue of a failed parse that comes first in the file as a
 * {@linkcode ConfigError}. A missing required field with a misspelled
 * sibling key is reported at the misspelled key instead.
 */
export function throwFirstIssue(
  error: z.ZodError,
  options: {
    schema: SchemaLike;
    data: unknown;
    source: YamlSource;
    prefix?: readonly PropertyKey[];
  },
): never {
  const misspelled = misspelledRequiredField(error.issues, options.data);
  if (misspelled !== undefined) {
    const { parent, key, field } = misspelled;
    const allowed = allowedFields(schemaAt(options.schema, parent));
    throw options.source.error(
      [...(options.prefix ?? []), ...parent, key],
      `unknown field "${key}" (did you mean "${field}"?); allowed fields: ${allowed.join(", ")}`,
      { key: true },
    );
  }

  const errors = error.issues.map((issue) => issueToError(issue, options));
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  throw errors[0] ?? options.source.error(options.prefix ?? [], error.message);
}

export type { SchemaLike };
