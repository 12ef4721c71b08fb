/**
 * Browser test harness: Debian's Chromium driven by playwright-core, pages
 * that record console errors and every request leaving loopback, and
 * screenshots under tests/artifacts/.
 *
 * @module
 */
import { chromium } from "playwright-core";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { fileURLToPath } from "node:url";

/** Debian's Chromium; playwright-core downloads no browser of its own here. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Folder for screenshots; git-ignored. */
export const ARTIFACTS_DIR = fileURLToPath(new URL("../artifacts/", import.meta.url));

/**
 * Returns why browser tests cannot run, or undefined when they can. Without
 * Chromium they are skipped locally, but in CI (`CI` set) a missing browser
 * is a failure, so this throws.
 *
 * @throws {Error} when `CI` is set and Chromium is missing.
 */
export function browserSkipReason(): string | undefined {
  let found = false;
  try {
    found = Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    found = false;
  }
  if (found) return undefined;

  const reason =
    `${CHROMIUM_PATH} not found: install Debian's chromium package to run the browser tests`;
  if (Deno.env.get("CI")) throw new Error(`${reason} (CI is set, so the browser tests must run)`);
  return reason;
}

/** Launches headless Chromium with no network features of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** True for hosts on this machine: 127.0.0.0/8, localhost and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A page with everything the tests check about it. */
export interface WatchedPage {
  page: Page;
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  /** URLs of requests to hosts other than loopback; each was aborted. */
  offLoopback: string[];
  /** Every request URL, in order. */
  requests: string[];
  /** Messages printed with `alert`, `confirm` or `prompt`; a script that ran would show here. */
  dialogs: string[];
}

/**
 * Opens a new page that aborts any request leaving loopback and records
 * console errors, page errors and dialogs.
 */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watched: WatchedPage = { page, errors: [], offLoopback: [], requests: [], dialogs: [] };

  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    watched.requests.push(url.href);
    const local = url.protocol === "data:" || url.protocol === "blob:" ||
      isLoopbackHost(url.hostname);
    if (local) return route.continue();
    watched.offLoopback.push(url.href);
    return route.abort("blockedbyclient");
  });
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error") watched.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => watched.errors.push(`page: ${error.message}`));
  page.on("dialog", async (dialog) => {
    watched.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  return watched;
}

/** Saves a full-page screenshot as tests/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = `${ARTIFACTS_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Closes the page's browser context. */
export async function closePage(watched: WatchedPage): Promise<void> {
  await watched.page.context().close();
}
