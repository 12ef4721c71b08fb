/**
 * Request bodies: a byte limit enforced while reading, the content type
 * check, and JSON or YAML parsing.
 *
 * @module
 */
import type { z } from "zod";
import { HttpError, validationError } from "./http_error.ts";

/** Media types a body may have. */
export type BodyType = "json" | "yaml";

/**
 * Read a request body as text, stopping with 413 as soon as it passes
 * `maxBytes`, whether or not the client sent a Content-Length.
 *
 * @throws {HttpError} 413 when the body is too large, 400 when it is not UTF-8.
 */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return "";

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }

  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "invalid body: not UTF-8 text");
  }
}

/**
 * Check the Content-Type against the accepted types.
 *
 * @returns Which accepted type the body has.
 * @throws {HttpError} 415 for any other type.
 */
export function bodyType(request: Request, accepted: readonly BodyType[]): BodyType {
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (accepted.includes("json") && mediaType === "application/json") return "json";
  const yamlTypes = ["application/yaml", "application/x-yaml", "text/yaml"];
  if (accepted.includes("yaml") && yamlTypes.includes(mediaType)) return "yaml";

  const expected = accepted.map((type) =>
    type === "json" ? "application/json" : "application/yaml"
  );
  throw new HttpError(
    415,
    `unsupported content type "${mediaType || "(none)"}": send ${expected.join(" or ")}`,
  );
}

/**
 * Read a JSON body and validate it.
 *
 * @throws {HttpError} 415, 413, 400 for invalid JSON, or 400 with field errors.
 */
export async function readJson<T extends z.ZodType>(
  request: Request,
  schema: T,
  options: { maxBytes: number; what: string; allowEmpty?: boolean },
): Promise<z.infer<T>> {
  let value: unknown = {};
  const hasBody = request.body !== null && request.headers.get("content-length") !== "0";
  if (hasBody || !options.allowEmpty) {
    bodyType(request, ["json"]);
    const text = await readText(request, options.maxBytes);
    if (text.trim() !== "" || !options.allowEmpty) value = parseJsonText(text);
  }

  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(options.what, parsed.error);
  return parsed.data;
}

/** Parse JSON text, mapping a syntax error to 400. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `invalid JSON body: ${(error as SyntaxError).message}`);
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `request body too large: the limit is ${maxBytes} bytes`);
}
