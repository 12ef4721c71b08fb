/**
 * One contender of the engine-against-peers benchmark, run as its own
 * process. It makes 2 prompts x 2 models x `--cases` chat completions against
 * an OpenAI-compatible server in one of three modes. `engine` is ablab's
 * `runTest` with the real openai provider, retries, the rate limiter and an
 * FsStore writing Parquet. `sdk` is a bare `openai` SDK loop under p-limit,
 * and `fetch` a bare fetch loop under p-limit. It prints one JSON line,
 * `{"calls", "errors", "workMs"}`, where `workMs` covers the calls and, for
 * the engine, also creating the test in the store and closing the store.
 *
 *     deno run -A bench/peer_client.ts --mode engine --base-url http://127.0.0.1:PORT/v1 \
 *       --cases 2000 --concurrency 32
 *
 * @module
 */
import { parseArgs } from "node:util";
import OpenAI from "openai";
import pLimit from "p-limit";
import { ABTestSchema, FsStore, runTest, type TestState } from "../lib/mod.ts";

/** A fixed placeholder: the mock server accepts any key. */
const API_KEY = "sk-bench-not-a-secret";

/** The two prompt templates and two model names every contender uses. */
export const PEER_PROMPTS = [
  "Summarize the support ticket {{item}} in one sentence.",
  "You are a careful agent. Reply to the customer about ticket {{item}}.",
] as const;
export const PEER_MODELS = ["gpt-4o-mini", "gpt-4.1-nano"] as const;

interface Measurement {
  calls: number;
  errors: number;
  workMs: number;
}

/** Renders a prompt template for case `index`, as the engine's `{{item}}` does. */
function render(template: string, index: number): string {
  return template.replace("{{item}}", `item ${index}`);
}

async function runEngine(baseUrl: string, cases: number, concurrency: number) {
  const test = ABTestSchema.parse({
    id: "bench-peers",
    name: "engine against peers",
    concurrency,
    variants: PEER_PROMPTS.map((template, i) => ({ id: `p${i}`, template })),
    models: PEER_MODELS.map((model, i) => ({
      id: `m${i}`,
      provider: "openai",
      model,
      base_url: baseUrl,
    })),
    cases: Array.from({ length: cases }, (_, i) => ({ id: `c${i}`, vars: { item: String(i) } })),
  });
  const state: TestState = {
    test_id: test.id,
    status: "running",
    history: [{ status: "running", at: new Date().toISOString() }],
  };
  const root = await Deno.makeTempDir({ prefix: "ablab-bench-peers-" });
  try {
    const startedAt = performance.now();
    const store = new FsStore({ root });
    await store.createTest(test, state);
    const summary = await runTest(test, { store, env: { OPENAI_API_KEY: API_KEY } });
    await store.close();
    const workMs = performance.now() - startedAt;
    return { calls: summary.done, errors: summary.errors, workMs };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Lists every (prompt, model, case) request of the workload, in plan order. */
function requests(cases: number): { model: string; content: string }[] {
  const list: { model: string; content: string }[] = [];
  for (const template of PEER_PROMPTS) {
    for (const model of PEER_MODELS) {
      for (let i = 0; i < cases; i++) list.push({ model, content: render(template, i) });
    }
  }
  return list;
}

async function runLoop(
  cases: number,
  concurrency: number,
  call: (request: { model: string; content: string }) => Promise<void>,
): Promise<Measurement> {
  const limit = pLimit(concurrency);
  let errors = 0;
  const all = requests(cases);
  const startedAt = performance.now();
  await Promise.all(all.map((request) =>
    limit(async () => {
      try {
        await call(request);
      } catch {
        errors++;
      }
    })
  ));
  return { calls: all.length, errors, workMs: performance.now() - startedAt };
}

function runSdk(baseURL: string, cases: number, concurrency: number) {
  const client = new OpenAI({ apiKey: API_KEY, baseURL, maxRetries: 2 });
  return runLoop(cases, concurrency, async ({ model, content }) => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content }],
    });
    if (completion.choices[0]?.message.content == null) {
      throw new Error(`Empty completion from ${model}`);
    }
  });
}

function runFetch(baseUrl: string, cases: number, concurrency: number) {
  const url = `${baseUrl}/chat/completions`;
  return runLoop(cases, concurrency, async ({ model, content }) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
    });
    const body = await response.json();
    if (!response.ok || body.choices?.[0]?.message?.content == null) {
      throw new Error(`HTTP ${response.status}`);
    }
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      mode: { type: "string" },
      "base-url": { type: "string" },
      cases: { type: "string", default: "2000" },
      concurrency: { type: "string", default: "32" },
    },
  });
  const baseUrl = values["base-url"];
  const cases = Number(values.cases);
  const concurrency = Number(values.concurrency);
  if (baseUrl === undefined) throw new TypeError("Missing --base-url: pass the mock's /v1 URL");
  if (!Number.isInteger(cases) || cases < 1) throw new RangeError(`Invalid --cases ${cases}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Invalid --concurrency ${concurrency}`);
  }

  let measurement: Measurement;
  switch (values.mode) {
    case "engine":
      measurement = await runEngine(baseUrl, cases, concurrency);
      break;
    case "sdk":
      measurement = await runSdk(baseUrl, cases, concurrency);
      break;
    case "fetch":
      measurement = await runFetch(baseUrl, cases, concurrency);
      break;
    default:
      throw new TypeError(`Invalid --mode ${values.mode}: use engine, sdk or fetch`);
  }
  console.log(JSON.stringify(measurement));
}
