/**
 * Safe rendering of untrusted text: model outputs, case inputs, arm and test
 * names. Every function here builds nodes through `textContent` and
 * attributes it sets itself, so text that looks like HTML (script tags,
 * `onerror=` attributes, `javascript:` links) is shown, never parsed.
 *
 * @module
 */

/** Code points shown before a long output is collapsed; about a screenful of prose. */
export const PREVIEW_CODE_POINTS = 800;

/**
 * Cuts `text` after `limit` code points, never inside a surrogate pair.
 *
 * @param {string} text
 * @param {number} limit maximum code points kept
 * @returns {{head: string, truncated: boolean, length: number}} the kept
 *   prefix, whether anything was cut, and the full length in code points
 */
export function truncateCodePoints(text, limit) {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`Invalid limit ${limit}: expected a non-negative integer`);
  }

  const points = Array.from(text);
  if (points.length <= limit) return { head: text, truncated: false, length: points.length };
  return { head: points.slice(0, limit).join(""), truncated: true, length: points.length };
}

/**
 * Creates an element whose only content is `text` as a text node.
 *
 * @param {string} tag element name, for example "td"
 * @param {unknown} text value shown as text; null and undefined show as an empty string
 * @param {string} [className]
 * @returns {HTMLElement}
 */
export function textElement(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text == null ? "" : String(text);
  if (className) element.className = className;
  return element;
}

/**
 * Builds a block showing an untrusted output as preformatted text. Outputs
 * longer than `limit` code points show their head and a button that expands
 * the rest in place; a null output shows `emptyLabel`.
 *
 * @param {string | null | undefined} text
 * @param {{limit?: number, emptyLabel?: string}} [options]
 * @returns {HTMLElement}
 */
export function outputBlock(text, options = {}) {
  const { limit = PREVIEW_CODE_POINTS, emptyLabel = "(no output)" } = options;
  const block = document.createElement("div");
  block.className = "ablab-output";

  if (text == null) {
    block.append(textElement("em", emptyLabel, "ablab-muted"));
    return block;
  }

  const pre = textElement("pre", "");
  block.append(pre);
  const { head, truncated, length } = truncateCodePoints(text, limit);
  pre.textContent = truncated ? `${head}…` : head;
  if (!truncated) return block;

  const toggle = textElement("button", `Show all ${length.toLocaleString("en-US")} characters`);
  toggle.type = "button";
  toggle.className = "ablab-expand";
  let expanded = false;
  toggle.addEventListener("click", () => {
    expanded = !expanded;
    pre.textContent = expanded ? text : `${head}…`;
    toggle.textContent = expanded
      ? "Show less"
      : `Show all ${length.toLocaleString("en-US")} characters`;
  });
  block.append(toggle);
  return block;
}

/**
 * Builds a table from rows; every cell is text, or a node a column's `render`
 * returns.
 *
 * @template T
 * @param {T[]} rows
 * @param {{label: string, value: (row: T) => unknown, render?: (row: T) => Node, numeric?: boolean}[]} columns
 * @param {{caption?: string, className?: string}} [options]
 * @returns {HTMLTableElement}
 */
export function textTable(rows, columns, options = {}) {
  const table = document.createElement("table");
  table.className = options.className ?? "ablab-table";
  if (options.caption) table.append(textElement("caption", options.caption));

  const headRow = document.createElement("tr");
  for (const column of columns) {
    const th = textElement("th", column.label);
    if (column.numeric) th.className = "ablab-num";
    headRow.append(th);
  }
  table.createTHead().append(headRow);

  const body = table.createTBody();
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const column of columns) {
      const td = column.render
        ? document.createElement("td")
        : textElement("td", column.value(row));
      if (column.render) td.append(column.render(row));
      if (column.numeric) td.className = "ablab-num";
      tr.append(td);
    }
    body.append(tr);
  }
  return table;
}

/**
 * Builds a link whose visible text is `text` and whose target is a relative
 * path the site made. A target in any other form, such as `javascript:`,
 * is dropped.
 *
 * @param {string} href relative path such as `./tests/x/index.html`
 * @param {string} text
 * @returns {HTMLAnchorElement}
 */
export function relativeLink(href, text) {
  const link = /** @type {HTMLAnchorElement} */ (textElement("a", text));
  if (/^\.\.?\//.test(href)) link.setAttribute("href", href);
  return link;
}
