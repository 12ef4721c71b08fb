/**
 * The response cache: successful responses stored on disk, keyed on what
 * decides a model's output, so a rerun or a second test with the same
 * requests is served without calling the provider. Off by default
 * (`ABTest.cache`), because cached rows carry no live latency.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import type { CallResponse, Provider } from "../providers/provider.ts";
import { callWithRetry, type RetryOptions, type RetryRequest, type RetryResult } from "./retry.ts";

/** Version of the entry format; entries of another version are misses. */
const ENTRY_VERSION = 1;

/** Options for `ResponseCache`. */
export interface ResponseCacheOptions {
  /** Folder of the entries, such as `runs/.cache`; created on first write. */
  dir: string;
  /** Receives a warning per unreadable entry and per failed write. Default `nullLogger`. */
  logger?: Logger;
}

/** One stored entry. */
interface CacheEntry {
  version: number;
  provider: string;
  model: string;
  created_at: string;
  response: CallResponse;
}

/**
 * Successful responses on disk, one JSON file per key under
 * `<dir>/<first two hex digits>/<sha-256>.json`, written to a temp file and
 * renamed so a reader never sees half an entry.
 *
 * The key covers the provider, base URL, model name, sampling parameters
 * (`temperature`, `top_p`, `max_tokens`, `params`), `stream`, the messages
 * and the repeat index. It leaves out the test, arm and case ids, so equal
 * requests of different tests share entries.
 *
 * NOTE: the simulated provider's output also depends on the test seed, the arm
 * and the case, which are not in the key. Enable the cache for real providers only.
 */
export class ResponseCache {
  readonly dir: string;
  readonly #logger: Logger;
  readonly #inFlight = new Map<string, Promise<CachedResult>>();

  constructor(options: ResponseCacheOptions) {
    if (options.dir === "") throw new TypeError("invalid cache dir: expected a folder path");
    this.dir = options.dir;
    this.#logger = options.logger ?? nullLogger;
  }

  /** Compute the cache key of a request: the hex SHA-256 of its canonical JSON. */
  async keyFor(request: RetryRequest): Promise<string> {
    const { model } = request;
    const material = canonicalJson({
      provider: model.provider,
      base_url: model.base_url ?? null,
      model: model.model,
      temperature: model.temperature ?? null,
      top_p: model.top_p ?? null,
      max_tokens: model.max_tokens ?? null,
      params: model.params ?? null,
      stream: model.stream,
      messages: request.messages,
      repeat: request.repeat,
    });
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(material));
    return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  /** Read the stored response of a request; undefined on a miss or an unreadable entry. */
  async get(request: RetryRequest): Promise<CallResponse | undefined> {
    return this.#read(await this.keyFor(request));
  }

  /** Store the response of a request, replacing any entry; a failed write is logged, not thrown. */
  async put(request: RetryRequest, response: CallResponse): Promise<void> {
    await this.#write(await this.keyFor(request), request, response);
  }

  /**
   * Serve a request from the cache, or call the provider through
   * `callWithRetry` and store a successful response. Concurrent calls with
   * the same key share one provider call. Errors are not cached.
   */
  async call(
    provider: Provider,
    request: RetryRequest,
    options: RetryOptions = {},
  ): Promise<CachedResult> {
    const key = await this.keyFor(request);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return { ...(await pending), fromCache: true };

    // Register before the first await, so a concurrent identical call joins this one.
    const operation = (async (): Promise<CachedResult> => {
      const cached = await this.#read(key);
      if (cached !== undefined) {
        return { response: cached, attempts: 1, latencyMs: 0, fromCache: true };
      }
      const result = await callWithRetry(provider, request, options);
      await this.#write(key, request, result.response);
      return { ...result, fromCache: false };
    })();
    this.#inFlight.set(key, operation);
    try {
      return await operation;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async #read(key: string): Promise<CallResponse | undefined> {
    const path = this.#path(key);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      this.#logger.warn("response cache entry unreadable; calling the provider", {
        path,
        error: String(error),
      });
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CacheEntry;
      if (entry.version !== ENTRY_VERSION || typeof entry.response?.output !== "string") {
        return undefined;
      }
      return entry.response;
    } catch (error) {
      this.#logger.warn("response cache entry is not valid JSON; calling the provider", {
        path,
        error: String(error),
      });
      return undefined;
    }
  }

  async #write(key: string, request: RetryRequest, response: CallResponse): Promise<void> {
    const path = this.#path(key);
    const entry: CacheEntry = {
      version: ENTRY_VERSION,
      provider: request.model.provider,
      model: request.model.model,
      created_at: new Date().toISOString(),
      response,
    };
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeTextFile(temp, JSON.stringify(entry));
      await Deno.rename(temp, path);
    } catch (error) {
      this.#logger.warn("response cache write failed; the response is not cached", {
        path,
        error: String(error),
      });
      await Deno.remove(temp).catch(() => {});
    }
  }

  #path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}

/** A response and whether the cache served it. */
export interface CachedResult extends RetryResult {
  /** True when the response came from the cache or from a concurrent identical call. */
  fromCache: boolean;
}

/** Serialize a value as JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const name of Object.keys(item).sort()) {
      sorted[name] = (item as Record<string, unknown>)[name];
    }
    return sorted;
  });
}
