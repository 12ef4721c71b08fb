/**
 * Experiment files: YAML in, a resolved and validated `ABTest` out.
 *
 * @module
 */
import { basename, dirname, extname } from "node:path";
import { z } from "zod";
import { type ABTest, ABTestSchema, ID_PATTERN, IdSchema } from "../schema/mod.ts";
import {
  checkJudge,
  checkSlots,
  checkTemplateSyntax,
  checkTraffic,
  checkUniqueCases,
  checkUniqueIds,
} from "./checks.ts";
import { ConfigError } from "./config_error.ts";
import { type DatasetSpec, loadDataset } from "./dataset.ts";
import { type Env, interpolateSource } from "./interpolate.ts";
import { type SchemaLike, throwFirstIssue } from "./zod_issues.ts";
import { YamlSource } from "./yaml_source.ts";

/** The `dataset` section: inline `cases`, or a CSV or JSONL file at `path`. */
export const DatasetSpecSchema = z.strictObject({
  /** Inline cases, each a mapping of the id field and template values. */
  cases: z.array(z.unknown()).optional(),
  /** CSV or JSONL file, relative to the experiment file. */
  path: z.string().min(1).optional(),
  /** Column or key holding the case id. */
  id_field: z.string().min(1).default("id"),
  /** File format; taken from the extension (.csv, .jsonl, .ndjson) when absent. */
  format: z.enum(["csv", "jsonl"]).optional(),
});

/**
 * Schema of an experiment file as users write it, before the dataset is loaded. The
 * fields follow `ABTestSchema`, in the order they usually appear in a file,
 * with `dataset` in place of `cases`.
 */
export const ExperimentFileSchema = z.strictObject({
  /** Defaults to the file name without its extension. */
  id: IdSchema.optional(),
  /** Defaults to the id. */
  name: z.string().min(1).optional(),
  description: ABTestSchema.shape.description,
  seed: ABTestSchema.shape.seed,
  repeats: ABTestSchema.shape.repeats,
  concurrency: ABTestSchema.shape.concurrency,
  max_cost_usd: ABTestSchema.shape.max_cost_usd,
  cache: ABTestSchema.shape.cache,
  variants: ABTestSchema.shape.variants,
  models: ABTestSchema.shape.models,
  traffic: ABTestSchema.shape.traffic,
  dataset: DatasetSpecSchema,
  rating_dimensions: ABTestSchema.shape.rating_dimensions,
  judge: ABTestSchema.shape.judge,
});

/** Options for {@linkcode parseExperiment}. */
export interface ParseExperimentOptions {
  /** File name for error messages and the default id; `experiment.yaml` when absent. */
  file?: string;
  /** Folder a dataset `path` resolves against; the folder of `file`, or the working directory. */
  baseDir?: string;
  /**
   * Variables for `${NAME}` interpolation; `Deno.env.toObject()` when absent (none outside Deno),
   * read only if the file uses `${`.
   */
  env?: Env;
}

/** Options for {@linkcode loadExperiment}. */
export interface LoadExperimentOptions {
  /** Variables for `${NAME}` interpolation; `Deno.env.toObject()` when absent. */
  env?: Env;
}

/** Turn a file name stem into an id: invalid characters become `-`. */
function idFromFile(file: string): string | undefined {
  const stem = basename(file, extname(file));
  const id = stem.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 128);
  return ID_PATTERN.test(id) ? id : undefined;
}

/**
 * Parse and validate an experiment file's text, loading its dataset.
 *
 * @param text The YAML text.
 * @param options File name, base folder and environment.
 * @returns The resolved test, with defaults filled in and `cases` loaded.
 * @throws {ConfigError} For every problem in the file or its dataset, with
 *   `file:line:column path: detail` in the message.
 *
 * @example
 * ```ts
 * import { parseExperiment } from "./experiment_file.ts";
 * const test = await parseExperiment(
 *   [
 *     "variants: [{id: short, template: 'Summarize: {{text}}'}]",
 *     "models: [{id: mini, model: gpt-4o-mini}]",
 *     "dataset: {cases: [{id: c1, text: 'Deno is a runtime.'}]}",
 *   ].join("\n"),
 *   { file: "demo.yaml" },
 * );
 * console.assert(test.id === "demo" && test.cases.length === 1);
 * ```
 */
export async function parseExperiment(
  text: string,
  options: ParseExperimentOptions = {},
): Promise<ABTest> {
  const file = options.file ?? "experiment.yaml";
  const baseDir = options.baseDir ??
    (options.file === undefined ? "." : dirname(options.file));
  // Read lazily and only under Deno, because the site's configurator runs this parser in a browser.
  const env = () => options.env ?? (typeof Deno === "undefined" ? {} : Deno.env.toObject());

  // Syntax, then variables, then the schema: each step assumes the one before passed.
  const source = YamlSource.parse(text, file);
  const root = source.document.contents;
  if (root === null || !("items" in root) || Array.isArray(source.toJS())) {
    throw new ConfigError({
      file,
      line: 1,
      column: 1,
      detail: "expected a mapping of experiment fields at the top level",
    });
  }
  interpolateSource(source, env);
  const data = source.toJS();
  const parsed = ExperimentFileSchema.safeParse(data);
  if (!parsed.success) {
    throwFirstIssue(parsed.error, {
      schema: ExperimentFileSchema as unknown as SchemaLike,
      data,
      source,
    });
  }
  const spec = parsed.data;

  // Fields that depend on each other.
  const id = spec.id ?? idFromFile(file);
  if (id === undefined) {
    throw source.error(
      [],
      `cannot make an id from the file name "${basename(file)}"; add an id: field`,
    );
  }
  checkUniqueIds(source, "variants", spec.variants);
  checkUniqueIds(source, "models", spec.models);
  checkUniqueIds(source, "rating_dimensions", spec.rating_dimensions);
  checkTemplateSyntax(source, spec.variants);
  const weights = checkTraffic(source, spec);
  checkJudge(source, spec.judge, spec.models);

  // The dataset, then the checks that need its cases.
  const dataset = spec.dataset;
  if ((dataset.cases === undefined) === (dataset.path === undefined)) {
    throw source.error(
      ["dataset"],
      "expected exactly one of cases (inline) or path (a CSV or JSONL file)",
      { key: true },
    );
  }
  const loaded = await loadDataset(dataset as DatasetSpec, { source, baseDir });
  checkUniqueCases(loaded);
  checkSlots(source, spec.variants, loaded);

  const { dataset: _dataset, ...fields } = spec;
  const test = {
    ...fields,
    id,
    name: spec.name ?? id,
    ...(options.file === undefined ? {} : { source: options.file }),
    traffic: weights === undefined ? spec.traffic : { ...spec.traffic, weights },
    cases: loaded.map((entry) => entry.case),
  };
  const result = ABTestSchema.safeParse(test);
  if (!result.success) {
    throwFirstIssue(result.error, {
      schema: ABTestSchema as unknown as SchemaLike,
      data: test,
      source,
    });
  }
  return result.data;
}

/**
 * Read, parse and validate an experiment file.
 *
 * @param path Path of the YAML file; dataset paths resolve against its folder.
 * @param options Environment for `${NAME}` interpolation.
 * @returns The resolved test, with `source` set to `path`.
 * @throws {ConfigError} When the file cannot be read or is invalid.
 */
export async function loadExperiment(
  path: string,
  options: LoadExperimentOptions = {},
): Promise<ABTest> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const detail = error instanceof Deno.errors.NotFound
      ? "experiment file not found; check the path"
      : `cannot read the experiment file: ${(error as Error).message}`;
    throw new ConfigError({ file: path, detail, cause: error });
  }
  return await parseExperiment(text, {
    file: path,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
}
