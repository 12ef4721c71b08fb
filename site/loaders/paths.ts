/**
 * Pages Framework builds for each stored test: the dashboard, the report,
 * the blind comparison view and the SQL explorer.
 *
 * @module
 */
import { runsDir, withRuns } from "./source.ts";

/** Pages made per test, under `/tests/<id>/`. */
export const TEST_PAGES = ["index", "report", "compare", "explore"] as const;

/** Yields the path of every per-test page for the tests in the runs folder. */
export async function* listTestPaths(): AsyncGenerator<string> {
  let ids: string[] = [];
  try {
    ids = await withRuns((store) => store.listTests());
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    // NOTE: a missing runs folder builds a site with an empty index.
    console.warn(`ablab site: no runs folder at ${runsDir()}; building without tests`);
  }
  for (const id of ids) {
    for (const page of TEST_PAGES) yield `/tests/${id}/${page}`;
  }
}
