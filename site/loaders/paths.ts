/**
 * Pages Framework builds for each stored test: the dashboard, the report,
 * the blind comparison view and the SQL explorer.
 *
 * @module
 */
import { withRuns } from "./source.ts";

/** Pages made per test, under `/tests/<id>/`. */
export const TEST_PAGES = ["index", "report", "compare", "explore"] as const;

/** Yields the path of every per-test page for the tests in the runs folder. */
export async function* listTestPaths(): AsyncGenerator<string> {
  // A missing runs folder lists no test, so the site has an empty index.
  const ids = await withRuns((store) => store.listTests());
  for (const id of ids) {
    for (const page of TEST_PAGES) yield `/tests/${id}/${page}`;
  }
}
