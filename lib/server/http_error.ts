/**
 * `HttpError`, which route handlers throw to send an HTTP error status, and
 * the JSON body of every error response.
 *
 * @module
 */
import type { z } from "zod";

/** One invalid field of a request body. */
export interface FieldError {
  /** Dotted path such as `choices.helpful`; empty for the body itself. */
  path: string;
  message: string;
}

/** Options for {@linkcode HttpError}. */
export interface HttpErrorOptions {
  /** Invalid fields, for 400 responses. */
  fields?: FieldError[];
  /** Extra response headers, such as `Retry-After` or `Allow`. */
  headers?: Record<string, string>;
}

/**
 * A request the server rejects with a status. The message is sent to the
 * client, so it must never contain a secret or a stack trace.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly fields: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }
}

/** Build a 400 error that lists zod's issues as field errors. */
export function validationError(what: string, error: z.ZodError): HttpError {
  const fields = error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  return new HttpError(400, `invalid ${what}: ${fields.length} field error(s)`, { fields });
}

/** Build the JSON response for an error. */
export function errorResponse(error: HttpError): Response {
  const body: Record<string, unknown> = { status: error.status, message: error.message };
  if (error.fields !== undefined) body.fields = error.fields;
  return Response.json({ error: body }, { status: error.status, headers: error.headers });
}
