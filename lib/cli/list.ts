/**
 * `ablab list`: every stored test with its status.
 *
 * @module
 */
import { Controller, DEFAULT_RUNS_DIR as DEFAULT_OUT_DIR, FsStore } from "../mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { EXIT_OK, UsageError } from "./errors.ts";

const USAGE = `Usage: ablab list [--out DIR] [--json]

Lists the tests stored under DIR with their status, newest change last.

Options:
  --out DIR  folder that holds the runs (default ${DEFAULT_OUT_DIR})
  --json     print a JSON array on stdout instead of a table`;

/** One row of `ablab list`. */
export interface ListedTest {
  id: string;
  name: string;
  status: string;
  /** Time of the latest status change, ISO 8601. */
  updated_at: string;
  /** Reason of the latest status change, when one was given. */
  reason: string | null;
}

export const listCommand: Command = {
  summary: "list stored tests with their status",
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string", default: DEFAULT_OUT_DIR },
      json: { type: "boolean", default: false },
    }, USAGE);
    if (positionals.length > 0) {
      throw new UsageError(`unexpected arguments: ${positionals.join(" ")}\n${USAGE}`);
    }

    const rows = await listTests(values.out);
    if (values.json) {
      context.io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    } else if (rows.length === 0) {
      context.io.stdout(`no tests under ${values.out}/\n`);
    } else {
      context.io.stdout(formatTable(rows));
    }
    return EXIT_OK;
  },
};

async function listTests(outDir: string): Promise<ListedTest[]> {
  const store = new FsStore({ root: outDir });
  try {
    const controller = new Controller({ store });
    const rows: ListedTest[] = [];
    for (const state of await controller.list()) {
      const test = await store.getTest(state.test_id);
      const last = state.history.at(-1)!;
      rows.push({
        id: state.test_id,
        name: test?.name ?? "",
        status: state.status,
        updated_at: last.at,
        reason: last.reason ?? null,
      });
    }
    return rows;
  } finally {
    await store.close();
  }
}

function formatTable(rows: ListedTest[]): string {
  const header = ["ID", "STATUS", "UPDATED", "NAME"];
  const cells = rows.map((row) => [
    row.id,
    row.reason === null ? row.status : `${row.status} (${row.reason})`,
    row.updated_at,
    row.name,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column]!.length))
  );
  const format = (cell: string[]) =>
    cell.map((text, column) => text.padEnd(widths[column]!)).join("  ").trimEnd();
  return [format(header), ...cells.map(format)].join("\n") + "\n";
}
