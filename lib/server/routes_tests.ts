/**
 * Routes for tests: create, list, read, lifecycle, results and progress.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, parseExperiment } from "../config/mod.ts";
import {
  type ABTest,
  ABTestSchema,
  ID_PATTERN,
  listArms,
  TestResultSchema,
} from "../schema/mod.ts";
import { bodyType, parseJsonText, readText } from "./body.ts";
import type { ServerContext } from "./context.ts";
import { type FieldError, HttpError, validationError } from "./http_error.ts";
import type { Route, RouteMatch } from "./router.ts";

type R = Route<ServerContext>;

/** Read the `:id` parameter as a test id. */
export function testIdParam(match: RouteMatch): string {
  const id = match.params.id ?? "";
  if (!ID_PATTERN.test(id)) {
    throw new HttpError(400, "invalid test id: use letters, digits, '.', '_' or '-'");
  }
  return id;
}

/** Load a stored test. @throws {HttpError} 404 when the id is unknown. */
export async function requireTest(context: ServerContext, testId: string): Promise<ABTest> {
  const test = await context.tests.get(testId);
  if (test === undefined) throw new HttpError(404, `test "${testId}" not found`);
  return test;
}

/** Parse a create body: an `ABTest` as JSON, or an experiment file as YAML. */
async function readTestBody(request: Request, context: ServerContext): Promise<ABTest> {
  const type = bodyType(request, ["json", "yaml"]);
  const text = await readText(request, context.maxBodyBytes);

  if (type === "json") {
    const parsed = ABTestSchema.safeParse(parseJsonText(text));
    if (!parsed.success) throw validationError("test", parsed.error);
    checkTestReferences(parsed.data);
    return parsed.data;
  }

  // A dataset path would read a file on the server, so only inline cases are accepted.
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    raw = undefined;
  }
  const dataset = (raw as { dataset?: { path?: unknown } } | undefined)?.dataset;
  if (typeof dataset === "object" && dataset !== null && dataset.path !== undefined) {
    throw new HttpError(400, "invalid experiment: dataset.path is not accepted over HTTP", {
      fields: [{ path: "dataset.path", message: "inline the cases under dataset.cases" }],
    });
  }
  try {
    // An empty environment: `${NAME}` must not read the server's variables.
    return await parseExperiment(text, { file: "request.yaml", env: {} });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new HttpError(400, `invalid experiment: ${error.message}`, {
      fields: [{ path: error.path, message: error.detail }],
    });
  }
}

/**
 * Check what the schema cannot: unique ids in each list, and a judge that
 * names one of the test's models. Experiment files get these checks from the
 * config layer.
 *
 * @throws {HttpError} 400 listing every problem.
 */
function checkTestReferences(test: ABTest): void {
  const fields: FieldError[] = [];
  const lists = {
    variants: test.variants,
    models: test.models,
    cases: test.cases,
    rating_dimensions: test.rating_dimensions,
  };
  for (const [name, items] of Object.entries(lists)) {
    const seen = new Set<string>();
    for (const [index, item] of items.entries()) {
      if (seen.has(item.id)) {
        fields.push({ path: `${name}.${index}.id`, message: `duplicate id "${item.id}"` });
      }
      seen.add(item.id);
    }
  }
  const judgeModel = test.judge?.model;
  if (typeof judgeModel === "string" && !test.models.some((model) => model.id === judgeModel)) {
    fields.push({
      path: "judge.model",
      message: `"${judgeModel}" is not the id of a model of this test`,
    });
  }
  if (fields.length > 0) {
    throw new HttpError(400, `invalid test: ${fields.length} field error(s)`, { fields });
  }
}

const json = (body: unknown, status = 200) => Response.json(body, { status });

/** Up to this many rows per request; larger uploads go in several requests. */
const MAX_RESULTS_PER_REQUEST = 100_000;

const ResultBatchSchema = z.strictObject({
  results: z.array(TestResultSchema).min(1).max(MAX_RESULTS_PER_REQUEST),
});

/** Routes for tests. */
export function testRoutes(): R[] {
  const lifecycle = (action: "start" | "pause" | "complete"): R => ({
    method: "POST",
    path: `/ab-tests/:id/${action}`,
    write: true,
    handler: async (_request, match, context) => {
      const id = testIdParam(match);
      const test = await requireTest(context, id);
      if (action === "start") {
        const state = await context.controller.start(id);
        context.runs.start(test);
        return json(state);
      }
      // Check the transition first so an invalid one does not stop a run.
      const current = await context.controller.getState(id);
      const allowed = action === "pause"
        ? current.status === "running"
        : current.status === "running" || current.status === "paused";
      if (allowed) await context.runs.stop(id);
      const state = action === "pause"
        ? await context.controller.pause(id)
        : await context.controller.complete(id);
      return json(state);
    },
  });

  return [
    {
      method: "GET",
      path: "/ab-tests",
      write: false,
      handler: async (_request, _match, context) => {
        const states = await context.controller.list();
        const tests = await Promise.all(states.map(async (state) => {
          const test = await context.tests.get(state.test_id);
          return {
            test_id: state.test_id,
            name: test?.name ?? state.test_id,
            status: state.status,
          };
        }));
        return json({ tests });
      },
    },
    {
      method: "POST",
      path: "/ab-tests",
      write: true,
      handler: async (request, _match, context) => {
        const test = await readTestBody(request, context);
        const record = await context.controller.create(test);
        return json(record, 201);
      },
    },
    {
      method: "GET",
      path: "/ab-tests/:id",
      write: false,
      handler: async (_request, match, context) => {
        const id = testIdParam(match);
        return json(await context.controller.get(id));
      },
    },
    lifecycle("start"),
    lifecycle("pause"),
    lifecycle("complete"),
    {
      method: "POST",
      path: "/ab-tests/:id/results",
      write: true,
      handler: async (request, match, context) => {
        const id = testIdParam(match);
        await requireTest(context, id);
        const { status } = await context.controller.getState(id);
        if (status === "completed" || status === "failed") {
          throw new HttpError(409, `test "${id}" is ${status} and accepts no more results`);
        }
        bodyType(request, ["json"]);
        // One result object, or `{ results: [...] }`.
        const value = parseJsonText(await readText(request, context.maxBodyBytes));
        const batch = typeof value === "object" && value !== null && "results" in value;
        const parsed = batch
          ? ResultBatchSchema.safeParse(value)
          : TestResultSchema.safeParse(value);
        if (!parsed.success) throw validationError("results", parsed.error);
        const rows = "results" in parsed.data ? parsed.data.results : [parsed.data];
        const foreign = rows.findIndex((row) => row.test_id !== id);
        if (foreign !== -1) {
          throw new HttpError(
            409,
            `result ${foreign} belongs to test "${rows[foreign]!.test_id}", not "${id}"`,
          );
        }

        // close() flushes durably, so the 201 means the rows are on disk.
        const sink = await context.store.openResults(id);
        try {
          for (const row of rows) await sink.write(row);
        } finally {
          await sink.close();
        }
        return json({ stored: rows.length }, 201);
      },
    },
    {
      method: "GET",
      path: "/ab-tests/:id/results",
      write: false,
      handler: async (_request, match, context) => {
        const id = testIdParam(match);
        await requireTest(context, id);
        return json({ results: await context.store.readResults(id) });
      },
    },
    {
      method: "GET",
      path: "/ab-tests/:id/progress",
      write: false,
      handler: async (_request, match, context) =>
        json(await readProgress(context, testIdParam(match))),
    },
    {
      method: "GET",
      path: "/ab-tests/:id/events",
      write: false,
      handler: (request, match, context) => progressEvents(request, context, testIdParam(match)),
    },
  ];
}

/** Live progress of a test: status, stored results, pairs and ratings. */
export async function readProgress(context: ServerContext, testId: string) {
  const test = await requireTest(context, testId);
  const [state, calls, pairs, ratings] = await Promise.all([
    context.controller.getState(testId),
    context.store.storedCalls(testId),
    context.pairs.forTest(testId),
    context.store.listRatings(testId),
  ]);
  let errors = 0;
  for (const call of calls.values()) if (call.error) errors++;
  const arms = listArms(test).length;
  const perRepeat = test.traffic.mode === "factorial"
    ? test.cases.length * arms
    : test.cases.length;
  const run = context.runs.progress(testId);

  return {
    test_id: testId,
    status: state.status,
    planned_calls: perRepeat * test.repeats,
    stored_calls: calls.size,
    error_calls: errors,
    comparisons: pairs.size,
    ratings: ratings.length,
    run: { active: run.active, ...(run.progress === undefined ? {} : { progress: run.progress }) },
  };
}

/** Interval between server-sent progress events. */
const EVENT_INTERVAL_MS = 1_000;
/** An event stream ends after this long; the browser's EventSource reconnects by itself. */
const EVENT_STREAM_MAX_MS = 10 * 60_000;

/** Stream progress as server-sent events until the client leaves or the test ends. */
async function progressEvents(
  request: Request,
  context: ServerContext,
  testId: string,
): Promise<Response> {
  await requireTest(context, testId);
  const encoder = new TextEncoder();
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  // A client that leaves cancels the stream while a read may be pending, so
  // every step checks `open` first: enqueue or close on a cancelled stream
  // throws, and nothing awaits `send`, so that throw would be unhandled.
  let open = true;
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (!open) return;
    open = false;
    controller.close();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = async () => {
        try {
          const progress = await readProgress(context, testId);
          if (!open) return;
          controller.enqueue(
            encoder.encode(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`),
          );
          const final = progress.status === "completed" || progress.status === "failed";
          if (final || Date.now() - started > EVENT_STREAM_MAX_MS || request.signal.aborted) {
            finish(controller);
            return;
          }
          timer = setTimeout(send, EVENT_INTERVAL_MS);
        } catch (error) {
          if (!open) return;
          context.logger.warn("progress stream ended", {
            test_id: testId,
            error: (error as Error).message,
          });
          finish(controller);
        }
      };
      send();
    },
    cancel() {
      open = false;
      clearTimeout(timer);
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
  });
}
