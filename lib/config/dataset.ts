/**
 * Dataset loading: inline cases, CSV files and JSONL files become `Case`
 * values, each with a way to report an error at the row it came from.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { type Case, ID_PATTERN } from "../schema/mod.ts";
import { ConfigError, describeValue, formatPath } from "./config_error.ts";
import { CsvSyntaxError, parseCsv } from "./csv.ts";
import type { YamlSource } from "./yaml_source.ts";

/** The `dataset` section of an experiment file, after schema validation. */
export interface DatasetSpec {
  /** Inline cases: mappings with an id field and the template values. */
  cases?: Record<string, unknown>[] | undefined;
  /** Path of a CSV or JSONL file, relative to the experiment file. */
  path?: string | undefined;
  /** Column or key that contains the case id. */
  id_field: string;
  /** File format; taken from the extension when absent. */
  format?: "csv" | "jsonl" | undefined;
}

/** A case and a way to report an error at the place it was defined. */
export interface LoadedCase {
  case: Case;
  /** 1-based line the case starts on, in the experiment file or the data file. */
  line: number;
  /** Field that contains the id, for errors about it. */
  idField: string;
  /** Build an error at this case, or at one of its fields. */
  error(detail: string, field?: string): ConfigError;
}

/** Options for {@linkcode loadDataset}. */
export interface LoadDatasetOptions {
  /** The parsed experiment file, to locate inline cases and the `path` field. */
  source: YamlSource;
  /** Folder relative paths resolve against. */
  baseDir: string;
}

/** Extension to format, for files that do not set `format`. */
const FORMAT_BY_EXTENSION: Record<string, "csv" | "jsonl"> = {
  ".csv": "csv",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
};

/**
 * Load the cases a dataset section describes.
 *
 * @throws {ConfigError} When the file is missing or unreadable, a row is
 *   malformed, an id is missing or invalid, or there are no cases. File errors
 *   name the data file and line.
 */
export async function loadDataset(
  spec: DatasetSpec,
  options: LoadDatasetOptions,
): Promise<LoadedCase[]> {
  const { source } = options;

  if (spec.cases !== undefined) {
    if (spec.cases.length === 0) {
      throw source.error(["dataset", "cases"], "the dataset has no cases; add at least one");
    }
    return spec.cases.map((row, index) => inlineCase(row, index, spec.id_field, source));
  }

  const relative = spec.path ?? "";
  const file = isAbsolute(relative) ? relative : join(options.baseDir, relative);
  const extension = /\.[^./\\]+$/.exec(relative)?.[0]?.toLowerCase() ?? "";
  const format = spec.format ?? FORMAT_BY_EXTENSION[extension];
  if (format === undefined) {
    throw source.error(
      ["dataset", "path"],
      `cannot tell the format of "${relative}" from its extension; name a .csv or .jsonl file, or set format: csv or jsonl`,
    );
  }

  // The site's configurator runs this code in a browser, which has no file system.
  if (typeof Deno === "undefined") {
    throw source.error(
      ["dataset", "path"],
      "dataset files can be read only under Deno; use inline cases",
    );
  }
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? `dataset file not found: ${isAbsolute(file) ? file : join(Deno.cwd(), file)}`
      : `cannot read dataset file ${file}: ${(error as Error).message}`;
    throw source.error(
      ["dataset", "path"],
      `${reason} (paths are relative to the experiment file)`,
    );
  }

  const cases = format === "csv"
    ? csvCases(text, file, spec.id_field)
    : jsonlCases(text, file, spec.id_field);
  if (cases.length === 0) {
    throw new ConfigError({
      file,
      line: 1,
      path: "dataset.path",
      detail: "the dataset file has no rows; add at least one case",
    });
  }
  return cases;
}

/** Convert a field value to the string a template receives; null means no value. */
function toVar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Check a case id against the id rule, returning an error detail or undefined. */
function idProblem(id: unknown, idField: string): string | undefined {
  if (id === undefined || id === null || id === "") return `missing the id field "${idField}"`;
  if (typeof id !== "string" && typeof id !== "number") {
    return `expected the id field "${idField}" to be a string or number, got ${describeValue(id)}`;
  }
  if (!ID_PATTERN.test(String(id))) {
    return `expected an id of letters, digits, '.', '_' or '-' (at most 128 characters), got ${
      describeValue(String(id))
    }`;
  }
  return undefined;
}

/** Build a case from an object's fields: the id field becomes the id, the rest become vars. */
function objectToCase(row: Record<string, unknown>, idField: string): Case {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === idField) continue;
    const text = toVar(value);
    if (text !== undefined) vars[key] = text;
  }
  return { id: String(row[idField]), vars };
}

function inlineCase(row: unknown, index: number, idField: string, source: YamlSource): LoadedCase {
  const path = ["dataset", "cases", index];
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw source.error(
      path,
      `expected a mapping of ${idField} and template values, got ${describeValue(row)}`,
    );
  }
  const record = row as Record<string, unknown>;
  const problem = idProblem(record[idField], idField);
  if (problem !== undefined) {
    throw source.error(record[idField] === undefined ? path : [...path, idField], problem);
  }
  return {
    case: objectToCase(record, idField),
    line: source.locate(path).line,
    idField,
    error: (detail, field) => source.error(field === undefined ? path : [...path, field], detail),
  };
}

function csvCases(text: string, file: string, idField: string): LoadedCase[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new ConfigError({
      file,
      line: error.line,
      column: error.column,
      detail: `invalid CSV: ${error.message}`,
    });
  }

  const [header, ...rows] = records;
  if (header === undefined) return [];
  const columns = header.fields.map((name) => name.trim());
  const seen = new Set<string>();
  for (const [index, name] of columns.entries()) {
    if (name === "") {
      throw new ConfigError({
        file,
        line: header.line,
        detail: `header column ${index + 1} has no name`,
      });
    }
    if (seen.has(name)) {
      throw new ConfigError({
        file,
        line: header.line,
        detail: `header column "${name}" appears twice`,
      });
    }
    seen.add(name);
  }
  if (!seen.has(idField)) {
    throw new ConfigError({
      file,
      line: header.line,
      path: "dataset.id_field",
      detail: `no "${idField}" column for case ids; columns: ${
        columns.join(", ")
      } (set dataset.id_field to pick one)`,
    });
  }

  return rows.map((record, index) => {
    const at = (detail: string, field?: string) =>
      new ConfigError({
        file,
        line: record.line,
        path: formatPath(
          field === undefined ? ["dataset", "cases", index] : ["dataset", "cases", index, field],
        ),
        detail,
      });
    if (record.fields.length !== columns.length) {
      throw at(
        `expected ${columns.length} fields (${columns.join(", ")}), got ${record.fields.length}`,
      );
    }
    const row = Object.fromEntries(columns.map((name, column) => [name, record.fields[column]]));
    const problem = idProblem(row[idField], idField);
    if (problem !== undefined) throw at(problem, idField);
    return { case: objectToCase(row, idField), line: record.line, idField, error: at };
  });
}

function jsonlCases(text: string, file: string, idField: string): LoadedCase[] {
  const cases: LoadedCase[] = [];
  const lines = text.split(/\r?\n/);
  for (const [lineIndex, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const index = cases.length;
    const at = (detail: string, field?: string, column?: number) =>
      new ConfigError({
        file,
        line: lineIndex + 1,
        column: column ?? null,
        path: formatPath(
          field === undefined ? ["dataset", "cases", index] : ["dataset", "cases", index, field],
        ),
        detail,
      });

    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      // V8 reports "at position N" as a 0-based offset into the parsed line.
      const message = (error as Error).message;
      const offset = /at position (\d+)/.exec(message)?.[1];
      const column = offset === undefined ? undefined : Number(offset) + 1;
      throw at(
        `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
        undefined,
        column,
      );
    }
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw at(`expected a JSON object per line, got ${describeValue(row)}`);
    }
    const record = row as Record<string, unknown>;
    const problem = idProblem(record[idField], idField);
    if (problem !== undefined) throw at(problem, idField);
    cases.push({ case: objectToCase(record, idField), line: lineIndex + 1, idField, error: at });
  }
  return cases;
}
