/**
 * A loopback server that speaks the OpenAI chat completions and Anthropic
 * Messages wire formats, JSON and SSE, and injects faults on request, for
 * testing the real SDKs end to end.
 *
 * Faults are chosen per request, first match wins: the `x-mock-fault` header,
 * a model name suffix such as `gpt-test@rate_limit`, a wrong API key when
 * `apiKey` is set, then the `faults` schedule.
 *
 * @module
 */
import { type FaultSchedule, type MockFault, parseFault } from "./faults.ts";
import { anthropicResponse } from "./anthropic_wire.ts";
import { openaiResponse } from "./openai_wire.ts";
import { buildAnswer, delay, jsonResponse, type UsageExtras } from "./wire.ts";

export * from "./faults.ts";
export type { UsageExtras } from "./wire.ts";

/** Headers a 429 uses to set the client's wait. */
export type RetryAfterStyle =
  /** `retry-after-ms`, plus `retry-after` in whole seconds rounded up. */
  | "ms"
  /** `retry-after` in seconds only. */
  | "seconds"
  /** Only the provider's reset headers (`x-ratelimit-reset-*` or `anthropic-ratelimit-*-reset`). */
  | "reset"
  /** No wait at all. */
  | "none";

/** Options for `startMockServer`. */
export interface MockServerOptions {
  /** Delay before every response or error in milliseconds. Default 50. */
  latencyMs?: number;
  /** Delay between stream events in milliseconds. Default 2. */
  gapMs?: number;
  /** Delay of a `slow` response in milliseconds. Default 10,000. */
  slowMs?: number;
  /** Wait a 429 requests in milliseconds. Default 20. */
  retryAfterMs?: number;
  /** Headers a 429 carries. Default `ms`. */
  retryAfterStyle?: RetryAfterStyle;
  /** Fault per request when no header, model suffix or key check chose one. Default none. */
  faults?: FaultSchedule;
  /** The only API key accepted; any other gets 401. Default: every key is accepted. */
  apiKey?: string;
  /** Words per response. Default 8. */
  outputWords?: number;
  /** Cache and reasoning tokens added to every usage block. Default none. */
  usage?: UsageExtras;
}

/** One request the server received. */
export interface MockArrival {
  /** Arrival index over all requests, from 0. */
  index: number;
  api: "openai" | "anthropic";
  /** Model name without any `@fault` suffix. */
  model: string;
  /** `Idempotency-Key` header, when sent. */
  key: string | undefined;
  /** Arrival index for this key, from 0. */
  attempt: number;
  fault: MockFault | undefined;
  /** Arrival time in milliseconds on `performance.now()`. */
  arrivedAt: number;
  /** Time the status line was ready, in milliseconds on `performance.now()`. */
  respondedAt: number | undefined;
  status: number | undefined;
  /** Wait the 429 requested in milliseconds, when it requested one. */
  retryAfterMs: number | undefined;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Counters of a running mock server. */
export interface MockServerStats {
  /** Requests received on the two API routes. */
  requests: number;
  /** Requests per injected fault. */
  faults: Partial<Record<MockFault, number>>;
  /** Every request in arrival order. */
  arrivals: MockArrival[];
  /** Requests for one idempotency key in arrival order. */
  byKey(key: string): MockArrival[];
}

/** A running mock server. */
export interface MockServer {
  /** Origin such as `http://127.0.0.1:43121`; the Anthropic SDK's base URL. */
  url: string;
  /** `url` plus `/v1`; the OpenAI SDK's base URL. */
  openaiBaseUrl: string;
  stats: MockServerStats;
  /** Abort held responses and close the server. */
  stop(): Promise<void>;
}

/**
 * Start the mock server on 127.0.0.1 on a free port.
 *
 * @example
 * ```ts
 * const server = await startMockServer({ latencyMs: 5 });
 * const client = new OpenAI({ apiKey: "test", baseURL: server.openaiBaseUrl });
 * await server.stop();
 * ```
 */
export function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const latencyMs = options.latencyMs ?? 50;
  const gapMs = options.gapMs ?? 2;
  const slowMs = options.slowMs ?? 10_000;
  const retryAfterMs = options.retryAfterMs ?? 20;
  const retryAfterStyle = options.retryAfterStyle ?? "ms";
  const outputWords = options.outputWords ?? 8;
  const extras = options.usage ?? {};

  const stopping = new AbortController();
  const arrivals: MockArrival[] = [];
  const keyed = new Map<string, MockArrival[]>();
  const stats: MockServerStats = {
    requests: 0,
    faults: {},
    arrivals,
    byKey: (key) => keyed.get(key) ?? [],
  };

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const api = request.method === "POST" && url.pathname === "/v1/chat/completions"
      ? "openai"
      : request.method === "POST" && url.pathname === "/v1/messages"
      ? "anthropic"
      : undefined;
    if (api === undefined) {
      return jsonResponse(
        { error: { message: `no route ${request.method} ${url.pathname}` } },
        404,
      );
    }

    // Record the arrival before anything else, so timing checks see it.
    const arrivedAt = performance.now();
    const key = request.headers.get("idempotency-key") ?? undefined;
    let body: Record<string, unknown>;
    try {
      body = await request.json();
    } catch {
      return jsonResponse({ error: { message: "request body is not JSON" } }, 400);
    }
    const [model = "", suffix] = String(body.model ?? "").split("@", 2);
    const previous = key === undefined ? [] : keyed.get(key) ?? [];
    const arrival: MockArrival = {
      index: arrivals.length,
      api,
      model,
      key,
      attempt: previous.length,
      fault: undefined,
      arrivedAt,
      respondedAt: undefined,
      status: undefined,
      retryAfterMs: undefined,
      body,
      headers: request.headers,
    };
    arrivals.push(arrival);
    if (key !== undefined) keyed.set(key, [...previous, arrival]);
    stats.requests++;

    // Anthropic's SDK sends `x-api-key` or, in recent versions, a bearer token.
    const bearer = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
    const sentKey = api === "openai" ? bearer : request.headers.get("x-api-key") ?? bearer;
    const fault = parseFault(request.headers.get("x-mock-fault")) ?? parseFault(suffix) ??
      (options.apiKey !== undefined && sentKey !== options.apiKey ? "unauthorized" : undefined) ??
      options.faults?.({ api, model, key, attempt: arrival.attempt, index: arrival.index });
    arrival.fault = fault;
    if (fault !== undefined) stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;

    // Hold the response until the latency passes or the server stops. The
    // request's own signal is not used: Deno.serve aborts it once a response
    // is sent, which would cut streams short.
    const signal = stopping.signal;
    try {
      await delay(fault === "slow" ? slowMs : latencyMs, signal);
    } catch {
      arrival.status = 499;
      return new Response(null, { status: 499 });
    }

    const answer = buildAnswer(
      Array.isArray(body.messages) ? body.messages : [],
      { outputWords, extras },
    );
    const rateLimitHeaders = buildRateLimitHeaders(api, retryAfterStyle, retryAfterMs);
    const stream = body.stream === true;
    const response = api === "openai"
      ? openaiResponse({
        model,
        stream,
        includeUsage: (body.stream_options as { include_usage?: boolean } | undefined)
          ?.include_usage === true,
        answer,
        fault,
        rateLimitHeaders,
        sentKey,
        gapMs,
        signal,
      })
      : anthropicResponse({ model, stream, answer, fault, rateLimitHeaders, gapMs, signal });

    arrival.respondedAt = performance.now();
    arrival.status = response.status;
    if (response.status === 429 && fault === "rate_limit" && retryAfterStyle !== "none") {
      arrival.retryAfterMs = retryAfterMs;
    }
    return response;
  }

  const { promise, resolve } = Promise.withResolvers<MockServer>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => {
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        openaiBaseUrl: `${url}/v1`,
        stats,
        stop: async () => {
          stopping.abort(new Error("mock server stopping"));
          await server.shutdown();
        },
      });
    },
  }, handle);
  return promise;
}

/** Build the headers of a 429 for the API and style. */
function buildRateLimitHeaders(
  api: "openai" | "anthropic",
  style: RetryAfterStyle,
  retryAfterMs: number,
): Headers {
  const headers = new Headers();
  if (style === "ms") {
    headers.set("retry-after-ms", String(retryAfterMs));
    headers.set("retry-after", String(Math.ceil(retryAfterMs / 1000)));
  } else if (style === "seconds") {
    headers.set("retry-after", String(Math.ceil(retryAfterMs / 1000)));
  } else if (style === "reset" && api === "openai") {
    headers.set("x-ratelimit-remaining-requests", "0");
    headers.set("x-ratelimit-reset-requests", `${retryAfterMs}ms`);
    headers.set("x-ratelimit-remaining-tokens", "9000");
    headers.set("x-ratelimit-reset-tokens", "6m0s");
  } else if (style === "reset") {
    headers.set("anthropic-ratelimit-requests-remaining", "0");
    headers.set(
      "anthropic-ratelimit-requests-reset",
      new Date(Date.now() + retryAfterMs).toISOString(),
    );
  }
  return headers;
}
