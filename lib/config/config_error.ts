/**
 * The error every experiment-file problem becomes.
 *
 * @module
 */

/** Position, field path and detail of a {@linkcode ConfigError}. */
export interface ConfigErrorOptions {
  /** File the problem is in: the experiment file or a dataset file. */
  file: string;
  /** 1-based line, or null when the problem has no position (a missing file). */
  line?: number | null;
  /** 1-based column, or null when only the line is known. */
  column?: number | null;
  /** Field path such as `models[1].temperature`; empty for the whole file. */
  path?: string;
  /** Description of the problem: what is allowed and the offending value. */
  detail: string;
  /** The underlying error, such as a YAML parser or file system error. */
  cause?: unknown;
}

/**
 * An invalid experiment file or dataset.
 *
 * The message reads `file:line:column path: detail`, for example
 * `support-tone.yaml:14:11 models[1].temperature: expected a number from 0 to 2, got "hot"`.
 * The CLI turns this class into exit code 2.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./config_error.ts";
 * const error = new ConfigError({ file: "a.yaml", line: 3, column: 5, path: "seed", detail: "expected an integer" });
 * console.assert(error.message === "a.yaml:3:5 seed: expected an integer");
 * ```
 */
export class ConfigError extends Error {
  /** File the problem is in. */
  readonly file: string;
  /** 1-based line, or null. */
  readonly line: number | null;
  /** 1-based column, or null. */
  readonly column: number | null;
  /** Field path, empty for the whole file. */
  readonly path: string;
  /** The message without the position and path prefix. */
  readonly detail: string;

  /** Build the error and its `file:line:column path: detail` message. */
  constructor(options: ConfigErrorOptions) {
    const line = options.line ?? null;
    const column = line === null ? null : options.column ?? null;
    const path = options.path ?? "";

    let where = options.file;
    if (line !== null) where += `:${line}`;
    if (column !== null) where += `:${column}`;
    const message = path === ""
      ? `${where}: ${options.detail}`
      : `${where} ${path}: ${options.detail}`;

    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConfigError";
    this.file = options.file;
    this.line = line;
    this.column = column;
    this.path = path;
    this.detail = options.detail;
  }
}

/** Format a field path from keys and indexes: `["models", 1, "temperature"]` -> `models[1].temperature`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") {
      text += `[${key}]`;
    } else {
      const name = String(key);
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
      if (plain) text += text === "" ? name : `.${name}`;
      else text += `[${JSON.stringify(name)}]`;
    }
  }
  return text;
}

/** Quote a value for a message: strings in JSON quotes, long values cut at 60 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  if (Array.isArray(value)) text = "a list";
  else if (value !== null && typeof value === "object") text = "a mapping";
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
