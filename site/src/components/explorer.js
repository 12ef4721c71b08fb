/**
 * The SQL explorer: DuckDB-Wasm in a worker, loaded from this site's own
 * files, over a `results` table read from an Arrow IPC stream. No DuckDB
 * extension is used, so nothing is fetched from outside the site.
 *
 * @module
 */
import * as duckdb from "@duckdb/duckdb-wasm";
import { formatCount } from "./format.js";
import { outputBlock, textElement } from "./text.js";

/** Rows shown per query. The count line above the table shows when more matched. */
export const MAX_ROWS_SHOWN = 500;

/** Code points shown per cell before it collapses. */
const CELL_PREVIEW = 200;

/** Example queries offered under the editor. */
export const EXAMPLE_QUERIES = [
  {
    label: "Calls, errors and cost per arm",
    sql: `SELECT arm_id,
       count(*) AS calls,
       count(error_class) AS errors,
       round(sum(cost_usd), 6) AS cost_usd
FROM results
GROUP BY arm_id
ORDER BY arm_id`,
  },
  {
    label: "Latency percentiles per arm",
    sql: `SELECT arm_id,
       count(latency_ms) AS n,
       quantile_cont(latency_ms, 0.5) AS p50_ms,
       quantile_cont(latency_ms, 0.95) AS p95_ms,
       quantile_cont(latency_ms, 0.99) AS p99_ms
FROM results
WHERE error_class IS NULL AND NOT from_cache
GROUP BY arm_id
ORDER BY arm_id`,
  },
  {
    label: "Slowest calls",
    sql: `SELECT arm_id, case_id, latency_ms, completion_tokens, output
FROM results
WHERE error_class IS NULL
ORDER BY latency_ms DESC
LIMIT 20`,
  },
  {
    label: "Errors by class",
    sql: `SELECT arm_id, error_class, count(*) AS calls, any_value(error_message) AS example
FROM results
WHERE error_class IS NOT NULL
GROUP BY ALL
ORDER BY calls DESC`,
  },
];

/**
 * Starts DuckDB-Wasm and loads the results table.
 *
 * @param {{wasmUrl: string, workerUrl: string, arrowUrl: string}} urls
 *   the engine, its worker, and the Arrow IPC stream of the results
 * @returns {Promise<{connection: any, rows: number}>}
 */
export async function openResultsDatabase({ wasmUrl, workerUrl, arrowUrl }) {
  const worker = new Worker(workerUrl, { type: "module" });
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(wasmUrl);
  await db.open({ query: { castBigIntToDouble: true } });
  const connection = await db.connect();

  // Extensions would be downloaded from the internet; the explorer needs none.
  for (const setting of ["autoinstall_known_extensions", "autoload_known_extensions"]) {
    try {
      await connection.query(`SET ${setting} = false`);
    } catch {
      // Builds without extension support have no such setting.
    }
  }

  const response = await fetch(arrowUrl);
  if (!response.ok) throw new Error(`cannot load the results (${response.status} for ${arrowUrl})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  await connection.insertArrowFromIPCStream(bytes, { name: "results" });
  const count = await connection.query("SELECT count(*) AS n FROM results");
  return { connection, rows: Number(count.toArray()[0].n) };
}

/** Converts a DuckDB value to display text; nested values become JSON. */
function cellText(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "object") {
    if (value instanceof Date) return value.toISOString();
    return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return String(value);
}

/**
 * Builds a table of a query result; every cell is text, long cells collapse.
 *
 * @param {any} table an Arrow table from DuckDB-Wasm
 * @returns {HTMLElement}
 */
export function resultTable(table) {
  const wrapper = document.createElement("div");
  wrapper.className = "ablab-sql-result";
  const columns = table.schema.fields.map((field) => field.name);
  const total = table.numRows;
  const shown = Math.min(total, MAX_ROWS_SHOWN);

  const element = document.createElement("table");
  element.className = "ablab-table";
  const head = document.createElement("tr");
  for (const column of columns) head.append(textElement("th", column));
  element.createTHead().append(head);
  const body = element.createTBody();
  for (let i = 0; i < shown; i++) {
    const row = table.get(i);
    const tr = document.createElement("tr");
    for (const column of columns) {
      const td = document.createElement("td");
      const text = cellText(row?.[column]);
      if (text === null) td.append(textElement("span", "NULL", "ablab-muted"));
      else if (Array.from(text).length > CELL_PREVIEW) {
        td.append(outputBlock(text, { limit: CELL_PREVIEW }));
      } else td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }

  const count = total > shown
    ? `${formatCount(total)} rows; the first ${formatCount(shown)} are shown.`
    : `${formatCount(total)} rows.`;
  wrapper.append(textElement("p", count, "ablab-muted"), element);
  return wrapper;
}

/**
 * Builds the explorer: an editor, example queries, a Run button (also
 * Ctrl+Enter or Cmd+Enter) and the result.
 *
 * @param {Promise<{connection: any, rows: number}>} database
 * @returns {HTMLElement}
 */
export function explorer(database) {
  const root = document.createElement("div");
  root.className = "ablab-explorer";
  const editor = document.createElement("textarea");
  editor.name = "sql";
  editor.rows = 8;
  editor.spellcheck = false;
  editor.value = EXAMPLE_QUERIES[0].sql;
  editor.setAttribute("aria-label", "SQL query");

  const run = textElement("button", "Run query");
  run.type = "button";
  run.name = "run";
  run.disabled = true;
  const status = textElement("p", "Starting DuckDB…", "ablab-muted ablab-sql-status");
  status.setAttribute("role", "status");
  const output = document.createElement("div");

  const examples = document.createElement("p");
  examples.append("Examples: ");
  EXAMPLE_QUERIES.forEach((example, i) => {
    const button = textElement("button", example.label, "ablab-link-button");
    button.type = "button";
    button.addEventListener("click", () => {
      editor.value = example.sql;
      execute();
    });
    if (i > 0) examples.append(" · ");
    examples.append(button);
  });

  const ready = database.then((db) => {
    status.textContent = `Table results: ${
      formatCount(db.rows)
    } rows. Run a query with the button or Ctrl+Enter.`;
    run.disabled = false;
    return db;
  }, (error) => {
    status.textContent = `DuckDB could not start: ${error.message}`;
    throw error;
  });

  async function execute() {
    let connection;
    try {
      ({ connection } = await ready);
    } catch {
      return; // The status line already shows why DuckDB did not start.
    }
    run.disabled = true;
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const table = await connection.query(editor.value);
      const ms = Math.round(performance.now() - started);
      status.textContent = `Done in ${ms} ms.`;
      output.replaceChildren(resultTable(table));
    } catch (error) {
      status.textContent = "The query failed.";
      output.replaceChildren(textElement("pre", error.message, "ablab-error"));
    } finally {
      run.disabled = false;
    }
  }

  run.addEventListener("click", execute);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      execute();
    }
  });

  ready.then(execute, () => {});

  root.append(editor, examples, run, status, output);
  return root;
}
