/**
 * Routes for aggregates, the report and the rating statistics.
 *
 * @module
 */
import type { DuckDBInstance } from "@duckdb/node-api";
import { measureAgreement } from "../compare/agreement.ts";
import { positionBias } from "../compare/position_bias.ts";
import { writeReport } from "../report/write_report.ts";
import { listArms } from "../schema/mod.ts";
import { aggregateResults } from "../stats/aggregate.ts";
import type { Store } from "../store/store.ts";
import type { ServerContext } from "./context.ts";
import { HttpError } from "./http_error.ts";
import type { Route } from "./router.ts";
import { requireTest, testIdParam } from "./routes_tests.ts";

type R = Route<ServerContext>;

/** Routes for aggregates, reports and rating statistics. */
export function reportRoutes(): R[] {
  return [
    {
      method: "POST",
      path: "/ab-tests/:id/aggregate",
      write: true,
      handler: async (request, match, context) => {
        const id = testIdParam(match);
        const test = await requireTest(context, id);
        const files = await context.store.resultFiles(id);
        const source = files === undefined
          ? { rows: await context.store.readResults(id) }
          : { files };
        const db = await storeDuckdb(context.store);
        const arms = await aggregateResults(source, {
          arms: listArms(test),
          signal: request.signal,
          ...(db === undefined ? {} : { db }),
        });
        return Response.json({ test_id: id, arms });
      },
    },
    {
      method: "POST",
      path: "/ab-tests/:id/report",
      write: true,
      handler: async (request, match, context) => {
        const id = testIdParam(match);
        await requireTest(context, id);
        const { report, markdown } = await writeReport(context.store, id, {
          extensions: [...context.reportExtensions],
          signal: request.signal,
          logger: context.logger,
        });
        return Response.json({ report, markdown });
      },
    },
    {
      method: "GET",
      path: "/ab-tests/:id/report",
      write: false,
      handler: async (_request, match, context) => {
        const id = testIdParam(match);
        await requireTest(context, id);
        // A run whose calls are done writes its report after the status change.
        await context.runs.settled(id);
        const report = await context.store.getReport(id);
        if (report === undefined) {
          throw new HttpError(
            404,
            `test "${id}" has no report yet; POST /ab-tests/${id}/report first`,
          );
        }
        return Response.json(report);
      },
    },
    {
      method: "GET",
      path: "/ab-tests/:id/ratings/summary",
      write: false,
      handler: async (_request, match, context) => {
        const id = testIdParam(match);
        const test = await requireTest(context, id);
        const ratings = await context.store.listRatings(id);
        return Response.json({
          test_id: id,
          ratings: ratings.length,
          position_bias: positionBias(ratings),
          agreement: measureAgreement(ratings, test.rating_dimensions),
        });
      },
    },
  ];
}

/** Return the store's own DuckDB instance when it has one (`FsStore`), so no second instance starts. */
async function storeDuckdb(store: Store): Promise<DuckDBInstance | undefined> {
  const candidate = store as Store & { duckdb?: () => Promise<DuckDBInstance> };
  return typeof candidate.duckdb === "function" ? await candidate.duckdb() : undefined;
}
