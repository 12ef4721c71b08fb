/**
 * Observable Framework configuration of the ablab report site. Data loaders
 * are Deno scripts (`*.json.ts` and friends) that read the runs folder
 * through ablab's public API. `ABLAB_RUNS` points them at another folder,
 * `ABLAB_SITE_OUT` sends the build elsewhere than `site/dist`, and
 * `ABLAB_SITE_SRC` names a copy of `src` inside `site/` to build from, so
 * that a build with its own Framework cache cannot clash with another.
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { listTestPaths } from "./loaders/paths.ts";
import { markLoadersStale, seedNpmVersionCache } from "./loaders/framework_cache.ts";

const sourceFolder = process.env.ABLAB_SITE_SRC || "src";
if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(sourceFolder)) {
  throw new TypeError(
    `Invalid ABLAB_SITE_SRC "${sourceFolder}": expected the name of a folder inside site/`,
  );
}
const root = fileURLToPath(new URL(`./${sourceFolder}`, import.meta.url));
// Fresh data on every build, and no registry lookups for packages the pages never load.
markLoadersStale(root);
seedNpmVersionCache(root);

/**
 * Favicon as an inline SVG data URL: a browser requests /favicon.ico when a
 * page names no icon, and that 404 showed as a console error on every page.
 */
const FAVICON = "data:image/svg+xml," + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">' +
    '<rect width="16" height="16" rx="3" fill="#1e40af"/>' +
    '<path d="M3 12 6 4h1l3 8M4.2 9h3.6M11 4v8h2.5" stroke="#fff" fill="none" stroke-width="1.4"/>' +
    "</svg>",
);

export default {
  title: "ablab",
  head: `<link rel="icon" type="image/svg+xml" href="${FAVICON}">`,
  root: sourceFolder,
  output: process.env.ABLAB_SITE_OUT || "dist",
  // Loaders run under Deno so they can import lib/mod.ts directly.
  interpreters: { ".ts": ["deno", "run", "-A"] },
  // No web fonts: every request of a page stays on the host that serves it.
  globalStylesheets: [],
  // Links end in .html and folders in index.html, so any static host serves the build.
  preserveIndex: true,
  preserveExtension: true,
  pages: [
    { name: "Tests", path: "/index" },
    { name: "New test", path: "/configure" },
  ],
  dynamicPaths: listTestPaths,
  style: "style.css",
  pager: false,
  footer: "Built by ablab with Observable Framework.",
  search: false,
};
