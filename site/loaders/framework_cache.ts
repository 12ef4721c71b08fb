/**
 * Framework's build cache (`<root>/.observablehq/cache`), prepared before
 * each build so the build is offline and its data is fresh.
 *
 * Offline: Framework's client library refers to npm
 * packages it loads only on demand, such as d3-dsv for CSV files and
 * apache-arrow for Arrow files. The build looks up each one's version on the
 * npm registry unless a folder `<name>@<version>` exists in its npm cache.
 * The site calls none of those features, so seeding these folders changes no
 * page and only removes the network lookups.
 *
 * @module
 */
import { mkdirSync, readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";

/**
 * Packages the Framework 1.13.4 client names, at the versions the registry
 * served on 2026-12-04. Pages import Plot and DuckDB-Wasm from node_modules,
 * never through these.
 */
export const CLIENT_NPM_PACKAGES = [
  "@duckdb/duckdb-wasm@1.32.0",
  "@observablehq/inputs@0.12.0",
  "@observablehq/plot@0.6.17",
  "@observablehq/sample-datasets@1.0.1",
  "apache-arrow@21.2.0",
  "arquero@8.0.3",
  "d3-dsv@3.0.2",
  "d3@7.9.2",
  "echarts@6.1.0",
  "htl@1.0.0",
  "leaflet@1.9.4",
  "lodash@4.18.1",
  "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0",
  "react-dom@19.3.1",
  "react@19.3.1",
  "topojson-client@3.1.0",
];

/**
 * Creates the npm cache folders Framework reads versions from.
 *
 * @param root Framework's source root, whose `.observablehq/cache/_npm` is seeded.
 */
export function seedNpmVersionCache(root: string): void {
  for (const entry of CLIENT_NPM_PACKAGES) {
    mkdirSync(join(root, ".observablehq", "cache", "_npm", entry), { recursive: true });
  }
}

/** A data loader's file name: `<name>.<extension>.ts`, such as `tests.json.ts`. */
const LOADER_NAME = /\.[A-Za-z0-9]+\.ts$/;

/**
 * Marks every data loader's output as stale by setting the loader files'
 * modification time to now. Framework reuses a cached output while it is
 * newer than its loader's file, so without this a rebuild after a new run
 * would show the old runs folder. Touching instead of deleting the cache
 * keeps a build that runs at the same time from losing files mid-write.
 *
 * NOTE: two builds of one checkout at the same time still share the cache,
 * so one may copy the other's output when both read different runs folders.
 *
 * @param root Framework's source root.
 * @returns How many loader files were marked.
 */
export function markLoadersStale(root: string): number {
  const now = new Date();
  let marked = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (LOADER_NAME.test(entry.name)) {
        utimesSync(path, now, now);
        marked++;
      }
    }
  };
  visit(root);
  return marked;
}
