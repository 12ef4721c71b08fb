/**
 * Benchmark: build time of the report site for a runs folder holding one
 * completed test with N results, and the bytes the test's dashboard page
 * transfers on first load in headless Chromium. The site is served by
 * the server process (lib/server/serve_command.ts) on 127.0.0.1, and any request to another host is aborted
 * and counted.
 *
 * @module
 */
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Controller, FsStore, runTest } from "../lib/mod.ts";
import { NO_RETRY_DELAY, simulatedTest } from "./_workload.ts";
import { median, REPO, runProcess, startServerProcess } from "./_process.ts";

/** Debian's Chromium; playwright-core downloads no browser of its own here. */
const CHROMIUM_PATH = "/usr/bin/chromium";

/** The page may take this long to settle; DuckDB-Wasm alone is tens of MB of WebAssembly. */
const PAGE_TIMEOUT_MS = 180_000;

/** Element that exists once the dashboard has drawn a chart. */
const READY_SELECTOR = "#observablehq-main svg";

/** Options for {@linkcode benchSite}. */
export interface SiteOptions {
  /** Results in the test: 2 prompts x 2 models x results/4 cases. */
  results: number;
  /** Site builds to time; the figure is the median. */
  builds: number;
  log: (line: string) => void;
}

/** Figures of the site benchmark. */
export interface SiteFigures {
  results: number;
  buildMs: number;
  builds: number;
  /** Milliseconds from navigation to the first chart on first load. */
  readyMs: number;
  /** Milliseconds from navigation to network idle on first load. */
  loadMs: number;
  requests: number;
  /** Response bodies plus headers as sent over the wire (`request.sizes()`). */
  transferredBytes: number;
  /** The same, for the largest single response. */
  largest: { url: string; bytes: number };
  /** Requests to other hosts than loopback, each aborted. */
  offLoopback: string[];
  /** Exit status of the server process after SIGTERM, with its last output when it failed. */
  serverExit: string;
}

/** Creates a completed test with `results` simulated results in `runsDir` and returns its id. */
async function createTest(runsDir: string, results: number): Promise<string> {
  const test = simulatedTest("bench-site", Math.ceil(results / 4), 256);
  const store = new FsStore({ root: runsDir });
  try {
    const controller = new Controller({ store });
    await controller.create(test);
    await controller.start(test.id);
    await runTest(test, {
      store,
      retry: NO_RETRY_DELAY,
    });
    await controller.complete(test.id);
  } finally {
    await store.close();
  }
  return test.id;
}

/** Builds the site from `runsDir` into `distDir` and returns the wall time. */
async function buildSite(runsDir: string, distDir: string): Promise<number> {
  const output = await runProcess(
    Deno.execPath(),
    ["run", "-A", "npm:@observablehq/framework@1.13.4", "build"],
    {
      cwd: `${REPO}site`,
      env: { ABLAB_RUNS: runsDir, ABLAB_SITE_OUT: distDir },
      timeoutMs: 10 * 60_000,
    },
  );
  if (output.code !== 0) {
    throw new Error(
      `site build exited with ${output.code}:\n${(output.stderr + output.stdout).slice(-3000)}`,
    );
  }
  return output.wallMs;
}

/** Opens `url` in a fresh headless Chromium and adds up what the page transfers until network idle. */
async function measureFirstLoad(url: string) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const offLoopback: string[] = [];
    await page.route("**/*", (route) => {
      const target = new URL(route.request().url());
      if (
        target.protocol === "data:" || target.protocol === "blob:" ||
        target.hostname === "127.0.0.1"
      ) {
        return route.continue();
      }
      offLoopback.push(target.href);
      return route.abort("blockedbyclient");
    });
    const sizes: Promise<{ url: string; bytes: number }>[] = [];
    page.on("requestfinished", (request) => {
      sizes.push(
        request.sizes().then((size) => ({
          url: request.url(),
          bytes: size.responseBodySize + size.responseHeadersSize,
        })),
      );
    });

    const startedAt = performance.now();
    const response = await page.goto(url, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
    if (response === null || response.status() !== 200) {
      throw new Error(`GET ${url} returned ${response?.status() ?? "no response"}, not 200`);
    }
    // The dashboard is ready once Plot has drawn its first chart.
    await page.locator(READY_SELECTOR).first().waitFor({ timeout: PAGE_TIMEOUT_MS });
    const readyMs = performance.now() - startedAt;
    await page.waitForLoadState("networkidle", { timeout: PAGE_TIMEOUT_MS });
    const loadMs = performance.now() - startedAt;
    const finished = await Promise.all(sizes);
    const largest = finished.reduce(
      (best, entry) => (entry.bytes > best.bytes ? entry : best),
      { url: "", bytes: 0 },
    );
    return {
      readyMs,
      loadMs,
      requests: finished.length,
      transferredBytes: finished.reduce((sum, entry) => sum + entry.bytes, 0),
      largest: { url: largest.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, ""), bytes: largest.bytes },
      offLoopback,
    };
  } finally {
    await browser.close();
  }
}

/** Runs the benchmark. */
export async function benchSite(options: SiteOptions): Promise<SiteFigures> {
  const dir = await Deno.makeTempDir({ prefix: "ablab-bench-site-" });
  let serverExit = "not started";
  try {
    const runsDir = join(dir, "runs");
    const distDir = join(dir, "dist");
    const testId = await createTest(runsDir, options.results);
    options.log(`site: stored a test with ${options.results} results`);

    const buildTimes: number[] = [];
    for (let build = 0; build < options.builds; build++) {
      await Deno.remove(distDir, { recursive: true }).catch(() => {});
      buildTimes.push(await buildSite(runsDir, distDir));
      options.log(`site: build ${build + 1} took ${(buildTimes.at(-1)! / 1000).toFixed(1)} s`);
    }

    // A separate server process, so a crash in it cannot end the benchmark.
    const server = await startServerProcess(runsDir, distDir);
    let load: Awaited<ReturnType<typeof measureFirstLoad>>;
    try {
      load = await measureFirstLoad(`${server.url}/tests/${testId}/index.html`);
    } finally {
      const exit = await server.stop();
      serverExit = exit.code === 0
        ? "exit code 0"
        : `exit code ${exit.code}: ${exit.stderr.slice(-600)}`;
    }
    options.log(
      `site: dashboard first load ${load.requests} requests, ` +
        `${(load.transferredBytes / 2 ** 20).toFixed(2)} MiB in ${
          (load.loadMs / 1000).toFixed(1)
        } s; ` +
        `server ${serverExit}`,
    );
    return {
      results: options.results,
      buildMs: median(buildTimes),
      builds: buildTimes.length,
      ...load,
      serverExit,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
