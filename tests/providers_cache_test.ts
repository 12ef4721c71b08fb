/**
 * A test with `cache: true` run twice from the CLI: the second run is served
 * from `<out>/.cache` without reaching the provider, and its rows are flagged.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FsStore } from "../lib/store/fs_store.ts";
import { runMain } from "./cli_helpers.ts";
import { startMockServer } from "./mock_server/mod.ts";

const CASES = 5;

function experimentYaml(baseUrl: string): string {
  return [
    "id: cached",
    "name: Cached responses",
    "cache: true",
    "variants:",
    "  - id: plain",
    '    template: "Describe {{topic}}."',
    "models:",
    "  - id: local",
    "    provider: openai",
    "    model: local-model",
    `    base_url: ${baseUrl}`,
    "dataset:",
    "  cases:",
    ...Array.from({ length: CASES }, (_, i) => `    - {id: c${i}, topic: "item ${i}"}`),
    "",
  ].join("\n");
}

Deno.test({
  name: "CLI run serves a repeat from the cache",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const server = await startMockServer({ latencyMs: 1 });
    const dir = await Deno.makeTempDir({ prefix: "ablab-cache-" });
    try {
      const file = join(dir, "cached.yaml");
      await Deno.writeTextFile(file, experimentYaml(server.openaiBaseUrl));
      const out = join(dir, "runs");

      const first = await runMain(["run", file, "--id", "first", "--out", out]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(server.stats.requests, CASES);
      const second = await runMain(["run", file, "--id", "second", "--out", out]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(server.stats.requests, CASES, "the second run reached the provider");

      const store = new FsStore({ root: out });
      try {
        const live = await store.readResults("first");
        const cached = await store.readResults("second");
        assert.equal(cached.length, CASES);
        assert.ok(live.every((row) => !row.from_cache));
        assert.ok(cached.every((row) => row.from_cache));
        const outputs = (rows: typeof live) =>
          rows.map((row) => `${row.case_id}=${row.output}`).sort();
        assert.deepEqual(outputs(cached), outputs(live));
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
