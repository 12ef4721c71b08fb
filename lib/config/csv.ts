/**
 * A CSV reader for RFC 4180 files that keeps the line each record starts on,
 * so dataset errors can name `file:line`.
 *
 * @module
 */

/** One CSV record and where it starts. */
export interface CsvRecord {
  /** Field values, unquoted. */
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

/** A CSV syntax error with its position. */
export class CsvSyntaxError extends SyntaxError {
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem. */
  readonly column: number;

  /** Build the error for a position. */
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = "CsvSyntaxError";
    this.line = line;
    this.column = column;
  }
}

/**
 * Parse CSV text into records.
 *
 * Follows RFC 4180: commas separate fields, a field in double quotes may hold
 * commas, line breaks and `""` for one quote. Line endings may be CRLF or LF.
 * Empty lines and a leading byte order mark are skipped.
 *
 * @param text The whole file.
 * @returns Records in file order, the header row first.
 * @throws {CsvSyntaxError} On a quote inside an unquoted field, text after a
 *   closing quote, or a quoted field that never closes.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * const records = parseCsv('id,text\n1,"a, ""b"""\n');
 * console.assert(records[1]?.fields[1] === 'a, "b"');
 * ```
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;

  let fields: string[] = [];
  let field = "";
  let line = 1;
  let column = 1;
  let recordLine = 1;
  let index = 0;
  // True once the current record has any content, so blank lines are skipped.
  let started = false;

  const endRecord = () => {
    if (started) {
      fields.push(field);
      records.push({ fields, line: recordLine });
    }
    fields = [];
    field = "";
    started = false;
  };

  while (index < source.length) {
    const char = source[index]!;

    if (char === '"') {
      if (field !== "") {
        throw new CsvSyntaxError(
          'a quote inside an unquoted field; quote the whole field and double inner quotes ("")',
          line,
          column,
        );
      }
      if (!started) recordLine = line;
      started = true;
      const openLine = line;
      const openColumn = column;
      index += 1;
      column += 1;
      let closed = false;
      while (index < source.length) {
        const inner = source[index]!;
        if (inner === '"') {
          if (source[index + 1] === '"') {
            field += '"';
            index += 2;
            column += 2;
            continue;
          }
          index += 1;
          column += 1;
          closed = true;
          break;
        }
        field += inner;
        index += 1;
        if (inner === "\n") {
          line += 1;
          column = 1;
        } else {
          column += 1;
        }
      }
      if (!closed) {
        throw new CsvSyntaxError("a quoted field never closes", openLine, openColumn);
      }
      const next = source[index];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new CsvSyntaxError(
          "text after a closing quote; a quoted field must end at a comma or line end",
          line,
          column,
        );
      }
      // Push the quoted field here, because an empty quoted field ("") would
      // look like no field at all to the comma and line-end branches below.
      fields.push(field);
      field = "";
      if (next === ",") {
        index += 1;
        column += 1;
      } else {
        records.push({ fields, line: recordLine });
        fields = [];
        started = false;
        if (next === "\r") index += 1;
        if (source[index] === "\n") index += 1;
        line += 1;
        column = 1;
      }
      continue;
    }

    if (char === ",") {
      if (!started) recordLine = line;
      started = true;
      fields.push(field);
      field = "";
      index += 1;
      column += 1;
      continue;
    }

    if (char === "\r" || char === "\n") {
      endRecord();
      index += char === "\r" && source[index + 1] === "\n" ? 2 : 1;
      line += 1;
      column = 1;
      continue;
    }

    if (!started) recordLine = line;
    started = true;
    field += char;
    index += 1;
    column += 1;
  }

  endRecord();
  return records;
}
