/**
 * Data loader: the dashboard data of one test (`--test <id>`), read from the
 * runs folder through ablab's public API.
 */
import { buildDashboard } from "../../../loaders/dashboard.ts";
import { readTestData } from "../../../loaders/test_data.ts";
import { testIdArgument, withRuns, writeJson } from "../../../loaders/source.ts";

const testId = testIdArgument();
const data = await withRuns((store) => readTestData(store, testId));
await writeJson(buildDashboard(data));
