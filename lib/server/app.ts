/**
 * The request handler: routing, the write checks, rate limiting, security
 * headers, error mapping and one log line per request.
 *
 * @module
 */
import { Controller } from "../controller/controller.ts";
import { TransitionError } from "../controller/errors.ts";
import { type Logger, nullLogger } from "../log.ts";
import { defaultReportExtensions } from "../report/default_extensions.ts";
import type { ReportExtension } from "../report/write_report.ts";
import { TestExistsError, TestNotFoundError } from "../store/errors.ts";
import type { Store } from "../store/store.ts";
import { PairIndex, type ServerContext, TestCache } from "./context.ts";
import { checkWriteAccess, ClientRateLimiter, CsrfTokens, type RateLimitOptions } from "./guard.ts";
import { errorResponse, HttpError } from "./http_error.ts";
import { Router } from "./router.ts";
import { ratingRoutes } from "./routes_ratings.ts";
import { reportRoutes } from "./routes_report.ts";
import { testRoutes } from "./routes_tests.ts";
import { RunManager, type TestRunner } from "./runs.ts";
import { apiIndexResponse, serveSiteFile } from "./static_site.ts";

/** Options for {@linkcode createApp}. */
export interface AppOptions {
  store: Store;
  /** Default: a controller on `store`. */
  controller?: Controller;
  /** Receives request lines, rejections, starts and stops. Default `nullLogger`. */
  logger?: Logger;
  /** Bearer token every write route requires (`ABLAB_TOKEN`); none when undefined. */
  token?: string;
  /** Folder of the built site; not served when undefined. */
  siteDir?: string;
  /** Origins besides the server's own that may call the API from a browser (CORS). Default none. */
  allowedOrigins?: string[];
  /** Per-client request limit, or false for none. Default 200 burst, 100 per second. */
  rateLimit?: RateLimitOptions | false;
  /** Largest test or results body in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Largest rating or compare body in bytes. Default 64 KiB. */
  maxRatingBytes?: number;
  /** Environment for provider API keys of runs and the judge. Default none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Runs tests started through the API. Default the engine's `runTest`. */
  runner?: TestRunner;
  /**
   * Host names (without port) the Host header may carry; others get 403, which
   * stops DNS rebinding from reaching a loopback server. Undefined accepts any.
   */
  allowedHosts?: string[];
  /**
   * Extensions of the reports the server writes: after a run it started, after
   * compare, and on `POST /ab-tests/{id}/report`. Default
   * `defaultReportExtensions()`: statistics, position bias, agreement.
   */
  reportExtensions?: ReportExtension[];
}

/** A handler and what it holds. */
export interface App {
  handler: (request: Request, info: { remoteAddr: Deno.NetAddr }) => Promise<Response>;
  context: ServerContext;
  /** Stop background runs. */
  close(): Promise<void>;
}

/** Headers every response carries. */
const BASE_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

/**
 * Build the API and site handler.
 *
 * @example
 * ```ts
 * const app = createApp({ store: new FsStore({ root: "runs" }), logger });
 * Deno.serve({ hostname: "127.0.0.1", port: 8000 }, app.handler);
 * ```
 */
export function createApp(options: AppOptions): App {
  const logger = options.logger ?? nullLogger;
  const controller = options.controller ?? new Controller({ store: options.store, logger });
  const csrf = new CsrfTokens();
  const reportExtensions = options.reportExtensions ?? defaultReportExtensions();
  const context: ServerContext = {
    store: options.store,
    controller,
    runs: new RunManager({
      store: options.store,
      controller,
      logger,
      reportExtensions,
      ...(options.runner === undefined ? {} : { runner: options.runner }),
    }),
    logger,
    csrf,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
    maxRatingBytes: options.maxRatingBytes ?? 64 * 1024,
    env: options.env ?? {},
    pairs: new PairIndex(options.store),
    tests: new TestCache(options.store),
    reportExtensions,
  };
  const routes = [...testRoutes(), ...ratingRoutes(), ...reportRoutes()];
  const router = new Router<ServerContext>().add(...routes);
  const limiter = options.rateLimit === false
    ? undefined
    : new ClientRateLimiter(options.rateLimit ?? { burst: 200, perSecond: 100 });
  const allowedOrigins = options.allowedOrigins ?? [];
  const throttle = new LogThrottle(10_000);

  const allowedHosts = options.allowedHosts?.map((host) => host.toLowerCase());

  const handle = async (request: Request, url: URL, client: string): Promise<Response> => {
    if (allowedHosts !== undefined && !allowedHosts.includes(url.hostname.toLowerCase())) {
      throw new HttpError(403, "host not allowed: use the address the server listens on");
    }
    const origin = request.headers.get("origin");
    if (request.method === "OPTIONS") {
      if (origin === null || !allowedOrigins.includes(origin)) {
        throw new HttpError(403, "cross-origin request rejected: origin not allowed");
      }
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-methods": "GET, POST",
          "access-control-allow-headers":
            "content-type, authorization, x-csrf-token, idempotency-key",
          "access-control-max-age": "600",
        },
      });
    }

    const found = router.match(request.method, url);
    if (found === undefined) {
      if (
        (request.method === "GET" || request.method === "HEAD") && options.siteDir !== undefined
      ) {
        const page = await serveSiteFile(url.pathname, {
          root: options.siteDir,
          csrfToken: () => csrf.issue(),
        });
        if (page !== undefined) return page;
      }
      // Without a built site, the root lists the API so a first visit is not a bare 404.
      if ((request.method === "GET" || request.method === "HEAD") && url.pathname === "/") {
        return apiIndexResponse(routes, options.siteDir);
      }
      throw new HttpError(404, `no route or file for ${request.method} ${url.pathname}`);
    }

    limiter?.take(client);
    if (found.route.write) {
      checkWriteAccess(request, { csrf, token: options.token, allowedOrigins });
    }
    const response = await found.route.handler(request, found.match, context);
    response.headers.set("cache-control", "no-store");
    return response;
  };

  const handler = async (
    request: Request,
    info: { remoteAddr: Deno.NetAddr },
  ): Promise<Response> => {
    const started = performance.now();
    const url = new URL(request.url);
    const client = info.remoteAddr.hostname;
    let response: Response;
    let reason: string | undefined;
    try {
      response = await handle(request, url, client);
    } catch (error) {
      const httpError = toHttpError(error);
      if (httpError.status >= 500) {
        logger.error("request failed", {
          method: request.method,
          path: url.pathname,
          error: error instanceof Error ? error.stack ?? error.message : String(error),
        });
      }
      reason = httpError.message;
      response = errorResponse(httpError);
    }

    for (const [name, value] of Object.entries(BASE_HEADERS)) response.headers.set(name, value);
    const origin = request.headers.get("origin");
    if (origin !== null && allowedOrigins.includes(origin)) {
      response.headers.set("access-control-allow-origin", origin);
      response.headers.append("vary", "origin");
    }

    const ms = Math.round(performance.now() - started);
    const line = `${request.method} ${url.pathname} -> ${response.status} in ${ms} ms`;
    const fields = {
      method: request.method,
      path: url.pathname,
      status: response.status,
      ms,
      client,
    };
    if (reason === undefined || response.status >= 500) {
      logger.info(line, fields);
    } else if (response.status !== 429 || throttle.admit(client)) {
      const suppressed = response.status === 429 ? throttle.takeSuppressed(client) : 0;
      const extra = suppressed > 0 ? ` (${suppressed} more 429s from ${client} not logged)` : "";
      logger.warn(`rejected ${line}: ${reason}${extra}`, fields);
    }
    return response;
  };

  return {
    handler,
    context,
    close: () => context.runs.close(),
  };
}

/** Map an error to the status a client gets; unknown errors become a 500 without details. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof TestNotFoundError) {
    return new HttpError(404, `test "${error.testId}" not found`);
  }
  if (error instanceof TestExistsError) {
    return new HttpError(409, `test "${error.testId}" already exists; choose another id`);
  }
  if (error instanceof TransitionError) return new HttpError(409, error.message);
  return new HttpError(500, "internal server error; see the server log");
}

/** Admits one log line per client per window and counts the lines it drops. */
class LogThrottle {
  #windowMs: number;
  #clients = new Map<string, { until: number; suppressed: number }>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** True when a line for this client may be logged now. */
  admit(client: string): boolean {
    const now = performance.now();
    const entry = this.#clients.get(client);
    if (entry !== undefined && now < entry.until) {
      entry.suppressed++;
      return false;
    }
    if (this.#clients.size > 10_000) this.#clients.clear();
    this.#clients.set(client, { until: now + this.#windowMs, suppressed: entry?.suppressed ?? 0 });
    return true;
  }

  /** Lines dropped for a client since the last call. */
  takeSuppressed(client: string): number {
    const entry = this.#clients.get(client);
    if (entry === undefined) return 0;
    const count = entry.suppressed;
    entry.suppressed = 0;
    return count;
  }
}
