/**
 * Data loader: the report of one test (`--test <id>`) and its Markdown. When
 * no report is stored yet, one is built from the stored results.
 */
import {
  buildReport,
  latestRatings,
  renderMarkdown,
  summarizeErrors,
} from "../../../../lib/mod.ts";
import { readTestData } from "../../../loaders/test_data.ts";
import { testIdArgument, withRuns, writeJson } from "../../../loaders/source.ts";

const testId = testIdArgument();
const data = await withRuns(async (store) => {
  const stored = await store.getReport(testId);
  if (stored !== undefined) return { report: stored, stored: true };
  const { test, state, metrics, ratings, results } = await readTestData(store, testId);
  const files = await store.resultFiles(testId);
  const errors = await summarizeErrors(files ? { files } : { rows: results });
  return {
    report: buildReport(test, state, metrics, {
      ratingCount: ratings.length,
      countedRatingCount: latestRatings(ratings).length,
      errors,
    }),
    stored: false,
  };
});
await writeJson({
  test_id: testId,
  report: data.report,
  markdown: renderMarkdown(data.report),
  stored: data.stored,
});
