/**
 * Renders the Markdown subset of report sections as DOM nodes: headings,
 * paragraphs, pipe tables, bullet and numbered lists, inline code and bold.
 * Report text contains model names, ids and outputs that may look like HTML,
 * so every piece of text becomes a text node and no HTML string is ever
 * parsed. Links, images and raw HTML stay literal text.
 *
 * @module
 */
import { textElement } from "./text.js";

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
/** Characters a backslash escapes, as in CommonMark: ASCII punctuation. */
const ESCAPABLE = /[!-/:-@[-`{-~]/;

/**
 * Splits Markdown into blocks. Each block is `{type: "heading", level,
 * inline}`, `{type: "paragraph", inline}`, `{type: "list", ordered, items}`
 * or `{type: "table", align, header, rows}`, where every text part is an
 * inline list from {@linkcode parseInline}.
 *
 * @param {string} markdown
 * @returns {object[]}
 */
export function parseMarkdown(markdown) {
  const lines = String(markdown).split(/\r?\n/);
  const blocks = [];
  let i = 0;

  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: "heading", level: heading[1].length, inline: parseInline(heading[2]) });
      i++;
      continue;
    }

    if (isTableStart(lines, i)) {
      const header = splitRow(line);
      const align = splitRow(lines[i + 1]).map(alignment);
      const rows = [];
      i += 2;
      while (i < lines.length && lines[i].trim() !== "" && lines[i].includes("|")) {
        rows.push(splitRow(lines[i]).map(parseInline));
        i++;
      }
      blocks.push({ type: "table", align, header: header.map(parseInline), rows });
      continue;
    }

    const ordered = NUMBERED.test(line);
    if (ordered || BULLET.test(line)) {
      const marker = ordered ? NUMBERED : BULLET;
      const items = [];
      while (i < lines.length && marker.test(lines[i])) {
        let text = marker.exec(lines[i])[1];
        i++;
        // Indented lines continue the item above them.
        while (i < lines.length && /^\s+\S/.test(lines[i]) && !marker.test(lines[i])) {
          text += ` ${lines[i].trim()}`;
          i++;
        }
        items.push(parseInline(text));
      }
      blocks.push({ type: "list", ordered, items });
      continue;
    }

    const paragraph = [line.trim()];
    i++;
    while (i < lines.length && !startsBlock(lines, i)) {
      paragraph.push(lines[i].trim());
      i++;
    }
    blocks.push({ type: "paragraph", inline: parseInline(paragraph.join(" ")) });
  }
  return blocks;
}

/**
 * Splits inline Markdown into text, code spans and bold runs. A backslash
 * before ASCII punctuation makes that character literal; an unmatched
 * backtick or `**` stays as text.
 *
 * @param {string} text
 * @returns {({type: "text", text: string} | {type: "code", text: string} | {type: "strong", children: object[]})[]}
 */
export function parseInline(text) {
  const parts = [];
  let buffer = "";
  const flush = () => {
    if (buffer !== "") parts.push({ type: "text", text: buffer });
    buffer = "";
  };

  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === "\\" && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }

    if (char === "`") {
      const run = /^`+/.exec(text.slice(i))[0];
      const close = findCodeClose(text, i + run.length, run.length);
      if (close === -1) {
        buffer += run;
        i += run.length;
        continue;
      }
      flush();
      parts.push({ type: "code", text: trimCode(text.slice(i + run.length, close)) });
      i = close + run.length;
      continue;
    }

    if (text.startsWith("**", i)) {
      const close = findUnescaped(text, "**", i + 2);
      if (close > i + 2) {
        flush();
        parts.push({ type: "strong", children: parseInline(text.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    }

    buffer += char;
    i++;
  }
  flush();
  return parts;
}

/**
 * Builds DOM nodes for Markdown, with text only in text nodes. Headings move
 * down by `headingOffset` levels so they nest under the caller's own heading.
 * Each table sits in a `div.ablab-table-scroll` that scrolls sideways when it
 * is wider than the page.
 *
 * @param {string} markdown
 * @param {{headingOffset?: number}} [options]
 * @returns {DocumentFragment}
 */
export function markdownNodes(markdown, options = {}) {
  const { headingOffset = 0 } = options;
  const fragment = document.createDocumentFragment();
  for (const block of parseMarkdown(markdown)) {
    if (block.type === "heading") {
      const level = Math.min(6, block.level + headingOffset);
      fragment.append(inlineElement(`h${level}`, block.inline));
    } else if (block.type === "paragraph") {
      fragment.append(inlineElement("p", block.inline));
    } else if (block.type === "list") {
      const list = document.createElement(block.ordered ? "ol" : "ul");
      for (const item of block.items) list.append(inlineElement("li", item));
      fragment.append(list);
    } else {
      fragment.append(tableElement(block));
    }
  }
  return fragment;
}

function tableElement(block) {
  const table = document.createElement("table");
  table.className = "ablab-table";
  const headRow = document.createElement("tr");
  block.header.forEach((cell, k) => headRow.append(alignCell(inlineElement("th", cell), block, k)));
  table.createTHead().append(headRow);

  const body = table.createTBody();
  for (const row of block.rows) {
    const tr = document.createElement("tr");
    // A row with fewer cells than the header is padded, extra cells dropped, as in GFM.
    for (let k = 0; k < block.header.length; k++) {
      tr.append(alignCell(inlineElement("td", row[k] ?? []), block, k));
    }
    body.append(tr);
  }

  const scroll = document.createElement("div");
  scroll.className = "ablab-table-scroll";
  scroll.append(table);
  return scroll;
}

function alignCell(cell, block, column) {
  if (block.align[column] === "right") cell.className = "ablab-num";
  if (block.align[column] === "center") cell.style.textAlign = "center";
  return cell;
}

function inlineElement(tag, parts) {
  const element = document.createElement(tag);
  for (const part of parts) {
    if (part.type === "text") element.append(document.createTextNode(part.text));
    else if (part.type === "code") element.append(textElement("code", part.text));
    else element.append(inlineElement("strong", part.children));
  }
  return element;
}

function isTableStart(lines, i) {
  const next = lines[i + 1];
  return lines[i].includes("|") && next !== undefined && next.includes("-") &&
    TABLE_DELIMITER.test(next) &&
    splitRow(lines[i]).length === splitRow(next).length;
}

function startsBlock(lines, i) {
  const line = lines[i];
  return line.trim() === "" || HEADING.test(line) || BULLET.test(line) ||
    NUMBERED.test(line) || isTableStart(lines, i);
}

/**
 * Splits a table row on pipes that are not escaped. `\|` becomes a literal
 * pipe, and other escapes stay for the inline parser, as GFM does.
 */
function splitRow(line) {
  let text = line.trim();
  if (text.startsWith("|")) text = text.slice(1);
  const cells = [];
  let cell = "";
  let endsWithPipe = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    endsWithPipe = false;
    if (char === "\\" && i + 1 < text.length) {
      cell += text[i + 1] === "|" ? "|" : `\\${text[i + 1]}`;
      i++;
    } else if (char === "|") {
      cells.push(cell.trim());
      cell = "";
      endsWithPipe = true;
    } else {
      cell += char;
    }
  }
  // A trailing pipe closes the last cell instead of opening an empty one.
  if (!endsWithPipe) cells.push(cell.trim());
  return cells;
}

function alignment(delimiter) {
  const left = delimiter.startsWith(":");
  const right = delimiter.endsWith(":");
  if (left && right) return "center";
  if (right) return "right";
  return left ? "left" : null;
}

function findCodeClose(text, from, length) {
  for (let i = from; i < text.length; i++) {
    if (text[i] !== "`") continue;
    const run = /^`+/.exec(text.slice(i))[0];
    if (run.length === length) return i;
    i += run.length - 1;
  }
  return -1;
}

/** Strips one space from each side of a code span when both have one, as CommonMark does. */
function trimCode(code) {
  return code.length > 2 && code.startsWith(" ") && code.endsWith(" ") ? code.slice(1, -1) : code;
}

function findUnescaped(text, needle, from) {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") {
      i++;
      continue;
    }
    if (text.startsWith(needle, i)) return i;
  }
  return -1;
}
