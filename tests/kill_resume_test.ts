/**
 * A CLI run against the loopback mock is killed with SIGKILL partway, then
 * resumed; the Parquet results must hold every call key exactly once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { CLI_MAIN, REPO_ROOT } from "./cli_helpers.ts";
import { randomFaults, startMockServer } from "./mock_server/mod.ts";
import { TEST_KEY } from "./mock_server/fixtures.ts";

const CASES = 400;
const REPEATS = 2;
const TOTAL = CASES * REPEATS;
const TEST_ID = "kill-test";

function experimentYaml(baseUrl: string): string {
  const cases = Array.from({ length: CASES }, (_, i) => `    - {id: c${i}, topic: "item ${i}"}`);
  return [
    `id: ${TEST_ID}`,
    "name: Kill and resume",
    "seed: 3",
    `repeats: ${REPEATS}`,
    "concurrency: 4",
    "variants:",
    "  - id: plain",
    '    template: "Describe {{topic}}."',
    "models:",
    "  - id: mock",
    "    provider: openai",
    "    model: gpt-4o-mini",
    `    base_url: ${baseUrl}`,
    "    timeout_ms: 5000",
    "    max_attempts: 6",
    "dataset:",
    "  cases:",
    ...cases,
    "",
  ].join("\n");
}

/** Count stored rows per call key with DuckDB; an empty folder gives an empty map. */
async function storedKeys(resultsDir: string): Promise<Map<string, number>> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(resultsDir)) {
    if (entry.isFile && entry.name.endsWith(".parquet")) files.push(join(resultsDir, entry.name));
  }
  if (files.length === 0) return new Map();

  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const list = files.map((file) => `'${file.replaceAll("'", "''")}'`).join(", ");
    const reader = await connection.runAndReadAll(
      `SELECT call_key, count(*) AS n FROM read_parquet([${list}]) GROUP BY call_key`,
    );
    return new Map(reader.getRowObjectsJS().map((row) => [String(row.call_key), Number(row.n)]));
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

function cli(args: string[], env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI_MAIN, "run", ...args],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env,
  }).spawn();
}

Deno.test({
  name: "run killed with SIGKILL resumes exactly once",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const server = await startMockServer({
      latencyMs: 25,
      retryAfterMs: 20,
      faults: randomFaults({ rate_limit: 0.1, server_error: 0.02 }, 7),
    });
    const dir = await Deno.makeTempDir({ prefix: "ablab-kill-" });
    try {
      const file = join(dir, "kill.yaml");
      await Deno.writeTextFile(file, experimentYaml(server.openaiBaseUrl));
      const out = join(dir, "runs");
      const resultsDir = join(out, TEST_ID, "results");
      const env = { NO_COLOR: "1", OPENAI_API_KEY: TEST_KEY };

      // Start the run and kill it once some results are durable.
      const first = cli([file, "--id", TEST_ID, "--out", out], env);
      const deadline = performance.now() + 60_000;
      let before = new Map<string, number>();
      while (performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        before = await storedKeys(resultsDir).catch(() => new Map());
        if (before.size > 0 && server.stats.requests >= TOTAL / 4) break;
      }
      first.kill("SIGKILL");
      const killed = await first.output();
      assert.equal(killed.signal, "SIGKILL");
      before = await storedKeys(resultsDir);
      assert.ok(before.size > 0, "no results were durable before the kill");
      assert.ok(before.size < TOTAL, "the run finished before the kill");
      for (const [key, n] of before) assert.equal(n, 1, `${key} stored ${n} times before resume`);

      // Resume and let it finish.
      const resumedAt = performance.now();
      const second = await cli(["--resume", TEST_ID, "--out", out], env).output();
      const stderr = new TextDecoder().decode(second.stderr);
      assert.equal(second.code, 0, stderr);

      const after = await storedKeys(resultsDir);
      assert.equal(after.size, TOTAL);
      const repeated = [...after].filter(([, n]) => n !== 1).map(([key]) => key);
      assert.deepEqual(repeated, []);

      // Keys stored before the kill were not called again.
      const recalled = [...before.keys()].filter((key) =>
        server.stats.byKey(key).some((arrival) => arrival.arrivedAt >= resumedAt)
      );
      assert.deepEqual(recalled, []);
      assert.ok(!stderr.includes(TEST_KEY), "the API key appears in the CLI output");
      console.log(
        `kill test: ${before.size} of ${TOTAL} keys stored before SIGKILL, ` +
          `${server.stats.requests} requests in both runs`,
      );
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
