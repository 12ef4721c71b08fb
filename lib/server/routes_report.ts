/**
 * Routes for aggregates, the report and the rating statistics.
 *
 * @module
 */
import { measureAgreement } from "../compare/agreement.ts";
import { positionBias } from "../compare/position_bias.ts";
import type { ServerContext } from "./context.ts";
import { HttpError } from "./http_error.ts";
import type { Route } from "./router.ts";
import { requireTest, testIdParam } from "./routes_tests.ts";

type R = Route<ServerContext>;

/** Routes for aggregates, reports and rating statistics. */
export function reportRoutes(): R[] {
  return [
    {
      method: "GET",
      path: "/ab-tests/:id/report",
      write: false,
      handler: async (_request, match, context) => {
        const id = testIdParam(match);
        await requireTest(context, id);
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
