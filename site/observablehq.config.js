/**
 * Observable Framework configuration of the ablab report site. Data loaders
 * are Deno scripts (`*.json.ts` and friends) that read the runs folder
 * through ablab's public API; `ABLAB_RUNS` points them at another folder and
 * `ABLAB_SITE_OUT` sends the build elsewhere than `site/dist`.
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { listTestPaths } from "./loaders/paths.ts";
import { seedNpmVersionCache } from "./loaders/offline_npm.ts";

// Without this the build asks the npm registry for versions of packages it never loads.
seedNpmVersionCache(fileURLToPath(new URL("./src", import.meta.url)));

export default {
  title: "ablab",
  root: "src",
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
  footer: "Built by ablab with Observable Framework.",
  search: false,
};
