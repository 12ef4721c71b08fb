/**
 * Benchmark of rating submissions: a server subprocess with durable storage
 * (every acknowledged rating is fsynced), and a bounded loop of concurrent
 * clients in this process. Prints submissions per second and latency
 * percentiles, and writes them to bench/out/ratings.json.
 *
 * Run: deno run -A bench/ratings.ts [--clients 64] [--seconds 10] [--max 100000]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { fixtureResults, fixtureTest } from "../lib/compare/_testing.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "64" },
    seconds: { type: "string", default: "10" },
    max: { type: "string", default: "100000" },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const maxRequests = Number(values.max);
for (
  const [name, value, limit] of [["clients", clients, 1024], ["seconds", seconds, 120], [
    "max",
    maxRequests,
    1_000_000,
  ]] as const
) {
  if (!Number.isInteger(value) || value < 1 || value > limit) {
    throw new RangeError(`invalid --${name} ${value}: expected an integer from 1 to ${limit}`);
  }
}

// Server subprocess on a free loopback port over a temporary store.
const root = await Deno.makeTempDir({ prefix: "ablab-bench-" });
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    "lib/server/serve_command.ts",
    "--port",
    "0",
    "--rate",
    "1000000",
    "--out",
    root,
  ],
  stdout: "null",
  stderr: "piped",
}).spawn();
const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
let seen = "";
let url = "";
const startDeadline = Date.now() + 30_000;
while (url === "" && Date.now() < startDeadline) {
  const { value, done } = await reader.read();
  if (done) break;
  seen += value;
  url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen)?.[1] ?? "";
}
if (url === "") throw new Error(`server did not start; stderr:\n${seen}`);
// Drain request log lines so the server never blocks on a full pipe.
(async () => {
  while (!(await reader.read()).done) { /* drain */ }
})().catch(() => {});

try {
  // A test with 50 cases and 4 arms: 300 pairs to rate.
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const test = fixtureTest(50, {
    id: "bench",
    rating_dimensions: [{ id: "helpful" }, { id: "tone" }],
  });
  for (
    const [path, body] of [
      ["/ab-tests", test],
      ["/ab-tests/bench/results", { results: fixtureResults(test) }],
      ["/ab-tests/bench/compare", {}],
    ] as const
  ) {
    const response = await post(path, body);
    await response.body?.cancel();
    if (!response.ok) throw new Error(`setup ${path} failed with ${response.status}`);
  }
  const pairs = (await Deno.readTextFile(join(root, "bench", "comparisons.jsonl")))
    .trim().split("\n").map((line) => JSON.parse(line).id as string);

  // Each client submits one rating at a time until the time or count runs out.
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && next < maxRequests) {
      const i = next++;
      const t0 = performance.now();
      const response = await post(`/ab-tests/rate/${pairs[i % pairs.length]}`, {
        test_id: "bench",
        rater_id: `rater-${i % 500}`,
        choices: { helpful: i % 2 === 0 ? "A" : "B", tone: "tie" },
        idempotency_key: `bench-${i}`,
      });
      await response.body?.cancel();
      if (response.status === 201) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const elapsed = (performance.now() - started) / 1000;

  latencies.sort((a, b) => a - b);
  const quantile = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const stored =
    (await Deno.readTextFile(join(root, "bench", "ratings.jsonl"))).trim().split("\n").length;
  const result = {
    clients,
    seconds: Number(elapsed.toFixed(2)),
    submissions: latencies.length,
    failures,
    stored_lines: stored,
    per_second: Math.round(latencies.length / elapsed),
    p50_ms: Number(quantile(0.5).toFixed(2)),
    p99_ms: Number(quantile(0.99).toFixed(2)),
    max_ms: Number(latencies.at(-1)!.toFixed(2)),
    cpus: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
  };
  await Deno.mkdir("bench/out", { recursive: true });
  await Deno.writeTextFile("bench/out/ratings.json", JSON.stringify(result, null, 2) + "\n");
  console.log(
    `${result.submissions} ratings in ${result.seconds} s with ${clients} clients: ` +
      `${result.per_second}/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ` +
      `${failures} failed, ${stored} lines on disk`,
  );
} finally {
  child.kill("SIGTERM");
  await child.status;
  await Deno.remove(root, { recursive: true });
}
