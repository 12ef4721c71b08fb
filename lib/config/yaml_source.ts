/**
 * YAML parsing that keeps source positions, so errors found later in the
 * parsed value can point back to `line:column` in the file.
 *
 * @module
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import { ConfigError, formatPath } from "./config_error.ts";

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** A parsed YAML file with a way to find the position of any field path. */
export class YamlSource {
  /** File name used in error messages. */
  readonly file: string;
  /** The parsed document. */
  readonly document: Document.Parsed;
  readonly #lines: LineCounter;

  private constructor(file: string, document: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.document = document;
    this.#lines = lines;
  }

  /**
   * Parse YAML text.
   *
   * @throws {ConfigError} On the first YAML syntax error, at its line and column.
   */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    // uniqueKeys rejects a field written twice, which would otherwise silently keep the last one.
    const document = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
    });
    const first = document.errors[0];
    if (first !== undefined) {
      const position = lines.linePos(first.pos[0]);
      const detail = first.message.split("\n")[0] ?? first.message;
      throw new ConfigError({
        file,
        line: position.line,
        column: position.col,
        detail: `invalid YAML: ${detail}`,
        cause: first,
      });
    }
    return new YamlSource(file, document, lines);
  }

  /** Return the document as plain JavaScript values. */
  toJS(): unknown {
    return this.document.toJS({ maxAliasCount: 1000 });
  }

  /** Convert a character offset to a position. */
  positionOf(offset: number): Position {
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * Find the position of a field path.
   *
   * @param path Keys and indexes from the document root.
   * @param options.key Point at the key of the last field instead of its value.
   * @returns The position of the deepest node that exists on the path, so a
   *   missing field points at the mapping that lacks it.
   */
  locate(path: readonly PropertyKey[], options: { key?: boolean } = {}): Position {
    let node: unknown = this.document.contents;
    let found = node;
    for (const [index, step] of path.entries()) {
      const last = index === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) =>
          isScalar(item.key) && String(item.key.value) === String(step)
        );
        if (pair === undefined) break;
        node = pair.value;
        found = last && options.key ? pair.key : pair.value ?? pair.key;
      } else if (isSeq(node) && typeof step === "number") {
        node = node.items[step];
        if (node === undefined) break;
        found = node;
      } else {
        break;
      }
    }
    const range = (found as Node | null)?.range;
    return this.positionOf(range?.[0] ?? 0);
  }

  /** Build a {@linkcode ConfigError} located at a field path. */
  error(
    path: readonly PropertyKey[],
    detail: string,
    options: { key?: boolean } = {},
  ): ConfigError {
    const { line, column } = this.locate(path, options);
    return new ConfigError({ file: this.file, line, column, path: formatPath(path), detail });
  }
}
