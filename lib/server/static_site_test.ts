import assert from "node:assert/strict";
import { startTestServer } from "./_testing.ts";
import { contentSecurityPolicy, resolveSitePath } from "./static_site.ts";

Deno.test("resolveSitePath() keeps paths under the root", () => {
  assert.equal(resolveSitePath("/srv/site", "/index.html"), "/srv/site/index.html");
  assert.equal(resolveSitePath("/srv/site", "/"), "/srv/site/");
  for (
    const path of [
      "/../etc/passwd",
      "/%2e%2e/etc",
      "/a/..%2f..%2fb",
      "/%00",
      "/a%5c..%5cb",
      "/%E0%A4%A",
    ]
  ) {
    assert.equal(resolveSitePath("/srv/site", path), undefined, path);
  }
});

Deno.test("contentSecurityPolicy() hashes inline scripts only", async () => {
  const csp = contentSecurityPolicy(
    '<script type="module">go()</script><script src="/a.js"></script><script> </script>',
  );
  const hashes = csp.match(/'sha256-[^']+'/g) ?? [];
  assert.equal(hashes.length, 1);
  // sha256("go()") in base64.
  const expected = btoa(String.fromCharCode(
    ...new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode("go()")),
    ),
  ));
  assert.equal(hashes[0], `'sha256-${expected}'`);
  assert.match(csp, /object-src 'none'/);
});

Deno.test("GET / without a site lists the API", async () => {
  await using server = await startTestServer();

  const response = await fetch(`${server.url}/`);
  const text = await response.text();

  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
  assert.match(text, /deno task site/);
  assert.match(text, /^ {2}POST {2}\/ab-tests\/:id\/compare$/m);
  assert.match(text, /^ {2}GET {3}\/ab-tests$/m);
});

Deno.test("GET of another missing path stays 404", async () => {
  await using server = await startTestServer();

  const response = await fetch(`${server.url}/nope`);
  await response.body?.cancel();

  assert.equal(response.status, 404);
});
