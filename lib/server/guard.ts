/**
 * Protection of write routes: the same-origin check for browsers, CSRF
 * tokens, the optional bearer token, and a per-client rate limit.
 *
 * @module
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { HttpError } from "./http_error.ts";

/** Header a browser page sends its CSRF token in. */
export const CSRF_HEADER = "x-csrf-token";

/**
 * Issues and verifies CSRF tokens: a random nonce and its HMAC under a key
 * that lives only in this process, so tokens stop working on restart.
 */
export class CsrfTokens {
  #key: Uint8Array;

  constructor(key: Uint8Array = randomBytes(32)) {
    this.#key = key;
  }

  /** Issue a new token. */
  issue(): string {
    const nonce = randomBytes(16).toString("base64url");
    return `${nonce}.${this.#sign(nonce)}`;
  }

  /** Check a token this instance issued. */
  verify(token: string | null): boolean {
    if (token === null) return false;
    const [nonce, mac, extra] = token.split(".");
    if (nonce === undefined || mac === undefined || extra !== undefined) return false;
    return safeEqual(mac, this.#sign(nonce));
  }

  #sign(nonce: string): string {
    return createHmac("sha256", this.#key).update(nonce).digest("base64url");
  }
}

/** Options for {@linkcode checkWriteAccess}. */
export interface WriteAccessOptions {
  csrf: CsrfTokens;
  /** Bearer token every write must carry; none when undefined. */
  token: string | undefined;
  /** Origins other than the server's own that may write (CORS). */
  allowedOrigins: readonly string[];
}

/**
 * Reject a write the caller may not make.
 *
 * A request that carries `Origin` or `Sec-Fetch-Site` comes from a browser:
 * it must be same-origin (or from an allowed origin) and carry a CSRF token
 * from `GET /api/session`. Other clients (scripts, the CLI) cannot be forged
 * by a web page, so they skip the CSRF check. When a bearer token is set,
 * every write needs it.
 *
 * @throws {HttpError} 401 without the bearer token, 403 for a cross-site or token-less browser write.
 */
export function checkWriteAccess(request: Request, options: WriteAccessOptions): void {
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  const ownOrigin = new URL(request.url).origin;
  const allowed = origin !== null && options.allowedOrigins.includes(origin);

  if (origin !== null && origin !== ownOrigin && !allowed) {
    throw new HttpError(403, "cross-origin write rejected: the Origin header is not this server");
  }
  if (fetchSite !== null && fetchSite !== "same-origin" && fetchSite !== "none" && !allowed) {
    throw new HttpError(403, `cross-site write rejected: Sec-Fetch-Site is ${fetchSite}`);
  }
  if (
    (origin !== null || fetchSite !== null) &&
    !options.csrf.verify(request.headers.get(CSRF_HEADER))
  ) {
    throw new HttpError(
      403,
      `missing or invalid CSRF token: get one from GET /api/session and send it in ${CSRF_HEADER}`,
    );
  }

  if (options.token !== undefined) {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer (.+)$/.exec(header);
    if (match === null || !safeEqual(match[1]!, options.token)) {
      throw new HttpError(401, "missing or invalid bearer token for a write route", {
        headers: { "www-authenticate": 'Bearer realm="ablab"' },
      });
    }
  }
}

/** Options for {@linkcode ClientRateLimiter}. */
export interface RateLimitOptions {
  /** Requests a client may send in a burst. */
  burst: number;
  /** Requests per second a client regains. */
  perSecond: number;
  /** Clock in milliseconds. Default `performance.now`. */
  now?: () => number;
}

/** Token bucket per client address. */
export class ClientRateLimiter {
  #buckets = new Map<string, { tokens: number; at: number }>();
  #burst: number;
  #perSecond: number;
  #now: () => number;

  constructor(options: RateLimitOptions) {
    if (!(options.burst >= 1) || !(options.perSecond > 0)) {
      throw new RangeError(
        `invalid rate limit: burst ${options.burst} and perSecond ${options.perSecond} must be at least 1 and above 0`,
      );
    }
    this.#burst = options.burst;
    this.#perSecond = options.perSecond;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Take one request from a client's bucket.
   *
   * @throws {HttpError} 429 with Retry-After when the bucket is empty.
   */
  take(client: string): void {
    const now = this.#now();
    const bucket = this.#buckets.get(client) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(
      this.#burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond,
    );
    bucket.at = now;
    if (bucket.tokens < 1) {
      const waitSeconds = Math.ceil((1 - bucket.tokens) / this.#perSecond);
      this.#buckets.set(client, bucket);
      throw new HttpError(429, `too many requests: retry in ${waitSeconds} s`, {
        headers: { "retry-after": String(waitSeconds) },
      });
    }
    bucket.tokens -= 1;
    this.#buckets.set(client, bucket);

    // Drop buckets that have refilled so the map stays bounded by active clients.
    if (this.#buckets.size > 10_000) {
      for (const [key, entry] of this.#buckets) {
        if (entry.tokens + ((now - entry.at) / 1000) * this.#perSecond >= this.#burst) {
          this.#buckets.delete(key);
        }
      }
    }
  }
}

/** Compare two strings in constant time for equal lengths. */
function safeEqual(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}
