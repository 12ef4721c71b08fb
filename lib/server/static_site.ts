/**
 * Serving the built site (`site/dist`): files under one root only, clean
 * URLs, a Content-Security-Policy that allows exactly the page's own inline
 * scripts, and the CSRF token in a meta tag for the rating form.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { extname, join, normalize, resolve, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".arrow": "application/vnd.apache.arrow.file",
  ".parquet": "application/vnd.apache.parquet",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** Options for {@linkcode serveSiteFile}. */
export interface SiteOptions {
  /** Folder of the built site. */
  root: string;
  /** Token written into each page as `<meta name="ablab-csrf" content="...">`. */
  csrfToken: () => string;
}

/**
 * Serve a file of the built site.
 *
 * @returns The response, or undefined when no file matches (the caller returns 404).
 */
export async function serveSiteFile(
  pathname: string,
  options: SiteOptions,
): Promise<Response | undefined> {
  const path = resolveSitePath(options.root, pathname);
  if (path === undefined) return undefined;

  for (const candidate of [path, `${path}.html`, join(path, "index.html")]) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(candidate);
    } catch {
      continue;
    }
    if (!info.isFile) continue;

    const type = CONTENT_TYPES[extname(candidate).toLowerCase()] ?? "application/octet-stream";
    if (type.startsWith("text/html")) {
      return htmlResponse(await Deno.readTextFile(candidate), options.csrfToken());
    }
    const file = await Deno.open(candidate, { read: true });
    return new Response(file.readable, {
      headers: { "content-type": type, "content-length": String(info.size) },
    });
  }
  return undefined;
}

/**
 * Map a URL path to a file path under the root, or undefined when the path
 * could leave it (`..`, encoded separators, NUL bytes).
 */
export function resolveSitePath(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\") || decoded.split("/").includes("..")) {
    return undefined;
  }

  const base = resolve(root);
  const path = normalize(join(base, decoded));
  if (path !== base && !path.startsWith(base + sep)) return undefined;
  return path;
}

/** Build a page response with its CSP and the CSRF meta tag. */
function htmlResponse(html: string, csrfToken: string): Response {
  const meta = `<meta name="ablab-csrf" content="${csrfToken}">`;
  const page = /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (tag) => `${tag}\n${meta}`)
    : `${meta}\n${html}`;
  return new Response(page, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": contentSecurityPolicy(page),
      "referrer-policy": "no-referrer",
    },
  });
}

/**
 * Build a CSP for a page: scripts from this origin plus a hash of each inline
 * script (Observable Framework inlines the module that boots each page), and
 * `wasm-unsafe-eval` for DuckDB-Wasm. Styles allow inline because Framework
 * and Plot set style attributes.
 */
export function contentSecurityPolicy(html: string): string {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = match[1] ?? "";
    if (body.trim() === "") continue;
    hashes.push(`'sha256-${createHash("sha256").update(body).digest("base64")}'`);
  }
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Build the plain-text page `GET /` returns when the built site has no page for it:
 * the API routes and how to build the site.
 *
 * @param routes Method and path of each API route, in the router's order.
 * @param siteDir The site folder that was served, or undefined when none was found.
 */
export function apiIndexResponse(
  routes: readonly { method: string; path: string }[],
  siteDir: string | undefined,
): Response {
  const width = Math.max(...routes.map((route) => route.method.length));
  const lines = [
    "ablab API server",
    "",
    siteDir === undefined
      ? "No built site is served, so this page lists the API instead."
      : `The site folder ${siteDir} has no index.html, so this page lists the API instead.`,
    "Build the site with `deno task site` (it writes site/dist), then restart",
    "`deno task serve`.",
    "",
    "API routes:",
    ...routes.map((route) => `  ${route.method.padEnd(width)}  ${route.path}`),
    "",
    "Write routes (POST) from a browser need the X-CSRF-Token header from",
    "GET /api/session. Every write needs Authorization: Bearer <token> when the",
    "server runs with ABLAB_TOKEN set.",
    "",
  ];
  return new Response(lines.join("\n"), {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
