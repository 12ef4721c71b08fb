/**
 * Rich output for Jupyter notebooks with the Deno kernel: Observable Plot
 * charts rendered to SVG without a browser, tables of rows and Markdown.
 *
 * Every function returns an object with a `Symbol.for("Jupyter.display")`
 * method. Deno's kernel calls it when the object is the last expression of a
 * cell or is passed to `Deno.jupyter.display()`, and shows the richest MIME
 * type the frontend supports. Outside a notebook the objects are plain values
 * whose `svg`, `html` or `markdown` field can be written to a file.
 *
 * Under nbconvert, show values with `await show(value)` rather than as a
 * cell's last expression: see {@linkcode show} for why.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** The symbol Deno's Jupyter kernel looks for to display an object. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** MIME type to content, as a Jupyter `display_data` message carries it. */
export type MediaBundle = Record<string, string>;

/** A value the Deno kernel displays through its MIME bundle. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MediaBundle;
}

/** The part of a DOM element this module uses; the project compiles without the DOM library. */
interface MarkupElement {
  readonly tagName: string;
  readonly outerHTML: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selectors: string): Iterable<MarkupElement>;
}

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";
const XLINK_NAMESPACE = "http://www.w3.org/1999/xlink";

/** An Observable Plot chart serialized to markup. */
export interface PlotChart extends Displayable {
  /** Standalone SVG document of the chart, legends excluded. */
  svg: string;
  /** Markup Plot returned: the SVG alone, or a `<figure>` with legends, title and caption. */
  html: string;
}

/**
 * Renders an Observable Plot chart in a linkedom document, so it works in a
 * notebook kernel, a test or a script where no browser DOM exists.
 *
 * The chart displays as `image/svg+xml`; when Plot wraps it in a `<figure>`
 * (a legend, title, subtitle or caption is set), as `text/html` too, so a
 * frontend that renders HTML shows the legend.
 *
 * @param options Plot options, as for `Plot.plot`; `document` is supplied.
 * @returns The chart's SVG and HTML and its Jupyter display method.
 * @throws {TypeError} When `options.document` is set, since the helper supplies it, or when
 *   a continuous color legend is requested, since drawing its ramp needs a canvas.
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * displayPlot({ marks: [Plot.barY(rows, { x: "arm_id", y: "p95" })] });
 * ```
 */
export function displayPlot(options: Plot.PlotOptions): PlotChart {
  if (options.document !== undefined) {
    throw new TypeError(
      "Invalid Plot options: displayPlot supplies its own document; remove the document option",
    );
  }

  const window = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  const document = (window as unknown as { document: NonNullable<Plot.PlotOptions["document"]> })
    .document;
  let root: MarkupElement;
  try {
    root = Plot.plot({ ...options, document }) as unknown as MarkupElement;
  } catch (error) {
    // Plot draws continuous color ramps on a canvas, and linkedom has none.
    if (error instanceof TypeError && /fillStyle|getContext|toDataURL/.test(error.message)) {
      throw new TypeError(
        "Invalid Plot options for displayPlot: a continuous color legend needs a canvas, " +
          'which the server-side document lacks; set color.type to "quantize" or "threshold", ' +
          "or remove color.legend",
        { cause: error },
      );
    }
    throw error;
  }
  const svgs = root.tagName.toLowerCase() === "svg" ? [root] : [...root.querySelectorAll("svg")];
  // Color ramp legends are SVGs too; Plot gives them a class ending in "-ramp".
  const chart = svgs.filter((svg) => !(svg.getAttribute("class") ?? "").endsWith("-ramp")).at(-1);
  if (chart === undefined) throw new Error("Plot returned no SVG element: report this as a bug");
  for (const svg of svgs) addNamespaces(svg);

  const svg = chart.outerHTML;
  const html = root.outerHTML;
  const isFigure = root !== chart;
  return {
    svg,
    html,
    [JUPYTER_DISPLAY]() {
      const bundle: MediaBundle = {
        "image/svg+xml": svg,
        "text/plain": describeChart(chart),
      };
      if (isFigure) bundle["text/html"] = html;
      return bundle;
    },
  };
}

/** Options for {@linkcode displayTable}. */
export interface DisplayTableOptions {
  /** Columns to show, in order. Default: the keys of every row, in first-seen order. */
  columns?: readonly string[];
  /** Rows shown; the rest are counted in a note under the table. Default 50. */
  maxRows?: number;
  /** Significant digits of numbers that are not integers. Default 4. */
  digits?: number;
  /** Caption above the table. */
  caption?: string;
}

/** A table of rows rendered to HTML and plain text. */
export interface RowTable extends Displayable {
  html: string;
  text: string;
}

/**
 * Renders rows (objects keyed by column) as an HTML table with a plain-text
 * twin. Nulls show as `null`, objects and arrays as JSON.
 *
 * @param rows Rows such as `NotebookTest.query()` or `aggregateResults()` return.
 * @param options Columns, row limit, number precision and caption.
 * @returns The table's HTML and text and its Jupyter display method.
 * @throws {RangeError} When `maxRows` or `digits` is not a positive integer.
 * @example
 * ```ts
 * displayTable(await run.query("SELECT arm_id, count(*) AS n FROM results GROUP BY 1"));
 * ```
 */
export function displayTable(
  rows: readonly Record<string, unknown>[],
  options: DisplayTableOptions = {},
): RowTable {
  const maxRows = options.maxRows ?? 50;
  const digits = options.digits ?? 4;
  if (!Number.isInteger(maxRows) || maxRows < 1) {
    throw new RangeError(`Invalid maxRows ${maxRows}: use an integer >= 1`);
  }
  if (!Number.isInteger(digits) || digits < 1 || digits > 21) {
    throw new RangeError(`Invalid digits ${digits}: use an integer from 1 to 21`);
  }

  const columns = options.columns ?? columnsOf(rows);
  const shown = rows.slice(0, maxRows);
  const cells = shown.map((row) => columns.map((column) => formatCell(row[column], digits)));
  let note = "";
  if (rows.length === 0) note = "no rows";
  else if (rows.length > shown.length) note = `showing ${shown.length} of ${rows.length} rows`;

  const html = renderHtmlTable(columns, cells, options.caption, note);
  const text = renderTextTable(columns, cells, options.caption, note);
  return {
    html,
    text,
    [JUPYTER_DISPLAY]: () => ({ "text/html": html, "text/plain": text }),
  };
}

/** Markdown text that a notebook renders as formatted text. */
export interface MarkdownText extends Displayable {
  markdown: string;
}

/**
 * Wraps Markdown, such as a stored `report.md`, so a notebook renders it.
 *
 * @param markdown Markdown source.
 * @returns The source and its Jupyter display method.
 */
export function displayMarkdown(markdown: string): MarkdownText {
  return {
    markdown,
    [JUPYTER_DISPLAY]: () => ({ "text/markdown": markdown, "text/plain": markdown }),
  };
}

/** Sets the namespaces a standalone SVG file needs; Plot leaves them to the HTML parser. */
function addNamespaces(svg: MarkupElement): void {
  if (!svg.hasAttribute("xmlns")) svg.setAttribute("xmlns", SVG_NAMESPACE);
  if (!svg.hasAttribute("xmlns:xlink")) svg.setAttribute("xmlns:xlink", XLINK_NAMESPACE);
}

function describeChart(svg: MarkupElement): string {
  const width = svg.getAttribute("width") ?? "?";
  const height = svg.getAttribute("height") ?? "?";
  const label = svg.getAttribute("aria-label");
  return `Plot chart ${width}x${height}${label ? `: ${label}` : ""}`;
}

function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function formatCell(value: unknown, digits: number): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    return String(Number(value.toPrecision(digits)));
  }
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_key, item) => typeof item === "bigint" ? String(item) : item);
}

function renderHtmlTable(
  columns: readonly string[],
  cells: readonly string[][],
  caption: string | undefined,
  note: string,
): string {
  const head = columns.map((column) => `<th>${escapeHtml(column)}</th>`).join("");
  const body = cells
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`)
    .join("\n");
  const captionHtml = caption === undefined ? "" : `<caption>${escapeHtml(caption)}</caption>`;
  const noteHtml = note === "" ? "" : `\n<p><em>${escapeHtml(note)}</em></p>`;
  return `<table>${captionHtml}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>` +
    noteHtml;
}

/** Maximum length of a cell in the plain-text table, because output text can be long. */
const MAX_TEXT_CELL_LENGTH = 40;

function renderTextTable(
  columns: readonly string[],
  cells: readonly string[][],
  caption: string | undefined,
  note: string,
): string {
  const clip = (text: string) => {
    const line = text.replaceAll(/\s+/g, " ");
    return line.length > MAX_TEXT_CELL_LENGTH
      ? `${line.slice(0, MAX_TEXT_CELL_LENGTH - 3)}...`
      : line;
  };
  const rows = [columns.map(clip), ...cells.map((row) => row.map(clip))];
  const widths = columns.map((_, k) => Math.max(...rows.map((row) => row[k]!.length)));
  const lines = rows.map((row) =>
    row.map((cell, k) => cell.padEnd(widths[k]!)).join("  ").trimEnd()
  );
  lines.splice(1, 0, widths.map((width) => "-".repeat(width)).join("  "));
  if (caption !== undefined) lines.unshift(caption);
  if (note !== "") lines.push(note);
  return lines.join("\n");
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/**
 * Time {@linkcode show} waits after its last display message, in milliseconds.
 * Deno 2.9.6's kernel queues display messages and can report the cell idle
 * before the queue is sent, and nbconvert stops reading a cell's output at
 * idle. With this wait, 240 of 240 displays came through on a loaded 2-core
 * machine, so it is a measured margin, not a guarantee.
 */
export const SHOW_SETTLE_MS = 50;

/** The part of the kernel's `Deno.jupyter` namespace that {@linkcode show} uses. */
interface JupyterNamespace {
  display(value: unknown, options?: { raw?: boolean }): Promise<void>;
}

/**
 * Displays values in the running notebook, in order, and waits briefly so the
 * output reaches headless runners too.
 *
 * A cell's last expression is displayed by the kernel after the cell ends,
 * and under nbconvert most such results of cells that awaited something were
 * dropped (Deno 2.9.6, nbconvert 6.5). `Deno.jupyter.display` during the cell
 * was dropped rarely, and this function adds a short wait after it.
 *
 * @param values Displayable values, such as those of {@linkcode displayPlot}, or any value
 *   the kernel can format.
 * @throws {TypeError} When called outside a `deno jupyter` kernel.
 * @example
 * ```ts
 * await show(displayTable(await run.query("SELECT * FROM results LIMIT 5")));
 * ```
 */
export async function show(...values: unknown[]): Promise<void> {
  let jupyter: JupyterNamespace;
  try {
    jupyter = (Deno as unknown as { jupyter: JupyterNamespace }).jupyter;
  } catch (error) {
    throw new TypeError(
      "Cannot show values outside a notebook: Deno.jupyter exists only in the `deno jupyter` " +
        "kernel; write the value's svg, html or markdown field to a file instead",
      { cause: error },
    );
  }

  for (const value of values) await jupyter.display(value);
  await new Promise((resolve) => setTimeout(resolve, SHOW_SETTLE_MS));
}
