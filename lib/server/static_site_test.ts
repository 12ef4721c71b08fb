import assert from "node:assert/strict";
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
