/**
 * Data loader: one row per stored test for the tests index page.
 */
import { buildIndexRow, sortIndexRows } from "../../loaders/tests_index.ts";
import { readIndexInput } from "../../loaders/test_data.ts";
import { withRuns, writeJson } from "../../loaders/source.ts";

const rows = await withRuns(async (store) => {
  const ids = await store.listTests();
  const inputs = [];
  for (const id of ids) inputs.push(await readIndexInput(store, id));
  return inputs.map(buildIndexRow);
});
await writeJson(sortIndexRows(rows));
