/**
 * A plain static file server on loopback, standing in for "any static host":
 * no CSRF meta tag, no API, only files.
 *
 * @module
 */
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".arrow": "application/vnd.apache.arrow.stream",
};

/** A running static server. */
export interface StaticServer {
  /** Base URL, ending in `/`. */
  url: string;
  close(): Promise<void>;
}

/** Serves the files under `root` on 127.0.0.1 at a free port. */
export function serveStatic(root: string): StaticServer {
  const base = resolve(root);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const pathname = decodeURIComponent(new URL(request.url).pathname);
    const path = normalize(join(base, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    if (!path.startsWith(base + sep)) return new Response("not found", { status: 404 });
    try {
      const body = await Deno.readFile(path);
      const type = TYPES[extname(path)] ?? "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const { port } = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.shutdown() };
}
