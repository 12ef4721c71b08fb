import assert from "node:assert/strict";
import { checkWriteAccess, ClientRateLimiter, CsrfTokens } from "./guard.ts";
import { HttpError } from "./http_error.ts";

Deno.test("CsrfTokens verifies only its own tokens", () => {
  const tokens = new CsrfTokens();
  const other = new CsrfTokens();
  const token = tokens.issue();
  assert.equal(tokens.verify(token), true);
  assert.equal(other.verify(token), false);
  assert.equal(tokens.verify(null), false);
  assert.equal(tokens.verify(`${token}.extra`), false);
  assert.equal(tokens.verify(token.replace(/.$/, (c) => (c === "A" ? "B" : "A"))), false);
});

Deno.test("ClientRateLimiter refills over time", () => {
  let now = 0;
  const limiter = new ClientRateLimiter({ burst: 2, perSecond: 1, now: () => now });
  limiter.take("a");
  limiter.take("a");
  assert.throws(() => limiter.take("a"), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 429);
    assert.equal(error.headers["retry-after"], "1");
    return true;
  });
  limiter.take("b");
  now = 1000;
  limiter.take("a");
});

Deno.test("ClientRateLimiter rejects invalid limits", () => {
  assert.throws(() => new ClientRateLimiter({ burst: 0, perSecond: 1 }), RangeError);
  assert.throws(() => new ClientRateLimiter({ burst: 1, perSecond: 0 }), RangeError);
});

Deno.test("checkWriteAccess lets scripts write without CSRF", () => {
  const csrf = new CsrfTokens();
  const request = new Request("http://127.0.0.1:8000/ab-tests", { method: "POST" });
  checkWriteAccess(request, { csrf, token: undefined, allowedOrigins: [] });
});

Deno.test("checkWriteAccess needs CSRF from an allowed origin", () => {
  const csrf = new CsrfTokens();
  const options = { csrf, token: undefined, allowedOrigins: ["https://site.example"] };
  const from = (headers: Record<string, string>) =>
    new Request("http://127.0.0.1:8000/ab-tests", { method: "POST", headers });
  const status = (headers: Record<string, string>) => {
    try {
      checkWriteAccess(from(headers), options);
      return 200;
    } catch (error) {
      return (error as HttpError).status;
    }
  };
  assert.equal(status({ origin: "https://site.example" }), 403);
  assert.equal(status({ origin: "https://site.example", "x-csrf-token": csrf.issue() }), 200);
  assert.equal(status({ origin: "https://other.example", "x-csrf-token": csrf.issue() }), 403);
  assert.equal(status({ "sec-fetch-site": "same-site", "x-csrf-token": csrf.issue() }), 403);
  assert.equal(status({ "sec-fetch-site": "none" }), 403);
});

Deno.test("checkWriteAccess compares the bearer token", () => {
  const csrf = new CsrfTokens();
  const options = { csrf, token: "t0ken", allowedOrigins: [] };
  const request = (authorization: string) =>
    new Request("http://127.0.0.1:8000/x", { method: "POST", headers: { authorization } });
  checkWriteAccess(request("Bearer t0ken"), options);
  assert.throws(() => checkWriteAccess(request("Bearer t0ke"), options), HttpError);
  assert.throws(() => checkWriteAccess(request("Basic t0ken"), options), HttpError);
});
