/**
 * Prompt templates with `{{ name }}` slots.
 *
 * A slot is `{{`, optional spaces, a name of letters, digits, `_`, `-` or
 * `.` starting with a letter or `_`, optional spaces and `}}`. A literal `{{`
 * is written `\{{`. A `}}` outside a slot is plain text, so JSON in a prompt
 * needs no escaping unless it contains `{{`.
 *
 * @module
 */

/** Pattern a slot name must match. */
const SLOT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** One piece of a parsed template: literal text or a slot. */
type Piece = { text: string } | { slot: string };

/**
 * Parsed templates by source text. A run renders the same few templates for
 * every call, so each is parsed once. The cache is emptied when it reaches
 * `PARSED_LIMIT` entries, so callers that render many templates stay bounded.
 */
const parsed = new Map<string, readonly Piece[]>();
const PARSED_LIMIT = 1024;

/** Parses a template, or returns its pieces from the cache. */
function piecesOf(template: string): readonly Piece[] {
  let pieces = parsed.get(template);
  if (pieces === undefined) {
    pieces = parseTemplate(template);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(template, pieces);
  }
  return pieces;
}

/**
 * Split a template into text and slots.
 *
 * @throws {SyntaxError} When a `{{` has no closing `}}` or the slot name is invalid;
 *   the message gives the 1-based character offset.
 */
function parseTemplate(template: string): Piece[] {
  const pieces: Piece[] = [];
  let text = "";
  let index = 0;

  while (index < template.length) {
    const open = template.indexOf("{{", index);
    if (open === -1) {
      text += template.slice(index);
      break;
    }
    if (open > index && template[open - 1] === "\\") {
      text += template.slice(index, open - 1) + "{{";
      index = open + 2;
      continue;
    }
    text += template.slice(index, open);
    index = open;

    const close = template.indexOf("}}", index + 2);
    const nextOpen = template.indexOf("{{", index + 2);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      throw new SyntaxError(
        `unclosed "{{" at character ${index + 1}: write {{ name }}, or \\{{ for a literal "{{"`,
      );
    }
    const name = template.slice(index + 2, close).trim();
    if (!SLOT_NAME.test(name)) {
      throw new SyntaxError(
        `invalid slot "${template.slice(index, close + 2)}" at character ${index + 1}: ` +
          `a slot name starts with a letter or "_" and contains letters, digits, "_", "-" or "."`,
      );
    }
    if (text !== "") pieces.push({ text });
    text = "";
    pieces.push({ slot: name });
    index = close + 2;
  }

  if (text !== "") pieces.push({ text });
  return pieces;
}

/**
 * List the slot names a template uses, each once, in order of first use.
 *
 * @param template A prompt template such as `Reply to {{ customer }}: {{message}}`.
 * @returns The slot names, for example `["customer", "message"]`.
 * @throws {SyntaxError} When the template has an unclosed `{{` or an invalid slot name.
 *
 * @example
 * ```ts
 * import { templateSlots } from "./template.ts";
 * console.assert(templateSlots("Hi {{ name }}, re {{topic}}").join() === "name,topic");
 * ```
 */
export function templateSlots(template: string): string[] {
  const slots = new Set<string>();
  for (const piece of piecesOf(template)) {
    if ("slot" in piece) slots.add(piece.slot);
  }
  return [...slots];
}

/**
 * Fill a template's slots with values.
 *
 * @param template A prompt template with `{{ name }}` slots.
 * @param vars Values by slot name, usually a case's `vars`.
 * @returns The rendered text. Values are inserted as they are, never re-parsed.
 * @throws {SyntaxError} When the template is malformed.
 * @throws {RangeError} When a slot has no value in `vars`.
 *
 * @example
 * ```ts
 * import { renderTemplate } from "./template.ts";
 * console.assert(renderTemplate("Hi {{ name }}!", { name: "Ada" }) === "Hi Ada!");
 * ```
 */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  let output = "";
  for (const piece of piecesOf(template)) {
    if ("text" in piece) {
      output += piece.text;
      continue;
    }
    const value = Object.hasOwn(vars, piece.slot) ? vars[piece.slot] : undefined;
    if (value === undefined) {
      const known = Object.keys(vars).join(", ") || "none";
      throw new RangeError(`template slot "${piece.slot}" has no value; values given: ${known}`);
    }
    output += value;
  }
  return output;
}
