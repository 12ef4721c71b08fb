import assert from "node:assert/strict";
import { FIXTURE_ARMS, fixtureResults, fixtureTest } from "../lib/compare/_testing.ts";
import { postJson, startTestServer, type TestServer } from "../lib/server/_testing.ts";

/** Two tests with results and pairs, created through the API. */
async function seed(t: TestServer): Promise<{ pairA: string; pairB: string }> {
  const pairs: string[] = [];
  for (const id of ["alpha", "beta"]) {
    const test = fixtureTest(2, { id, rating_dimensions: [{ id: "helpful" }, { id: "tone" }] });
    assert.equal((await postJson(`${t.url}/ab-tests`, test)).status, 201);
    const results = fixtureResults(test);
    assert.equal((await postJson(`${t.url}/ab-tests/${id}/results`, { results })).status, 201);
    const compared = await postJson(`${t.url}/ab-tests/${id}/compare`, {});
    assert.equal(compared.body.comparisons, 12);
    const next = await (await fetch(`${t.url}/ab-tests/${id}/comparisons/next?rater=seed`)).json();
    pairs.push(next.pair.comparison_id);
  }
  return { pairA: pairs[0]!, pairB: pairs[1]! };
}

interface Case {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  status: number;
}

const JSON_TYPE = { "content-type": "application/json" };
const RATING = { rater_id: "ann", choices: { helpful: "A", tone: "B" } };

Deno.test("server rejects malformed and hostile requests", async () => {
  await using t = await startTestServer({ maxBodyBytes: 64 * 1024 });
  const { pairA, pairB } = await seed(t);
  const beforeRatings = (await t.store.listRatings("alpha")).length;
  const beforeResults = (await t.store.readResults("alpha")).length;
  const origin = new URL(t.url).origin;
  const huge = JSON.stringify({
    ...fixtureTest(1, { id: "huge" }),
    description: "x".repeat(70_000),
  });
  const chunked = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(8192)));
      controller.close();
    },
  });
  const rate = (
    pair: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Partial<Case> => ({
    path: `/ab-tests/rate/${pair}`,
    headers: { ...JSON_TYPE, ...headers },
    body: JSON.stringify(body),
  });

  const cases: Case[] = [
    { name: "bad JSON", path: "/ab-tests", headers: JSON_TYPE, body: "{not json", status: 400 },
    {
      name: "wrong types",
      path: "/ab-tests",
      headers: JSON_TYPE,
      body: JSON.stringify({ ...fixtureTest(1, { id: "typed" }), seed: "seven" }),
      status: 400,
    },
    {
      name: "duplicate case ids",
      path: "/ab-tests",
      headers: JSON_TYPE,
      body: JSON.stringify({
        ...fixtureTest(1, { id: "dupes" }),
        cases: [{ id: "c", vars: { q: "1" } }, { id: "c", vars: { q: "2" } }],
      }),
      status: 400,
    },
    {
      name: "judge of no model",
      path: "/ab-tests",
      headers: JSON_TYPE,
      body: JSON.stringify({
        ...fixtureTest(1, { id: "judged" }),
        judge: { model: "ghost", rubric: "r" },
      }),
      status: 400,
    },
    { name: "JSON array body", path: "/ab-tests", headers: JSON_TYPE, body: "[]", status: 400 },
    {
      name: "text/plain body",
      path: "/ab-tests",
      headers: { "content-type": "text/plain" },
      body: "{}",
      status: 415,
    },
    { name: "no content type", path: "/ab-tests", body: new Uint8Array([123, 125]), status: 415 },
    { name: "huge body", path: "/ab-tests", headers: JSON_TYPE, body: huge, status: 413 },
    {
      name: "huge chunked body",
      path: "/ab-tests",
      headers: JSON_TYPE,
      body: chunked,
      status: 413,
    },
    {
      name: "duplicate test id",
      path: "/ab-tests",
      headers: JSON_TYPE,
      body: JSON.stringify(fixtureTest(1, { id: "alpha" })),
      status: 409,
    },
    {
      name: "YAML dataset path",
      path: "/ab-tests",
      headers: { "content-type": "application/yaml" },
      body: "id: leak\nvariants: [{id: v, template: '{{a}}'}]\nmodels: [{id: m, model: x}]\n" +
        "dataset: {path: /etc/passwd}\n",
      status: 400,
    },
    {
      name: "YAML syntax error",
      path: "/ab-tests",
      headers: { "content-type": "application/yaml" },
      body: "id: [unclosed\n",
      status: 400,
    },
    { name: "unknown test start", path: "/ab-tests/nope/start", status: 404 },
    { name: "path traversal in test id", path: "/ab-tests/..%2F..%2Fetc/start", status: 400 },
    { name: "traversal read", method: "GET", path: "/ab-tests/..%2Falpha", status: 400 },
    { name: "pause a draft", path: "/ab-tests/alpha/pause", status: 409 },
    { name: "complete a draft", path: "/ab-tests/alpha/complete", status: 409 },
    {
      name: "unknown comparison",
      ...rate("cmp-000000000000000000000000", RATING),
      status: 404,
    } as Case,
    {
      name: "comparison of another test",
      ...rate(pairB, { ...RATING, test_id: "alpha" }),
      status: 409,
    } as Case,
    {
      name: "traversal in comparison id",
      ...rate("..%2F..%2Fratings", RATING),
      status: 400,
    } as Case,
    {
      name: "missing dimension",
      ...rate(pairA, { rater_id: "ann", choices: { helpful: "A" } }),
      status: 400,
    } as Case,
    {
      name: "invalid choice",
      ...rate(pairA, { rater_id: "ann", choices: { helpful: "C", tone: "A" } }),
      status: 400,
    } as Case,
    { name: "unknown field", ...rate(pairA, { ...RATING, arm_a: "x" }), status: 400 } as Case,
    {
      name: "reserved judge id",
      ...rate(pairA, { ...RATING, rater_id: "judge:me" }),
      status: 400,
    } as Case,
    {
      name: "control character in rater",
      ...rate(pairA, { ...RATING, rater_id: "ann\nINFO fake" }),
      status: 400,
    } as Case,
    {
      name: "cross-origin without token",
      ...rate(pairA, RATING, { origin: "http://evil.example" }),
      status: 403,
    } as Case,
    {
      name: "same origin without CSRF token",
      ...rate(pairA, RATING, { origin }),
      status: 403,
    } as Case,
    {
      name: "cross-site fetch",
      ...rate(pairA, RATING, { "sec-fetch-site": "cross-site" }),
      status: 403,
    } as Case,
    {
      name: "forged CSRF token",
      ...rate(pairA, RATING, { origin, "x-csrf-token": "abc.def" }),
      status: 403,
    } as Case,
    {
      name: "huge comment",
      ...rate(pairA, { ...RATING, comment: "x".repeat(70_000) }),
      status: 413,
    } as Case,
    {
      name: "foreign result",
      path: "/ab-tests/alpha/results",
      headers: JSON_TYPE,
      body: JSON.stringify(fixtureResults(fixtureTest(1, { id: "beta" }))[0]),
      status: 409,
    },
    {
      name: "result of wrong type",
      path: "/ab-tests/alpha/results",
      headers: JSON_TYPE,
      body: JSON.stringify({ results: [{ test_id: "alpha", latency_ms: "fast" }] }),
      status: 400,
    },
    {
      name: "unknown control arm",
      path: "/ab-tests/alpha/compare",
      headers: JSON_TYPE,
      body: JSON.stringify({ mode: "control", control: "v9/m9" }),
      status: 400,
    },
    {
      name: "judge without a judge",
      path: "/ab-tests/alpha/compare",
      headers: JSON_TYPE,
      body: JSON.stringify({ judge: true }),
      status: 409,
    },
    {
      name: "next without rater",
      method: "GET",
      path: "/ab-tests/alpha/comparisons/next",
      status: 400,
    },
    { name: "wrong method", method: "PUT", path: "/ab-tests", status: 405 },
    { name: "unknown route", method: "GET", path: "/admin", status: 404 },
    { name: "preflight from a stranger", method: "OPTIONS", path: "/ab-tests", status: 403 },
  ];
  assert.ok(cases.length >= 20);

  for (const item of cases) {
    const response = await fetch(`${t.url}${item.path}`, {
      method: item.method ?? "POST",
      headers: item.headers ?? {},
      ...(item.body === undefined ? {} : { body: item.body }),
    });
    const text = await response.text();
    assert.equal(response.status, item.status, `${item.name}: ${text}`);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", item.name);
    if (item.status !== 405 && item.method !== "OPTIONS") {
      const body = JSON.parse(text);
      assert.equal(body.error.status, item.status, item.name);
      assert.ok(!/\bat .*\.ts:\d+/.test(text), `${item.name} leaks a stack trace`);
    }
  }

  // Nothing of the rejected requests was stored.
  assert.equal((await t.store.listRatings("alpha")).length, beforeRatings);
  assert.equal((await t.store.listRatings("beta")).length, 0);
  assert.equal((await t.store.readResults("alpha")).length, beforeResults);
  assert.deepEqual(await t.store.listTests(), ["alpha", "beta"]);
  const rejections = t.logger.lines.filter((line) => line.message.startsWith("rejected "));
  assert.ok(rejections.length >= cases.length - 1, `${rejections.length} rejections logged`);
});

Deno.test("server accepts a browser rating with its CSRF token", async () => {
  await using t = await startTestServer();
  const { pairA } = await seed(t);
  const session = await (await fetch(`${t.url}/api/session`)).json();
  const headers = {
    origin: new URL(t.url).origin,
    "sec-fetch-site": "same-origin",
    "x-csrf-token": session.csrf_token,
  };
  const rated = await postJson(`${t.url}/ab-tests/rate/${pairA}`, RATING, headers);
  assert.equal(rated.status, 201);
  assert.equal((await t.store.listRatings("alpha")).length, 1);
});

Deno.test("server stores a repeated idempotency key once", async () => {
  await using t = await startTestServer();
  const { pairA } = await seed(t);
  const url = `${t.url}/ab-tests/rate/${pairA}`;
  const first = await postJson(url, RATING, { "idempotency-key": "k-1" });
  const second = await postJson(url, { ...RATING, choices: { helpful: "B", tone: "B" } }, {
    "idempotency-key": "k-1",
  });
  const stranger = await postJson(url, { ...RATING, rater_id: "bob" }, {
    "idempotency-key": "k-1",
  });
  assert.equal(first.status, 201);
  assert.equal(second.status, 200);
  assert.deepEqual(second.body.rating, first.body.rating);
  assert.equal(stranger.status, 409);
  assert.equal((await t.store.listRatings("alpha")).length, 1);
});

Deno.test("server requires the bearer token for writes", async () => {
  await using t = await startTestServer({ token: "s3cret-token" });
  const test = fixtureTest(1, { id: "gamma" });
  const missing = await postJson(`${t.url}/ab-tests`, test);
  const wrong = await postJson(`${t.url}/ab-tests`, test, { authorization: "Bearer nope" });
  assert.equal(missing.status, 401);
  assert.equal(wrong.status, 401);
  assert.ok(!JSON.stringify(wrong.body).includes("s3cret"));
  assert.deepEqual(await t.store.listTests(), []);

  const allowed = await postJson(`${t.url}/ab-tests`, test, {
    authorization: "Bearer s3cret-token",
  });
  assert.equal(allowed.status, 201);
  assert.equal((await fetch(`${t.url}/ab-tests`)).status, 200);
});

Deno.test("server limits requests per client", async () => {
  await using t = await startTestServer({ rateLimit: { burst: 5, perSecond: 0.5 } });
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    const response = await fetch(`${t.url}/ab-tests`);
    await response.body?.cancel();
    statuses.push(response.status);
    if (response.status === 429) assert.equal(response.headers.get("retry-after"), "2");
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  const logged = t.logger.lines.filter((line) => line.message.includes("-> 429"));
  assert.equal(logged.length, 1);
});

Deno.test("server serves the site with a CSP", async () => {
  const site = await Deno.makeTempDir({ prefix: "ablab-site-" });
  await Deno.writeTextFile(
    `${site}/index.html`,
    "<!doctype html><html><head><title>x</title></head><body><script type=module>boot()</script></body></html>",
  );
  await Deno.mkdir(`${site}/rate`);
  await Deno.writeTextFile(`${site}/rate.html`, "<html><head></head><body>rate</body></html>");
  try {
    await using t = await startTestServer({ siteDir: site });
    const page = await fetch(`${t.url}/`);
    const html = await page.text();
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.equal(page.status, 200);
    assert.match(html, /<meta name="ablab-csrf" content="[\w-]+\.[\w-]+">/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");

    const clean = await fetch(`${t.url}/rate`);
    assert.equal(clean.status, 200);
    assert.match(await clean.text(), /rate/);

    for (
      const path of ["/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%00", "/missing"]
    ) {
      const response = await fetch(`${t.url}${path}`);
      await response.body?.cancel();
      assert.equal(response.status, 404, path);
    }
  } finally {
    await Deno.remove(site, { recursive: true });
  }
});

Deno.test("fixture arms match the fixture test", () => {
  assert.equal(FIXTURE_ARMS.length, 4);
});

/** Send a raw HTTP/1.1 request, so the Host header can be chosen. */
async function rawRequest(port: number, lines: string[]): Promise<string> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await connection.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    const buffer = new Uint8Array(4096);
    const read = await connection.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0));
  } finally {
    connection.close();
  }
}

Deno.test("server rejects foreign Host headers", async () => {
  await using t = await startTestServer();
  const port = Number(new URL(t.url).port);
  const rebound = await rawRequest(port, [
    "GET /ab-tests HTTP/1.1",
    "Host: evil.example:" + port,
    "Connection: close",
  ]);
  assert.match(rebound, /^HTTP\/1\.1 403/);
  const local = await rawRequest(port, [
    "GET /ab-tests HTTP/1.1",
    "Host: localhost",
    "Connection: close",
  ]);
  assert.match(local, /^HTTP\/1\.1 200/);
});
