/**
 * Exhausted quota and a rejected key stop the affected model's arms quickly,
 * with a message that names the provider and the model, while other models
 * finish.
 */
import assert from "node:assert/strict";
import { runTest } from "../lib/engine/engine.ts";
import { ABTestSchema, type TestResult } from "../lib/schema/mod.ts";
import { MemoryStore } from "../lib/store/memory_store.ts";
import { type MockFault, startMockServer } from "./mock_server/mod.ts";
import { MemoryLogger, TEST_KEY } from "./mock_server/fixtures.ts";

const CASES = 100;
const CONCURRENCY = 4;

const scenarios: Array<{ fault: MockFault; api: "openai" | "anthropic"; message: RegExp }> = [
  {
    fault: "insufficient_quota",
    api: "openai",
    message: /^openai model gpt-4o-mini@insufficient_quota: quota exhausted \(HTTP 429\)/,
  },
  {
    fault: "unauthorized",
    api: "openai",
    message: /^openai model gpt-4o-mini@unauthorized: request rejected as unauthorized/,
  },
  {
    fault: "insufficient_quota",
    api: "anthropic",
    message: /^anthropic model claude-3-5-haiku@insufficient_quota: quota exhausted \(HTTP 402\)/,
  },
  {
    fault: "unauthorized",
    api: "anthropic",
    message: /^anthropic model claude-3-5-haiku@unauthorized: request rejected as unauthorized/,
  },
];

for (const { fault, api, message } of scenarios) {
  Deno.test({
    name: `runTest stops a model on ${fault} (${api})`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const server = await startMockServer({ latencyMs: 5 });
      try {
        const baseUrl = api === "openai" ? server.openaiBaseUrl : server.url;
        const name = api === "openai" ? "gpt-4o-mini" : "claude-3-5-haiku";
        const test = ABTestSchema.parse({
          id: "fatal",
          name: "fatal errors",
          concurrency: CONCURRENCY,
          variants: [{ id: "v", template: "Answer {{q}}." }],
          models: [
            { id: "bad", provider: api, model: `${name}@${fault}`, base_url: baseUrl },
            { id: "good", provider: api, model: name, base_url: baseUrl },
          ],
          cases: Array.from({ length: CASES }, (_, i) => ({ id: `c${i}`, vars: { q: `${i}` } })),
        });
        const store = new MemoryStore();
        await store.createTest(test, {
          test_id: test.id,
          status: "running",
          history: [{ status: "running", at: new Date().toISOString() }],
        });
        const logger = new MemoryLogger();

        const summary = await runTest(test, {
          store,
          env: { OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: TEST_KEY },
          logger,
        });

        assert.deepEqual(summary.stoppedModels, ["bad"]);
        const rows = await store.readResults(test.id);
        const bad = rows.filter((row: TestResult) => row.model_id === "bad");
        const good = rows.filter((row: TestResult) => row.model_id === "good");
        assert.equal(good.length, CASES);
        assert.ok(good.every((row) => row.error_class === null));

        // Only the calls already in flight when the first error came back hit the server.
        const badRequests = server.stats.arrivals.filter((arrival) =>
          arrival.model === name && arrival.fault === fault
        ).length;
        assert.ok(badRequests >= 1);
        assert.ok(badRequests <= CONCURRENCY * 2, `${badRequests} requests after a fatal error`);
        assert.equal(bad.length, badRequests);
        for (const row of bad) {
          assert.equal(row.attempts, 1);
          assert.match(row.error_message ?? "", message);
          assert.ok(!(row.error_message ?? "").includes(TEST_KEY));
        }

        const stopLine = logger.lines.find((line) =>
          line.level === "error"
        );
        assert.ok(stopLine !== undefined, "no error line logged");
        assert.match(stopLine.message, /"bad"/);
        assert.ok(stopLine.message.includes(`${api} model ${name}@${fault}: `), stopLine.message);
      } finally {
        await server.stop();
      }
    },
  });
}
