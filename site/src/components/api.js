/**
 * Client of the ablab HTTP server (`deno task serve`) for the pages that
 * write or follow live data. The server serves this site at its root, so API
 * paths are absolute. On a plain static host every call fails with an
 * `ApiError`, and the pages fall back to the data they were built with.
 *
 * @module
 */

/** Header the server reads the CSRF token from. */
const CSRF_HEADER = "x-csrf-token";

/** A failed API call, with the HTTP status (0 when the server was not reached). */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {unknown} [body] parsed error body, when the server sent JSON
   */
  constructor(message, status, body) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

let sessionToken;

/**
 * Returns the CSRF token the server wrote into the page, or requests one
 * from `GET /api/session`.
 */
export async function csrfToken() {
  const meta = document.querySelector('meta[name="ablab-csrf"]');
  const fromPage = meta?.getAttribute("content");
  if (fromPage) return fromPage;
  if (sessionToken) return sessionToken;
  const session = await requestJson("GET", "/api/session");
  sessionToken = session?.csrf_token ?? session?.token;
  if (typeof sessionToken !== "string") {
    throw new ApiError("the server sent no CSRF token from /api/session", 0);
  }
  return sessionToken;
}

/**
 * Sends a request and parses the JSON response.
 *
 * @param {"GET" | "POST"} method
 * @param {string} path absolute API path
 * @param {{body?: unknown, contentType?: string, signal?: AbortSignal}} [options]
 *   a string body is sent as is with `contentType`, any other body as JSON
 * @returns {Promise<any>} the parsed body; null for 204
 * @throws {ApiError} on a network failure or a status outside 2xx
 */
export async function requestJson(method, path, options = {}) {
  const headers = { accept: "application/json" };
  let body;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] = options.contentType ?? "application/json";
  }
  if (method !== "GET") headers[CSRF_HEADER] = await csrfToken();

  let response;
  try {
    response = await fetch(path, { method, headers, body, signal: options.signal });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiError(`cannot reach the ablab server: ${error.message}`, 0);
  }

  const text = await response.text();
  let parsed = null;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const detail = parsed?.error?.message ?? parsed?.error ?? parsed?.message ??
      response.statusText;
    throw new ApiError(
      `${method} ${path} failed with ${response.status}: ${detail}`,
      response.status,
      parsed,
    );
  }
  return parsed;
}

/**
 * Creates a test in draft from an experiment file's YAML.
 *
 * @param {string} yaml
 * @returns {Promise<{id: string}>}
 */
export async function createTestFromYaml(yaml) {
  const created = await requestJson("POST", "/ab-tests", {
    body: yaml,
    contentType: "application/yaml",
  });
  const id = created?.test?.id ?? created?.id ?? created?.test_id;
  if (typeof id !== "string") throw new ApiError("the server did not return the new test's id", 0);
  return { id };
}
