/**
 * Benchmark: 8,000 chat completions at concurrency 128 against the loopback
 * mock (50 ms latency, in its own process), made by a bare `openai` SDK loop
 * under p-limit and by `runTest` with a memory store and a filesystem store.
 * The ideal wall time is 8,000 * 50 ms / 128 = 3.1 s.
 *
 *     deno run -A bench/engine_vs_sdk.ts [--calls 8000] [--concurrency 128] [--rounds 1]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import pLimit from "p-limit";
import { runTest } from "../lib/engine/engine.ts";
import { ABTestSchema, type TestState } from "../lib/schema/mod.ts";
import { FsStore } from "../lib/store/fs_store.ts";
import { MemoryStore } from "../lib/store/memory_store.ts";
import type { Store } from "../lib/store/store.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    calls: { type: "string", default: "8000" },
    concurrency: { type: "string", default: "128" },
    rounds: { type: "string", default: "1" },
    "latency-ms": { type: "string", default: "50" },
  },
});
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const LATENCY_MS = Number(values["latency-ms"]);
const KEY = "sk-bench-not-a-secret";

interface Measurement {
  mode: string;
  wallMs: number;
  latencies: number[];
  errors: number;
}

/** Start the mock server in a subprocess and read its URL. */
async function startMock(): Promise<{ openaiBaseUrl: string; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL("../tests/mock_server/serve.ts", import.meta.url));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, "--latency-ms", String(LATENCY_MS)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("mock server exited before printing its URL");
    text += value;
  }
  reader.releaseLock();
  const { openaiBaseUrl } = JSON.parse(text.split("\n")[0]!);
  return {
    openaiBaseUrl,
    stop: async () => {
      await child.stdin.close();
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

async function bareSdk(baseURL: string): Promise<Measurement> {
  const client = new OpenAI({ apiKey: KEY, baseURL, maxRetries: 0 });
  const limit = pLimit(CONCURRENCY);
  const latencies: number[] = [];
  let errors = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: CALLS }, (_, i) =>
      limit(async () => {
        const callStartedAt = performance.now();
        try {
          await client.chat.completions.create({
            model: "gpt-4o-mini",
            messages: [{ role: "user", content: `Describe item ${i}.` }],
          });
          latencies.push(performance.now() - callStartedAt);
        } catch {
          errors++;
        }
      })),
  );
  return { mode: "openai SDK + p-limit", wallMs: performance.now() - startedAt, latencies, errors };
}

async function engine(baseUrl: string, storeKind: "memory" | "fs"): Promise<Measurement> {
  const test = ABTestSchema.parse({
    id: `bench-${storeKind}-${crypto.randomUUID().slice(0, 8)}`,
    name: "engine benchmark",
    concurrency: CONCURRENCY,
    variants: [{ id: "v", template: "Describe {{item}}." }],
    models: [{ id: "mock", provider: "openai", model: "gpt-4o-mini", base_url: baseUrl }],
    cases: Array.from({ length: CALLS }, (_, i) => ({ id: `c${i}`, vars: { item: `item ${i}` } })),
  });
  const state: TestState = {
    test_id: test.id,
    status: "running",
    history: [{ status: "running", at: new Date().toISOString() }],
  };
  const dir = storeKind === "fs" ? await Deno.makeTempDir({ prefix: "ablab-bench-" }) : undefined;
  const store: Store = dir === undefined ? new MemoryStore() : new FsStore({ root: dir });
  try {
    await store.createTest(test, state);
    const startedAt = performance.now();
    const summary = await runTest(test, { store, env: { OPENAI_API_KEY: KEY } });
    const wallMs = performance.now() - startedAt;
    const rows = await store.readResults(test.id);
    const latencies = rows.flatMap((row) => (row.latency_ms === null ? [] : [row.latency_ms]));
    return { mode: `runTest, ${storeKind} store`, wallMs, latencies, errors: summary.errors };
  } finally {
    await (store as { close?: () => Promise<void> }).close?.();
    if (dir !== undefined) await Deno.remove(dir, { recursive: true });
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function format(measurement: Measurement): string {
  const sorted = [...measurement.latencies].sort((a, b) => a - b);
  const perSecond = (CALLS / measurement.wallMs) * 1000;
  return [
    measurement.mode.padEnd(24),
    `${(measurement.wallMs / 1000).toFixed(2)} s`.padStart(9),
    `${perSecond.toFixed(0)} calls/s`.padStart(14),
    `p50 ${quantile(sorted, 0.5).toFixed(1)} ms`.padStart(14),
    `p95 ${quantile(sorted, 0.95).toFixed(1)} ms`.padStart(14),
    `p99 ${quantile(sorted, 0.99).toFixed(1)} ms`.padStart(14),
    `errors ${measurement.errors}`,
  ].join("  ");
}

const mock = await startMock();
try {
  console.log(
    `${CALLS} calls, concurrency ${CONCURRENCY}, mock latency ${LATENCY_MS} ms, ` +
      `ideal ${(CALLS * LATENCY_MS / CONCURRENCY / 1000).toFixed(2)} s, ` +
      `${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}`,
  );
  // A short warm-up so the first round does not pay for module loading and JIT.
  await bareSdk(mock.openaiBaseUrl);
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}`);
    console.log(format(await bareSdk(mock.openaiBaseUrl)));
    console.log(format(await engine(mock.openaiBaseUrl, "memory")));
    console.log(format(await engine(mock.openaiBaseUrl, "fs")));
  }
} finally {
  await mock.stop();
}
