import assert from "node:assert/strict";
import { randomFaults, startMockServer } from "./mod.ts";

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

Deno.test("startMockServer injects a fault by header", async () => {
  const server = await startMockServer({ latencyMs: 0, retryAfterMs: 75 });
  try {
    const url = `${server.openaiBaseUrl}/chat/completions`;
    const body = { model: "m", messages: [{ role: "user", content: "hi" }] };
    const limited = await post(url, body, { "x-mock-fault": "rate_limit", "idempotency-key": "k" });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after-ms"), "75");
    assert.equal(limited.headers.get("retry-after"), "1");
    const ok = await post(url, body, { "idempotency-key": "k" });
    assert.equal(ok.status, 200);
    assert.equal(
      JSON.parse(ok.body).choices[0].message.content,
      "reply to hi lorem lorem lorem lorem lorem",
    );

    const arrivals = server.stats.byKey("k");
    assert.deepEqual(arrivals.map((arrival) => arrival.status), [429, 200]);
    assert.deepEqual(arrivals.map((arrival) => arrival.attempt), [0, 1]);
    assert.equal(arrivals[0]!.retryAfterMs, 75);
    assert.equal(arrivals[1]!.retryAfterMs, undefined);
    assert.deepEqual(server.stats.faults, { rate_limit: 1 });
  } finally {
    await server.stop();
  }
});

Deno.test("startMockServer rejects unknown routes and bad JSON", async () => {
  const server = await startMockServer({ latencyMs: 0 });
  try {
    assert.equal((await post(`${server.url}/v1/embeddings`, {})).status, 404);
    assert.equal((await post(`${server.url}/v1/messages`, "{not json")).status, 400);
    assert.equal(server.stats.requests, 0);
  } finally {
    await server.stop();
  }
});

Deno.test("startMockServer stop ends held responses", async () => {
  const server = await startMockServer({ latencyMs: 0, slowMs: 60_000 });
  const pending = post(`${server.url}/v1/messages`, {
    model: "claude@slow",
    max_tokens: 10,
    messages: [{ role: "user", content: "hi" }],
  }).catch((error) => error);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const startedAt = performance.now();
  await server.stop();
  await pending;
  assert.ok(performance.now() - startedAt < 5_000, "stop waited for the slow response");
  assert.equal(server.stats.arrivals[0]!.fault, "slow");
});

Deno.test("randomFaults draws at the given rates", () => {
  const schedule = randomFaults({ rate_limit: 0.2, server_error: 0.05 }, 9);
  const counts: Record<string, number> = {};
  for (let i = 0; i < 20_000; i++) {
    const fault = schedule({ api: "openai", model: "m", key: undefined, attempt: 0, index: i });
    counts[fault ?? "none"] = (counts[fault ?? "none"] ?? 0) + 1;
  }
  assert.ok(Math.abs(counts.rate_limit! / 20_000 - 0.2) < 0.015, `${counts.rate_limit}`);
  assert.ok(Math.abs(counts.server_error! / 20_000 - 0.05) < 0.01, `${counts.server_error}`);

  // The same seed draws the same sequence.
  const first = randomFaults({ rate_limit: 0.5 }, 3);
  const second = randomFaults({ rate_limit: 0.5 }, 3);
  const info = { api: "openai" as const, model: "m", key: undefined, attempt: 0, index: 0 };
  for (let i = 0; i < 100; i++) assert.equal(first(info), second(info));
});

Deno.test("randomFaults rejects rates above 1", () => {
  assert.throws(
    () => randomFaults({ rate_limit: 0.7, slow: 0.5 }),
    new RangeError("invalid fault rates: they sum to 1.2, expected at most 1"),
  );
});
