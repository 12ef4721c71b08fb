/**
 * Browser tests of the report site: headless Chromium against the built site
 * served by the ablab server (and by a plain static server) on loopback.
 * Every page must render without console errors and request nothing off
 * 127.0.0.1. Screenshots go to tests/artifacts/.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { ABTestReportSchema, FsStore, startServer } from "../../lib/mod.ts";
import {
  browserSkipReason,
  closePage,
  launchChromium,
  screenshot,
  type WatchedPage,
  watchedPage,
} from "./harness.ts";
import {
  DEMO_ID,
  HOSTILE_ID,
  HOSTILE_JUDGE,
  HOSTILE_OUTPUTS,
  LIVE_ID,
  LONG_OUTPUT,
  PWNED_GLOBAL,
  REPO,
  siteFixture,
} from "./site_fixture.ts";
import { serveStatic } from "./static_server.ts";

const skip = browserSkipReason();
if (skip !== undefined) console.warn(`Skipping the browser tests: ${skip}.`);

/** Upper bound for one page to settle; DuckDB-Wasm 1.32 compiles 34 MB of WebAssembly. */
const PAGE_TIMEOUT_MS = 60_000;

/** Asserts a page logged no error and requested nothing off loopback. */
function assertClean(watched: WatchedPage, page: string) {
  assert.deepEqual(watched.errors, [], `console errors on ${page}`);
  assert.deepEqual(watched.offLoopback, [], `requests off 127.0.0.1 from ${page}`);
}

/** Asserts no hostile snippet ran in the page. */
async function assertNoScriptRan(watched: WatchedPage, page: string) {
  const pwned = await watched.page.evaluate(
    (name) => (globalThis as Record<string, unknown>)[name],
    PWNED_GLOBAL,
  );
  assert.equal(pwned, undefined, `a hostile snippet ran on ${page}`);
  assert.deepEqual(watched.dialogs, [], `a dialog opened on ${page}`);
}

/**
 * Asserts the hostile dashboard's streaming table has a row for the streamed
 * arm and a row of missing values for the other.
 */
async function assertStreamingTable(watched: WatchedPage) {
  const table = watched.page.locator(".ablab-streaming table");
  await table.waitFor({ timeout: PAGE_TIMEOUT_MS });
  const streamed = await table.locator("tr", { hasText: "echo/sim" }).innerText();
  assert.match(streamed, /\t2\t/, `TTFT n of the streamed arm: ${streamed}`);
  assert.match(streamed, /ms \(rough\)/, `small-sample mark: ${streamed}`);
  const unstreamed = await table.locator("tr", { hasText: "plain/sim" }).innerText();
  assert.equal(unstreamed.split("\t").map((cell) => cell.trim()).join("|"), "plain/sim|0|–|–|–");
}

/**
 * Asserts the report page shows its sections as tables, has no Markdown
 * source in a `<pre>`, and does not scroll sideways as a whole.
 */
async function assertReportTables(watched: WatchedPage, name: string) {
  const page = watched.page;
  await page.locator(".ablab-section table").first().waitFor({ timeout: PAGE_TIMEOUT_MS });
  assert.ok(await page.locator(".ablab-section table").count() >= 3, `section tables on ${name}`);
  const preTexts = await page.locator("#observablehq-main pre").allInnerTexts();
  assert.deepEqual(
    preTexts.filter((text) => text.includes("|")),
    [],
    `Markdown in <pre> on ${name}`,
  );
  // Strings, because this file is type-checked without the DOM library.
  const overflow = await page.evaluate<number>(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  );
  assert.ok(overflow <= 0, `${name} is ${overflow} px wider than the window`);
  const scroll = await page.evaluate<string>(
    "getComputedStyle(document.querySelector('.ablab-section .ablab-table-scroll')).overflowX",
  );
  assert.equal(scroll, "auto", `table scroll on ${name}`);
}

async function deno(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test({
  name: "site in Chromium: pages, rating, configurator, live view",
  ignore: skip !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const fixture = await siteFixture();
    const store = new FsStore({ root: fixture.runsDir });
    const server = await startServer({
      store,
      port: 0,
      siteDir: fixture.distDir,
      rateLimit: false,
    });
    const staticHost = serveStatic(fixture.distDir);
    let browser: Browser | undefined;

    try {
      browser = await launchChromium();
      const open = async (base: string, path: string) => {
        const watched = await watchedPage(browser!);
        await watched.page.goto(new URL(path, base).href, { waitUntil: "load" });
        return watched;
      };
      const api = `${server.url}/`;

      await t.step("build writes every page", async () => {
        for (const path of ["index.html", "configure.html"]) {
          assert.ok((await Deno.stat(`${fixture.distDir}/${path}`)).isFile, path);
        }
        for (const id of [DEMO_ID, HOSTILE_ID, LIVE_ID]) {
          for (const page of ["index", "report", "compare", "explore"]) {
            assert.ok(
              (await Deno.stat(`${fixture.distDir}/tests/${id}/${page}.html`)).isFile,
              `${id}/${page}`,
            );
          }
        }
      });

      await t.step("index links to dashboards from a static host", async () => {
        const watched = await open(staticHost.url, "index.html");
        await watched.page.locator("table.ablab-index").waitFor({ timeout: PAGE_TIMEOUT_MS });
        const rows = await watched.page.locator("table.ablab-index tbody tr").count();
        assert.equal(rows, 3);
        assert.match(
          await watched.page.locator("table.ablab-index").innerText(),
          /Hostile <script>/,
        );
        await assertNoScriptRan(watched, "index");
        const indexText = await watched.page.locator("table.ablab-index").innerText();
        assert.match(indexText, /Judge cost/);
        assert.match(indexText, /no judge/, "the demo has no judge");
        const favicon = await watched.page.locator('head link[rel="icon"]').getAttribute("href");
        assert.match(favicon ?? "", /^data:image\/svg\+xml,/, "no inline favicon");
        await screenshot(watched.page, "index");
        await watched.page.getByRole("link", { name: "Support reply tone" }).click();
        await watched.page.waitForURL(/tests\/site-demo\/index\.html$/);
        await watched.page.locator(".ablab-kpis").waitFor({ timeout: PAGE_TIMEOUT_MS });
        assertClean(watched, "index");
        await closePage(watched);
      });

      await t.step("dashboard renders charts", async () => {
        const watched = await open(api, `tests/${DEMO_ID}/index.html`);
        const page = watched.page;
        await page.locator(".ablab-kpis").waitFor({ timeout: PAGE_TIMEOUT_MS });
        await page.locator("figure svg, svg.plot-d6a7b5").first().waitFor({
          timeout: PAGE_TIMEOUT_MS,
        });
        // Latency, cost against quality, tokens, win matrix and ranking charts (plus legends).
        assert.ok(await page.locator("svg").count() >= 5, "fewer SVG charts than expected");
        const kpis = await page.locator(".ablab-kpis").innerText();
        assert.match(kpis, /240/);
        assert.match(await page.locator("body").innerText(), /No sample ratio mismatch/);
        assert.equal(await page.locator(".ablab-streaming").count(), 0, "streaming table shown");
        await screenshot(page, "dashboard");
        assertClean(watched, "dashboard");
        await closePage(watched);
      });

      await t.step("rating form stores a rating and reveals the arms", async () => {
        const watched = await open(api, `tests/${DEMO_ID}/compare.html`);
        const page = watched.page;
        await page.locator('input[name="rater"]').fill("browser-rater");
        await page.locator('button[name="start"]').click();
        await page.locator(".ablab-verdicts").waitFor({ timeout: PAGE_TIMEOUT_MS });
        await screenshot(page, "compare");

        // Verdicts by keyboard, one per dimension; Enter on the button submits.
        await page.locator(".ablab-case h3").click();
        await page.keyboard.press("a");
        await page.keyboard.press("t");
        await page.keyboard.press("b");
        await page.locator('textarea[name="comment"]').fill("Left reads warmer.");
        await page.locator('button[name="submit"]').focus();
        await page.keyboard.press("Enter");
        const revealed = page.locator(".ablab-revealed");
        await revealed.waitFor({ timeout: PAGE_TIMEOUT_MS });
        const text = await revealed.innerText();
        await screenshot(page, "compare-revealed");

        const ratings = (await store.listRatings(DEMO_ID)).filter((r) =>
          r.rater_id === "browser-rater"
        );
        assert.equal(ratings.length, 1);
        const rating = ratings[0]!;
        assert.deepEqual(rating.choices, { helpfulness: "A", accuracy: "tie", tone: "B" });
        assert.equal(rating.comment, "Left reads warmer.");
        const pair = (await store.listComparisons(DEMO_ID)).find((p) =>
          p.id === rating.comparison_id
        )!;
        assert.ok(text.includes(`A was ${pair.arm_a}, B was ${pair.arm_b}`), text);
        assert.match(await page.locator(".ablab-progress").innerText(), /^1 rated in this session/);

        // The next pair comes from the server's queue for this rater.
        await page.keyboard.press("n");
        await page.locator(".ablab-revealed").waitFor({
          state: "detached",
          timeout: PAGE_TIMEOUT_MS,
        });
        await page.locator('button[name="submit"]:disabled').waitFor({ timeout: PAGE_TIMEOUT_MS });
        assertClean(watched, "compare");
        await closePage(watched);
      });

      await t.step("hostile outputs run no script", async () => {
        const compare = await open(api, `tests/${HOSTILE_ID}/compare.html`);
        await compare.page.locator('input[name="rater"]').fill("hostile-rater");
        await compare.page.locator('button[name="start"]').click();
        await compare.page.locator(".ablab-sides").waitFor({ timeout: PAGE_TIMEOUT_MS });
        const shown = await compare.page.locator(".ablab-stage").innerText();
        assert.ok(
          HOSTILE_OUTPUTS.some((output) => shown.includes(output)) ||
            shown.includes("🙂 long answer."),
          "the outputs are not shown as text",
        );
        assert.ok(
          shown.includes("onerror") || shown.includes("<b>bold?</b>"),
          "the case input is not shown as text",
        );
        assert.equal(
          await compare.page.locator(".ablab-stage script, .ablab-stage img, .ablab-stage svg")
            .count(),
          0,
        );
        await screenshot(compare.page, "hostile-compare");
        await assertNoScriptRan(compare, "hostile compare");
        assertClean(compare, "hostile compare");
        await closePage(compare);

        for (const page of ["index", "report", "explore"]) {
          const watched = await open(api, `tests/${HOSTILE_ID}/${page}.html`);
          await watched.page.locator("#observablehq-main h1, #observablehq-main .ablab-header")
            .first()
            .waitFor({ timeout: PAGE_TIMEOUT_MS });
          if (page === "explore") {
            await watched.page.locator('button:has-text("Slowest calls")').click();
            await watched.page.locator(".ablab-sql-result th:text-is('output')").waitFor({
              timeout: PAGE_TIMEOUT_MS,
            });
            const cells = await watched.page.locator(".ablab-sql-result").innerText();
            assert.ok(
              cells.includes("<script>") || cells.includes("onerror"),
              "explorer hides the raw output",
            );
          }
          assert.equal(await watched.page.locator("#observablehq-main script").count(), 0);
          if (page === "index") await assertStreamingTable(watched);
          if (page === "report") {
            await assertReportTables(watched, "hostile report");
            const judgeCells = await watched.page.locator(".ablab-section td", {
              hasText: "onerror",
            }).allInnerTexts();
            assert.ok(judgeCells.includes(HOSTILE_JUDGE), `judge id cell: ${judgeCells}`);
            assert.equal(
              await watched.page.locator(".ablab-report img, .ablab-report svg").count(),
              0,
              "hostile rater id made an element",
            );
          }
          await screenshot(watched.page, `hostile-${page}`);
          await assertNoScriptRan(watched, `hostile ${page}`);
          assertClean(watched, `hostile ${page}`);
          await closePage(watched);
        }
      });

      await t.step("long output collapses on code points and expands", async () => {
        const watched = await open(api, `tests/${HOSTILE_ID}/explore.html`);
        const page = watched.page;
        await page.locator(".ablab-sql-status:has-text('Done')").waitFor({
          timeout: PAGE_TIMEOUT_MS,
        });
        await page.locator('textarea[name="sql"]').fill(
          "SELECT output FROM results WHERE length(output) > 1000",
        );
        await page.locator('button[name="run"]').click();
        const expand = page.locator(".ablab-expand").first();
        await expand.waitFor({ timeout: PAGE_TIMEOUT_MS });
        const collapsed = await page.locator(".ablab-output pre").first().innerText();
        assert.ok(!collapsed.includes("\uFFFD"), "truncation split a surrogate pair");
        assert.ok(collapsed.length < LONG_OUTPUT.length);
        await expand.click();
        const expanded = await page.locator(".ablab-output pre").first().innerText();
        assert.equal(expanded.trimEnd(), LONG_OUTPUT.trimEnd());
        assertClean(watched, "long output");
        await closePage(watched);
      });

      await t.step("report downloads JSON, Markdown and CSV", async () => {
        const watched = await open(api, `tests/${DEMO_ID}/report.html`);
        const page = watched.page;
        await page.locator(".ablab-downloads").waitFor({ timeout: PAGE_TIMEOUT_MS });
        const read = async (name: string) => {
          const [download] = await Promise.all([
            page.waitForEvent("download"),
            page.locator(`button[name="download-${name}"]`).click(),
          ]);
          return await Deno.readTextFile((await download.path())!);
        };
        const report = ABTestReportSchema.parse(JSON.parse(await read("json")));
        assert.equal(report.test_id, DEMO_ID);
        assert.match(await read("md"), /Support reply tone/);
        const csv = (await read("csv")).split("\r\n");
        assert.ok(csv[0]!.startsWith("arm_id,variant_id,model_id,n,errors"));
        assert.equal(csv.filter((line) => line !== "").length, 7);
        await assertReportTables(watched, "report");
        await screenshot(page, "report");
        await page.emulateMedia({ media: "print" });
        assert.equal(
          await page.locator(".ablab-downloads").isVisible(),
          false,
          "downloads printed",
        );
        await screenshot(page, "report-print");
        assertClean(watched, "report");
        await closePage(watched);
      });

      await t.step("explorer runs SQL with DuckDB-Wasm", async () => {
        const watched = await open(staticHost.url, `tests/${DEMO_ID}/explore.html`);
        const page = watched.page;
        await page.locator(".ablab-sql-result table").waitFor({ timeout: PAGE_TIMEOUT_MS });
        assert.equal(await page.locator(".ablab-sql-result tbody tr").count(), 6);
        await page.locator('textarea[name="sql"]').fill("SELECT count(*) AS n FROM results");
        await page.keyboard.press("Control+Enter");
        await page.locator(".ablab-sql-result td:text-is('240')").waitFor({
          timeout: PAGE_TIMEOUT_MS,
        });
        await screenshot(page, "explore");
        assertClean(watched, "explore");
        await closePage(watched);
      });

      await t.step("configurator YAML passes run --dry-run, and creates a test", async () => {
        const watched = await open(api, "configure.html");
        const page = watched.page;
        await page.locator(".ablab-validation.ablab-valid").waitFor({ timeout: PAGE_TIMEOUT_MS });
        await page.locator('input[name="id"]').fill("from-browser");
        await page.locator('input[name="model-0-temperature"]').fill("hot");
        await page.locator(".ablab-validation.ablab-invalid").waitFor({ timeout: PAGE_TIMEOUT_MS });
        assert.match(await page.locator(".ablab-validation").innerText(), /temperature/);
        await page.locator('input[name="model-0-temperature"]').fill("0.4");
        await page.locator('select[name="mode"]').selectOption("split");
        await page.locator('input[name="weight-direct/gpt-4o-mini"]').fill("70");
        await page.locator('input[name="weight-friendly/gpt-4o-mini"]').fill("30");
        await page.locator(".ablab-validation.ablab-valid").waitFor({ timeout: PAGE_TIMEOUT_MS });
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.locator('button[name="download"]').click(),
        ]);
        assert.equal(download.suggestedFilename(), "from-browser.yaml");
        const yamlPath = `${fixture.dir}/from-browser.yaml`;
        await download.saveAs(yamlPath);

        const dryRun = await deno([
          "run",
          "-A",
          "lib/cli/main.ts",
          "run",
          yamlPath,
          "--dry-run",
          "--out",
          `${fixture.dir}/dry`,
        ]);
        assert.equal(dryRun.code, 0, dryRun.stderr);

        await page.locator('button[name="create"]').click();
        await page.locator(".ablab-actions :text('Created test from-browser')").waitFor({
          timeout: PAGE_TIMEOUT_MS,
        });
        const created = await store.getState("from-browser");
        assert.equal(created?.status, "draft");
        await screenshot(page, "configure");
        assertClean(watched, "configure");
        await closePage(watched);
      });

      await t.step("live view follows a run without a rebuild", async () => {
        const watched = await open(api, `tests/${LIVE_ID}/index.html`);
        const page = watched.page;
        await page.locator(".ablab-kpis").waitFor({ timeout: PAGE_TIMEOUT_MS });
        assert.match(await page.locator(".ablab-kpis").innerText(), /Calls\s+0\s/);

        const started = await fetch(`${server.url}/ab-tests/${LIVE_ID}/start`, { method: "POST" });
        assert.equal(started.status, 200, await started.text());
        await page.locator(".ablab-live-status:has-text('Live from the server')").waitFor({
          timeout: PAGE_TIMEOUT_MS,
        });
        await page.locator(".ablab-kpis:has-text('of 24 planned (100%)')").waitFor({
          timeout: PAGE_TIMEOUT_MS,
        });
        await page.locator(".ablab-badge:text-is('completed')").waitFor({
          timeout: PAGE_TIMEOUT_MS,
        });
        const kpis = await page.locator(".ablab-kpis").innerText();
        assert.match(kpis, /Latency p50\s+\d+ ms/);
        assert.match(kpis, /live: range of the per-arm values/);
        await screenshot(page, "live");
        assertClean(watched, "live");
        await closePage(watched);
      });
    } finally {
      await browser?.close();
      await staticHost.close();
      await server.shutdown();
      await store.close();
    }
  },
});
