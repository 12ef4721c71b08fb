/**
 * Data loader: every stored result of one test (`--test <id>`) as an Arrow
 * IPC stream, for the SQL explorer.
 */
import { resultsToArrowIpc } from "../../../loaders/arrow.ts";
import { testIdArgument, withRuns, writeOutput } from "../../../loaders/source.ts";

const testId = testIdArgument();
const results = await withRuns((store) => store.readResults(testId));
await writeOutput(resultsToArrowIpc(results));
