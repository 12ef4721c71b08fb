/**
 * A small router: routes are a method and a path of fixed segments and
 * `:name` parameters.
 *
 * @module
 */
import { HttpError } from "./http_error.ts";

/** Route match passed to a handler with the request: path parameters and the URL. */
export interface RouteMatch {
  /** Decoded path parameters by name. */
  params: Record<string, string>;
  url: URL;
}

/** A route handler. */
export type Handler<C> = (request: Request, match: RouteMatch, context: C) => Promise<Response>;

/** One route. */
export interface Route<C> {
  method: "GET" | "POST";
  /** Path such as `/ab-tests/:id/start`. */
  path: string;
  /** True for routes that change state: they get the write checks. */
  write: boolean;
  handler: Handler<C>;
}

/** Matches requests to routes. */
export class Router<C> {
  #routes: { route: Route<C>; segments: string[] }[] = [];

  /** Add routes in order; the first match wins. */
  add(...routes: Route<C>[]): this {
    for (const route of routes) this.#routes.push({ route, segments: route.path.split("/") });
    return this;
  }

  /**
   * Find the route for a request.
   *
   * @returns The route and its match, or undefined when no path matches.
   * @throws {HttpError} 405 when the path matches but the method does not, 400 for a bad escape.
   */
  match(method: string, url: URL): { route: Route<C>; match: RouteMatch } | undefined {
    const segments = url.pathname.split("/");
    const allowed: string[] = [];
    for (const { route, segments: pattern } of this.#routes) {
      const params = matchSegments(pattern, segments);
      if (params === undefined) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) {
        return { route, match: { params, url } };
      }
      allowed.push(route.method);
    }
    if (allowed.length === 0) return undefined;
    throw new HttpError(405, `method ${method} not allowed on ${url.pathname}`, {
      headers: { allow: [...new Set(allowed)].join(", ") },
    });
  }
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = segments[i]!;
    if (expected.startsWith(":")) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        throw new HttpError(400, `invalid percent-encoding in path segment "${actual}"`);
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
