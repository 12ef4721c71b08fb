/**
 * Executes every notebook in notebooks/ headlessly with the Deno kernel, as
 * CI does: Debian's nbconvert runs each one into a temp folder, with its runs
 * written to another temp folder through `ABLAB_RUNS`. A cell error, a
 * `show()` call without output, or a notebook without an SVG chart fails.
 *
 * The committed notebooks are never executed in place, and they must have
 * their outputs cleared so diffs stay readable.
 *
 * @module
 */
import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { listRuns, RUNS_DIR_ENV } from "../lib/mod.ts";

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const NOTEBOOKS_DIR = join(REPO, "notebooks");
const PYTHON = "/usr/bin/python3";

/**
 * Hard limit per notebook, kernel start included. Each notebook took 12-22 s
 * in this test on a 2-core machine shared with other test runs. The limit
 * leaves room for a slower CI machine but stops a hung kernel.
 */
const NOTEBOOK_TIMEOUT_MS = 120_000;
/** Limit per cell, passed to nbconvert's ExecutePreprocessor (seconds). */
const CELL_TIMEOUT_S = 60;

interface NotebookOutput {
  output_type: string;
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}

interface NotebookCell {
  cell_type: string;
  id?: string;
  source: string | string[];
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

interface Notebook {
  cells: NotebookCell[];
  metadata: { kernelspec?: { name?: string } };
}

const notebooks = listNotebooks();
const skipReason = await findSkipReason();
if (skipReason !== undefined) console.warn(`notebooks_test: skipped: ${skipReason}`);

Deno.test("notebooks folder has the three notebooks", () => {
  const names = notebooks.map((path) => basename(path));
  assert.deepEqual(names, [
    "01_quickstart.ipynb",
    "02_explore_results.ipynb",
    "03_compare_and_rate.ipynb",
  ]);
});

for (const path of notebooks) {
  const name = basename(path);

  Deno.test(`notebook ${name} is committed without outputs`, async () => {
    const notebook = await readNotebook(path);
    assert.equal(notebook.metadata.kernelspec?.name, "deno", "kernelspec must be the Deno kernel");
    for (const cell of notebook.cells.filter((cell) => cell.cell_type === "code")) {
      assert.deepEqual(
        cell.outputs,
        [],
        `cell ${cell.id} has outputs: clear them before committing`,
      );
      assert.equal(cell.execution_count, null, `cell ${cell.id} has an execution count`);
    }
  });

  // Alternate the working directory so both ways of calling nbconvert are covered.
  const cwd = notebooks.indexOf(path) % 2 === 0 ? NOTEBOOKS_DIR : REPO;
  const from = cwd === REPO ? "the repository root" : "notebooks/";

  Deno.test({
    name: `notebook ${name} executes from ${from}`,
    ignore: skipReason !== undefined,
    fn: async () => {
      const temp = await Deno.makeTempDir({ prefix: "ablab-notebook-" });
      try {
        const runs = join(temp, "runs");
        await Deno.mkdir(runs);
        const executed = await executeNotebook(path, { cwd, outputDir: temp, runs });

        // No cell raised.
        const errors = executed.cells.flatMap((cell) =>
          (cell.outputs ?? []).filter((output) => output.output_type === "error")
            .map((output) => `${cell.id}: ${output.ename}: ${output.evalue}`)
        );
        assert.deepEqual(errors, [], "cells raised errors");

        // Every cell that calls show() displays something. Dropped outputs are the known way
        // this breaks: nbconvert stops reading a cell's output when the kernel reports idle.
        const silent = executed.cells
          .filter((cell) => cell.cell_type === "code" && /\bshow\(/.test(text(cell.source)))
          .filter((cell) => (cell.outputs ?? []).length === 0)
          .map((cell) => cell.id);
        assert.deepEqual(silent, [], "show() cells without output");

        // At least one chart rendered as SVG.
        const svgs = executed.cells.flatMap((cell) =>
          (cell.outputs ?? []).map((output) => output.data?.["image/svg+xml"])
            .filter((svg) => svg !== undefined).map(text)
        );
        assert.ok(svgs.length > 0, "no image/svg+xml output");
        for (const svg of svgs) {
          assert.match(svg, /^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        }

        // Runs went to the temp folder, not to the repository's runs/.
        const stored = await listRuns({ root: runs });
        assert.ok(stored.length > 0, `no test stored under ${RUNS_DIR_ENV}=${runs}`);
      } finally {
        await Deno.remove(temp, { recursive: true });
      }
    },
  });
}

function listNotebooks(): string[] {
  const paths: string[] = [];
  for (const entry of Deno.readDirSync(NOTEBOOKS_DIR)) {
    if (entry.isFile && entry.name.endsWith(".ipynb")) paths.push(join(NOTEBOOKS_DIR, entry.name));
  }
  return paths.sort();
}

/** Why the execution tests cannot run here, or undefined when they can. */
async function findSkipReason(): Promise<string | undefined> {
  const probe = await run([PYTHON, "-m", "nbconvert", "--version"], REPO).catch(() => undefined);
  if (probe?.success) return undefined;
  if (Deno.env.get("CI")) return undefined; // In CI a missing nbconvert must fail, not skip.
  return `${PYTHON} -m nbconvert is not available; install Debian's python3-nbconvert and ` +
    "jupyter-client, then run `deno jupyter --install`";
}

async function executeNotebook(
  path: string,
  options: { cwd: string; outputDir: string; runs: string },
): Promise<Notebook> {
  const name = basename(path);
  const result = await run(
    [
      PYTHON,
      "-m",
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
      "--output-dir",
      options.outputDir,
      "--output",
      name,
      path,
    ],
    options.cwd,
    { [RUNS_DIR_ENV]: options.runs, ABLAB_TEST_ID: "" },
  );
  assert.ok(
    result.success,
    `nbconvert failed on ${name} (exit ${result.code}). If the kernel is missing, run ` +
      `\`deno jupyter --install\`.\n${result.stderr.slice(-4000)}`,
  );
  return await readNotebook(join(options.outputDir, name));
}

async function run(
  command: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ success: boolean; code: number; stderr: string }> {
  const [program, ...args] = command;
  const child = new Deno.Command(program!, {
    args,
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(NOTEBOOK_TIMEOUT_MS),
  });
  let output: Deno.CommandOutput;
  try {
    output = await child.output();
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new Error(`${command.join(" ")} timed out after ${NOTEBOOK_TIMEOUT_MS} ms`);
    }
    throw error;
  }
  return {
    success: output.success,
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path)) as Notebook;
}

function text(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}
