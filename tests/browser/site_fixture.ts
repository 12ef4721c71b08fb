/**
 * A runs folder and a site built from it, for the browser tests. The runs
 * folder contains the support-tone example run through the CLI with
 * simulated ratings, a test whose outputs and inputs are hostile HTML, and a
 * draft test that the live view test starts. Both are built once per
 * process into a temporary folder.
 *
 * @module
 */
import { cpSync, existsSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ABTest,
  buildPairs,
  callKey,
  Controller,
  defaultReportExtensions,
  FsStore,
  listArms,
  parseExperiment,
  type Rating,
  simulateRatings,
  type TestResult,
  writeReport,
} from "../../lib/mod.ts";

/** Repository root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Id of the support-tone run. */
export const DEMO_ID = "site-demo";
/** Id of the test with hostile outputs. */
export const HOSTILE_ID = "site-hostile";
/** Id of the draft test the live view test starts. */
export const LIVE_ID = "site-live";

/** Set by any hostile snippet that runs; the tests assert it stays undefined. */
export const PWNED_GLOBAL = "__ablabPwned";

/** Outputs a renderer must show as text. */
export const HOSTILE_OUTPUTS = [
  `<script>window.${PWNED_GLOBAL} = "script"</script>Plain answer after a script tag.`,
  `<img src="x" onerror="window.${PWNED_GLOBAL} = 'img'"> <a href="javascript:window.${PWNED_GLOBAL} = 'link'">click me</a> <svg onload="window.${PWNED_GLOBAL} = 'svg'"></svg>`,
];

/**
 * Rater id of the hostile test's LLM judge. The report's judge table shows it,
 * so it carries HTML and a pipe that must not split its Markdown table cell.
 */
export const HOSTILE_JUDGE =
  `judge:<img src=x onerror="window.${PWNED_GLOBAL}='judge'">|<script>window.${PWNED_GLOBAL}='cell'</script>`;

/** A long output with astral characters, so truncation must respect code points. */
export const LONG_OUTPUT = "🙂 long answer. ".repeat(400);

/** Everything the browser tests use. */
export interface SiteFixture {
  /** Temporary folder holding the rest. */
  dir: string;
  runsDir: string;
  /** The built site. */
  distDir: string;
  /** Milliseconds the site build took. */
  buildMs: number;
}

let fixture: Promise<SiteFixture> | undefined;

/** Prepares the runs folder and builds the site, once per process. */
export function siteFixture(): Promise<SiteFixture> {
  fixture ??= prepare();
  return fixture;
}

async function prepare(): Promise<SiteFixture> {
  const dir = await Deno.makeTempDir({ prefix: "ablab-site-" });
  const runsDir = `${dir}/runs`;
  const distDir = `${dir}/dist`;

  await run([
    "run",
    "-A",
    "lib/cli/main.ts",
    "run",
    "examples/support-tone.yaml",
    "--out",
    runsDir,
    "--id",
    DEMO_ID,
    "--json",
  ]);
  const store = new FsStore({ root: runsDir });
  try {
    await rateDemo(store);
    await createHostileTest(store, dir);
    await createLiveTest(store, dir);
  } finally {
    await store.close();
  }

  const started = performance.now();
  await buildSite(runsDir, distDir);
  return { dir, runsDir, distDir, buildMs: performance.now() - started };
}

/** Code bundles in Framework's cache that a private copy may reuse; they depend only on node_modules. */
const CODE_CACHE = ["_node", "_npm", "_observablehq"];

/**
 * Builds the site from a private copy of site/src, so this build has its own
 * Framework cache and cannot clash with another build of the checkout.
 */
export async function buildSite(runsDir: string, distDir: string): Promise<void> {
  const site = `${REPO}site`;
  const copy = await Deno.makeTempDir({ dir: site, prefix: "test-src-" });
  try {
    cpSync(`${site}/src`, copy, {
      recursive: true,
      filter: (source) => !source.includes("/.observablehq"),
    });
    for (const folder of CODE_CACHE) {
      const cached = `${site}/src/.observablehq/cache/${folder}`;
      if (existsSync(cached)) {
        cpSync(cached, `${copy}/.observablehq/cache/${folder}`, { recursive: true });
      }
    }
    await run(["run", "-A", "npm:@observablehq/framework@1.13.4", "build"], {
      cwd: site,
      env: { ABLAB_RUNS: runsDir, ABLAB_SITE_OUT: distDir, ABLAB_SITE_SRC: basename(copy) },
    });
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
}

/** Runs `deno` with arguments and fails with its output when it exits non-zero. */
async function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd ?? REPO,
    env: options.env ?? {},
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(
      `deno ${args.join(" ")} failed with exit code ${output.code}:\n${text.slice(-4000)}`,
    );
  }
}

/** Rates half of the demo's pairs with simulated ratings, leaving the rest for the rating form. */
async function rateDemo(store: FsStore): Promise<void> {
  const test = (await store.getTest(DEMO_ID))!;
  const pairs = buildPairs(test, await store.readResults(DEMO_ID), { mode: "all" });
  await store.putComparisons(DEMO_ID, pairs);
  const ratings = simulateRatings(pairs.filter((_pair, i) => i % 2 === 0), {
    seed: 3,
    strengths: { "friendly/claude-3-5-haiku": 0.8, "concise/gpt-4o-mini": -0.5 },
    dimensions: test.rating_dimensions.map((d) => d.id),
  });
  await Promise.all(ratings.map((rating) => store.putRating(rating)));
  // The stored report then has the rating sections, whose tables the report page shows.
  await writeReport(store, DEMO_ID, { extensions: defaultReportExtensions() });
}

const HOSTILE_YAML = `
id: ${HOSTILE_ID}
name: "Hostile <script>window.${PWNED_GLOBAL} = 'name'</script> outputs"
variants:
  - id: plain
    template: "{{question}}"
  - id: echo
    template: "Repeat: {{question}}"
models:
  - id: sim
    model: gpt-4o-mini
dataset:
  cases:
    - id: c1
      question: "<img src=x onerror=\\"window.${PWNED_GLOBAL} = 'case'\\">What is 2 + 2?"
    - id: c2
      question: "<b>bold?</b> javascript:alert(1)"
rating_dimensions:
  - id: overall
`;

/** Stores a completed test whose outputs are hostile HTML, with comparison pairs. */
async function createHostileTest(store: FsStore, dir: string): Promise<void> {
  const test = await parseExperiment(HOSTILE_YAML, { file: `${dir}/hostile.yaml`, env: {} });
  const controller = new Controller({ store });
  await controller.create(test);
  await controller.start(test.id);

  const sink = await store.openResults(test.id);
  const arms = listArms(test);
  for (const [armIndex, arm] of arms.entries()) {
    for (const [caseIndex, testCase] of test.cases.entries()) {
      const output = caseIndex === 1 && armIndex === 0 ? LONG_OUTPUT : HOSTILE_OUTPUTS[armIndex]!;
      // Only the second arm streams, so the dashboard's streaming table has a row of missing values.
      await sink.write(
        resultRow(test, arm.id, testCase.id, output, 300 + 50 * armIndex + caseIndex, {
          streamed: armIndex === 1,
        }),
      );
    }
  }
  await sink.close();
  await controller.complete(test.id);
  const pairs = buildPairs(test, await store.readResults(test.id));
  await store.putComparisons(test.id, pairs);

  // Two people and a judge with a hostile id rate every pair, so the stored
  // report has rating sections whose tables contain that id.
  const raters = ["ann", "bob", HOSTILE_JUDGE];
  const ratings: Rating[] = pairs.flatMap((pair, index) =>
    raters.map((rater) => ({
      comparison_id: pair.id,
      test_id: test.id,
      rater_id: rater,
      choices: { overall: index % 2 === 0 ? "A" as const : "B" as const },
      idempotency_key: `${rater}-${pair.id}`,
      created_at: "2026-12-01T11:00:00.000Z",
    }))
  );
  await Promise.all(ratings.map((rating) => store.putRating(rating)));
  await writeReport(store, test.id, { extensions: defaultReportExtensions() });
}

/**
 * Builds one successful simulated result. A streamed one has its first token
 * at a quarter of the latency and its 30 completion tokens in the rest.
 */
function resultRow(
  test: ABTest,
  armId: string,
  caseId: string,
  output: string,
  latencyMs: number,
  { streamed = false }: { streamed?: boolean } = {},
): TestResult {
  const ttftMs = streamed ? latencyMs / 4 : null;
  const [variantId, modelId] = armId.split("/") as [string, string];
  return {
    test_id: test.id,
    arm_id: armId,
    variant_id: variantId,
    model_id: modelId,
    case_id: caseId,
    repeat: 0,
    call_key: callKey(test.id, armId, caseId, 0),
    provider: "simulated",
    model: "gpt-4o-mini",
    output,
    finish_reason: "stop",
    latency_ms: latencyMs,
    ttft_ms: ttftMs,
    output_tokens_per_s: ttftMs === null ? null : 30 / ((latencyMs - ttftMs) / 1000),
    prompt_tokens: 12,
    completion_tokens: 30,
    total_tokens: 42,
    cached_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    cost_usd: 0.00002,
    error_class: null,
    error_message: null,
    attempts: 1,
    started_at: "2026-12-01T10:00:00.000Z",
    finished_at: "2026-12-01T10:00:01.000Z",
    simulated: true,
    from_cache: false,
  };
}

const LIVE_YAML = `
id: ${LIVE_ID}
name: Live view
concurrency: 2
variants:
  - id: short
    template: "Answer briefly: {{question}}"
  - id: long
    template: "Answer in detail: {{question}}"
models:
  - id: sim
    model: gpt-4o-mini
    profile:
      latency_median_ms: 150
      latency_sigma: 0.1
      time_scale: 1
dataset:
  cases:
${Array.from({ length: 12 }, (_, i) => `    - {id: q${i}, question: "Question ${i}?"}`).join("\n")}
`;

/**
 * Stores a draft test of 24 calls that sleep about 150 ms each, two at a
 * time, so a run started by the live view test lasts about two seconds.
 */
async function createLiveTest(store: FsStore, dir: string): Promise<void> {
  const test = await parseExperiment(LIVE_YAML, { file: `${dir}/live.yaml`, env: {} });
  await new Controller({ store }).create(test);
}
