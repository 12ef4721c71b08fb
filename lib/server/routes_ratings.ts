/**
 * Routes for blind comparisons: building pairs (and judging them), the next
 * unrated pair for a rater, and submitting a rating.
 *
 * @module
 */
import { z } from "zod";
import { blindPair, nextUnratedPair } from "../compare/blind.ts";
import { runJudge } from "../compare/judge.ts";
import { buildPairs } from "../compare/pairs.ts";
import { writeReport } from "../report/write_report.ts";
import { ChoiceSchema, ID_PATTERN, IdSchema, type Rating, type TestResult } from "../schema/mod.ts";
import { readJson } from "./body.ts";
import type { ServerContext } from "./context.ts";
import { HttpError } from "./http_error.ts";
import type { Route } from "./router.ts";
import { requireTest, testIdParam } from "./routes_tests.ts";

type R = Route<ServerContext>;

const json = (body: unknown, status = 200) => Response.json(body, { status });

const CompareBodySchema = z.strictObject({
  /** `all` pairs every two arms; `control` pairs each arm with `control`. */
  mode: z.enum(["all", "control"]).default("all"),
  control: z.string().min(1).optional(),
  /** Run the test's LLM judge on the pairs; default true when the test has a judge. */
  judge: z.boolean().optional(),
});

// No control characters, so a rater id cannot forge log lines or break a table.
const RaterIdSchema = z.string().min(1).max(200).regex(
  /^[^\p{Cc}]+$/u,
  "expected no control characters",
)
  .refine(
    (id) => !id.startsWith("judge:"),
    "rater ids starting with judge: are reserved for LLM judges",
  );

const RatingBodySchema = z.strictObject({
  /** Test the pair belongs to; when given, a pair of another test is rejected with 409. */
  test_id: IdSchema.optional(),
  rater_id: RaterIdSchema,
  choices: z.record(z.string(), ChoiceSchema),
  overall: ChoiceSchema.optional(),
  comment: z.string().max(10_000).optional(),
  /** Also accepted as the Idempotency-Key header. */
  idempotency_key: z.string().min(1).max(200).optional(),
});

/** Routes for comparisons and ratings. */
export function ratingRoutes(): R[] {
  return [
    {
      method: "GET",
      path: "/api/session",
      write: false,
      handler: (_request, _match, context) =>
        Promise.resolve(json({ csrf_token: context.csrf.issue() })),
    },
    {
      method: "POST",
      path: "/ab-tests/:id/compare",
      write: true,
      handler: async (request, match, context) => {
        const id = testIdParam(match);
        const test = await requireTest(context, id);
        const body = await readJson(request, CompareBodySchema, {
          maxBytes: context.maxRatingBytes,
          what: "compare request",
          allowEmpty: true,
        });

        if (body.judge === true && test.judge === undefined) {
          throw new HttpError(409, `test "${id}" has no judge configured; add judge to the test`);
        }

        const [results, existing] = await Promise.all([
          context.store.readResults(id),
          context.store.listComparisons(id),
        ]);
        let pairs;
        try {
          pairs = buildPairs(test, results, {
            mode: body.mode,
            existing,
            ...(body.control === undefined ? {} : { control: body.control }),
          });
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          throw new HttpError(400, error.message, {
            fields: [{ path: "control", message: error.message }],
          });
        }
        const known = new Set(existing.map((pair) => pair.id));
        const added = pairs.filter((pair) => !known.has(pair.id));
        await context.store.putComparisons(id, added);
        context.pairs.invalidate(id);

        let judge;
        if (test.judge !== undefined && body.judge !== false) {
          try {
            judge = await runJudge(test, {
              store: context.store,
              pairs,
              env: context.env,
              logger: context.logger,
              // A client that disconnects stops the judge; pairs judged so far stay stored.
              signal: request.signal,
            });
          } catch (error) {
            // An unusable judge model; the pairs are stored, so report the judge problem alone.
            if (!(error instanceof RangeError)) throw error;
            throw new HttpError(409, `pairs stored, but the judge cannot run: ${error.message}`);
          }
        }

        // The report shows the new pairs and judge ratings, as after `ablab compare`.
        let reportWritten = true;
        try {
          await writeReport(context.store, id, {
            extensions: [...context.reportExtensions],
            logger: context.logger,
          });
        } catch (error) {
          reportWritten = false;
          context.logger.error("report not written after compare", {
            test_id: id,
            error: (error as Error).message,
          });
        }
        return json({
          comparisons: pairs.length,
          created: added.length,
          ...(judge ? { judge } : {}),
          report_written: reportWritten,
        });
      },
    },
    {
      method: "GET",
      path: "/ab-tests/:id/comparisons/next",
      write: false,
      handler: async (_request, match, context) => {
        const id = testIdParam(match);
        const test = await requireTest(context, id);
        const parsed = RaterIdSchema.safeParse(match.url.searchParams.get("rater") ?? "");
        if (!parsed.success) {
          throw new HttpError(400, "invalid rater query parameter", {
            fields: [{ path: "rater", message: parsed.error.issues[0]?.message ?? "invalid" }],
          });
        }

        const [pairs, ratings] = await Promise.all([
          context.pairs.forTest(id),
          context.store.listRatings(id),
        ]);
        const pair = nextUnratedPair([...pairs.values()], { raterId: parsed.data, ratings });
        if (pair === undefined) return new Response(null, { status: 204 });
        const results = await context.store.readResults(id);
        const byKey = new Map<string, TestResult>(results.map((row) => [row.call_key, row]));
        const view = blindPair(test, pair, byKey);
        if (view === undefined) throw new HttpError(409, `pair "${pair.id}" has no stored outputs`);
        const remaining = pairs.size - ratings.filter((r) => r.rater_id === parsed.data).length;
        return json({ pair: view, remaining });
      },
    },
    {
      method: "POST",
      path: "/ab-tests/rate/:comparison_id",
      write: true,
      handler: (request, match, context) =>
        rate(request, match.params.comparison_id ?? "", context),
    },
  ];
}

/** Store one rating of a pair and reveal the pair's arms. */
async function rate(
  request: Request,
  comparisonId: string,
  context: ServerContext,
): Promise<Response> {
  if (!ID_PATTERN.test(comparisonId)) {
    throw new HttpError(400, "invalid comparison id: use letters, digits, '.', '_' or '-'");
  }
  const body = await readJson(request, RatingBodySchema, {
    maxBytes: context.maxRatingBytes,
    what: "rating",
  });

  // The pair's test: named in the body, or found by id.
  const testId = body.test_id ?? await context.pairs.findTest(comparisonId);
  if (testId === undefined) throw new HttpError(404, `comparison "${comparisonId}" not found`);
  const test = await requireTest(context, testId);
  const pair = (await context.pairs.forTest(testId)).get(comparisonId);
  if (pair === undefined) {
    const owner = await context.pairs.findTest(comparisonId);
    if (owner === undefined) throw new HttpError(404, `comparison "${comparisonId}" not found`);
    throw new HttpError(409, `comparison "${comparisonId}" does not belong to test "${testId}"`);
  }

  // Exactly the test's dimensions.
  const expected = test.rating_dimensions.map((dimension) => dimension.id);
  const fields = [
    ...expected.filter((id) => !(id in body.choices)).map((id) => ({
      path: `choices.${id}`,
      message: "missing choice: expected A, B, tie or both_bad",
    })),
    ...Object.keys(body.choices).filter((id) => !expected.includes(id)).map((id) => ({
      path: `choices.${id}`,
      message: `unknown dimension: expected one of ${expected.join(", ")}`,
    })),
  ];
  if (fields.length > 0) {
    throw new HttpError(400, `invalid rating: ${fields.length} field error(s)`, { fields });
  }

  const key = body.idempotency_key ?? request.headers.get("idempotency-key") ?? crypto.randomUUID();
  if (key.length > 200) throw new HttpError(400, "invalid Idempotency-Key: at most 200 characters");
  const rating: Rating = {
    comparison_id: comparisonId,
    test_id: testId,
    rater_id: body.rater_id,
    choices: body.choices,
    ...(body.overall === undefined ? {} : { overall: body.overall }),
    ...(body.comment === undefined ? {} : { comment: body.comment }),
    idempotency_key: key,
    created_at: new Date().toISOString(),
  };

  // The store syncs the rating to disk before it returns.
  const stored = await context.store.putRating(rating);
  if (
    !stored.created &&
    (stored.rating.comparison_id !== comparisonId || stored.rating.rater_id !== body.rater_id)
  ) {
    throw new HttpError(409, "idempotency key already used for another rating; send a new key");
  }
  return json(
    {
      rating: stored.rating,
      created: stored.created,
      revealed: { arm_a: pair.arm_a, arm_b: pair.arm_b },
    },
    stored.created ? 201 : 200,
  );
}
