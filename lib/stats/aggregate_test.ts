import assert from "node:assert/strict";
import { join } from "node:path";
import type { AggregateMetrics, TestResult } from "../schema/mod.ts";
import { listArms } from "../schema/mod.ts";
import { FsStore } from "../store/fs_store.ts";
import { draftState, errorRow, resultRow, sampleTest } from "../store/_testing.ts";
import { aggregateResults } from "./aggregate.ts";
import { percentiles, roundStatistic } from "./quantile.ts";

/** Linear interpolation between closest ranks at (n - 1) * p, written out for the oracle. */
function expectedQuantile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const fraction = position - below;
  const low = sorted[below]!;
  const high = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return low + fraction * (high - low);
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

function known(values: (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null);
}

/** Metrics computed in plain TypeScript over rows that already hold one row per call key. */
function expectedMetrics(rows: TestResult[]): AggregateMetrics[] {
  const arms = [...new Set(rows.map((row) => row.arm_id))].sort();
  return arms.map((arm) => {
    const armRows = rows.filter((row) => row.arm_id === arm);
    const live = armRows.filter((row) => row.error_class === null && !row.from_cache);
    const latencies = known(live.map((row) => row.latency_ms));
    const ttfts = known(live.map((row) => row.ttft_ms));
    const speeds = known(live.map((row) => row.output_tokens_per_s));
    const costs = known(armRows.map((row) => row.cost_usd));
    const errors = armRows.filter((row) => row.error_class !== null).length;
    const sum = (values: (number | null)[]) => {
      const counts = known(values);
      return counts.length === 0 ? null : counts.reduce((a, b) => a + b, 0);
    };
    const unknownCost = armRows.filter((row) => row.error_class === null && row.cost_usd === null);
    return {
      arm_id: arm,
      variant_id: armRows[0]!.variant_id,
      model_id: armRows[0]!.model_id,
      n: armRows.length,
      errors,
      error_rate: errors / armRows.length,
      latency_n: latencies.length,
      latency_mean_ms: mean(latencies),
      latency_p50_ms: expectedQuantile(latencies, 0.5),
      latency_p95_ms: expectedQuantile(latencies, 0.95),
      latency_p99_ms: expectedQuantile(latencies, 0.99),
      ttft_n: ttfts.length,
      ttft_p50_ms: expectedQuantile(ttfts, 0.5),
      ttft_p95_ms: expectedQuantile(ttfts, 0.95),
      output_tokens_per_s_p50: expectedQuantile(speeds, 0.5),
      prompt_tokens_sum: sum(armRows.map((row) => row.prompt_tokens)),
      completion_tokens_sum: sum(armRows.map((row) => row.completion_tokens)),
      total_tokens_sum: sum(armRows.map((row) => row.total_tokens)),
      prompt_tokens_mean: mean(known(armRows.map((row) => row.prompt_tokens))),
      completion_tokens_mean: mean(known(armRows.map((row) => row.completion_tokens))),
      cost_usd_total: costs.length === 0 ? null : costs.reduce((a, b) => a + b, 0),
      cost_per_1k_calls_usd: costs.length === 0 ? null : 1000 * mean(costs)!,
      cost_unknown_n: unknownCost.length,
      cost_no_usage_n: unknownCost.filter((row) =>
        row.prompt_tokens === null || row.completion_tokens === null
      ).length,
      from_cache_n: armRows.filter((row) => row.from_cache).length,
      simulated_n: armRows.filter((row) => row.simulated).length,
    };
  });
}

const FIXTURE_LATENCIES = [812.5, 95, 130.25, 101, 4000, 220, 97.5, 150, 133, 180, 99, 250];

/**
 * Build rows for four arms. short/m1 has varied latencies, nulls, cache rows
 * and a retried error, and every fourth call not streamed. short/m2 has
 * unknown costs and no streamed call, long/m1 only errors, and long/m2 a
 * single row.
 */
function fixtureRows(): { raw: TestResult[]; latest: TestResult[] } {
  const latest: TestResult[] = [];
  FIXTURE_LATENCIES.forEach((latency, i) => {
    latest.push(resultRow({ caseId: `c${i}` }, {
      latency_ms: latency,
      prompt_tokens: 100 + i,
      completion_tokens: i % 3 === 0 ? null : 20 + i,
      total_tokens: i % 3 === 0 ? null : 120 + 2 * i,
      cost_usd: 0.0001 * (i + 1),
      simulated: i % 2 === 0,
      ttft_ms: i % 4 === 3 ? null : latency / (2 + i),
      output_tokens_per_s: i % 4 === 3 ? null : 40 + 3.5 * i,
    }));
  });
  latest.push(resultRow({ caseId: "cached1" }, { latency_ms: 1, from_cache: true, cost_usd: 0 }));
  latest.push(resultRow({ caseId: "cached2" }, { latency_ms: 2, from_cache: true }));
  latest.push(errorRow({ caseId: "e1" }));
  const retried = resultRow({ caseId: "retried" }, {
    latency_ms: 140,
    finished_at: "2026-12-04T10:00:01.000Z",
  });
  latest.push(retried);

  for (let i = 0; i < 5; i++) {
    latest.push(resultRow({ model: "m2", caseId: `c${i}` }, {
      latency_ms: 50 * (i + 1),
      cost_usd: i < 2 ? null : 0.002,
      ttft_ms: null,
      output_tokens_per_s: null,
    }));
  }
  for (let i = 0; i < 3; i++) latest.push(errorRow({ variant: "long", caseId: `c${i}` }));
  latest.push(resultRow({ variant: "long", model: "m2" }, { latency_ms: 333 }));

  // The earlier error of the retried call is stored too; aggregation must drop it.
  const earlierError = errorRow({ caseId: "retried" }, { finished_at: "2026-12-04T10:00:09.000Z" });
  return { raw: [earlierError, ...latest], latest };
}

function assertMetricsClose(actual: AggregateMetrics[], expected: AggregateMetrics[]): void {
  assert.deepEqual(actual.map((m) => m.arm_id), expected.map((m) => m.arm_id));
  for (const [index, metrics] of expected.entries()) {
    const got = actual[index]!;
    for (const [field, value] of Object.entries(metrics)) {
      const gotValue = got[field as keyof AggregateMetrics];
      if (typeof value === "number" && typeof gotValue === "number") {
        assert.ok(
          Math.abs(gotValue - value) <= 1e-9 * Math.max(1, Math.abs(value)),
          `${metrics.arm_id} ${field}: ${gotValue} != ${value}`,
        );
      } else {
        assert.equal(gotValue, value, `${metrics.arm_id} ${field}`);
      }
    }
  }
}

Deno.test("aggregateResults matches plain TypeScript on rows", async () => {
  const { raw, latest } = fixtureRows();
  const metrics = await aggregateResults({ rows: raw });
  assertMetricsClose(metrics, expectedMetrics(latest));

  const onlyErrors = metrics.find((m) => m.arm_id === "long/m1")!;
  assert.equal(onlyErrors.n, 3);
  assert.equal(onlyErrors.error_rate, 1);
  assert.equal(onlyErrors.latency_n, 0);
  assert.equal(onlyErrors.latency_p50_ms, null);
  assert.equal(onlyErrors.cost_per_1k_calls_usd, null);
  assert.equal(onlyErrors.cost_unknown_n, 0);

  const mixed = metrics.find((m) => m.arm_id === "short/m1")!;
  assert.equal(mixed.n, 16);
  assert.equal(mixed.errors, 1);
  assert.equal(mixed.latency_n, 13);
  assert.equal(mixed.from_cache_n, 2);
  assert.equal(mixed.cost_unknown_n, 0);
  assert.equal(metrics.find((m) => m.arm_id === "short/m2")!.cost_unknown_n, 2);
});

Deno.test("aggregateResults matches on Parquet files", async () => {
  const root = await Deno.makeTempDir({ prefix: "ablab_aggregate_" });
  const store = new FsStore({ root: join(root, "runs") });
  try {
    await store.createTest(sampleTest(), draftState());
    const sink = await store.openResults("t1", { maxRows: 7 });
    const { raw, latest } = fixtureRows();
    for (const row of raw) await sink.write(row);
    await sink.close();

    const files = await store.resultFiles("t1");
    assert.ok(files.length > 1);
    const metrics = await aggregateResults({ files }, { db: await store.duckdb() });
    assertMetricsClose(metrics, expectedMetrics(latest));
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("aggregateResults lists arms without results", async () => {
  const metrics = await aggregateResults({ rows: [resultRow()] }, {
    arms: listArms(sampleTest()),
  });

  assert.deepEqual(metrics.map((m) => m.arm_id), ["long/m1", "long/m2", "short/m1", "short/m2"]);
  const empty = metrics[0]!;
  assert.equal(empty.n, 0);
  assert.equal(empty.variant_id, "long");
  assert.equal(empty.model_id, "m1");
  assert.equal(empty.latency_mean_ms, null);
  assert.equal(metrics[2]!.n, 1);
});

Deno.test("aggregateResults handles empty input", async () => {
  assert.deepEqual(await aggregateResults({ rows: [] }), []);
  assert.deepEqual(await aggregateResults({ files: [] }), []);
});

Deno.test("aggregateResults honors an aborted signal", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    aggregateResults({ rows: [resultRow()] }, { signal: controller.signal }),
    { name: "AbortError" },
  );
});

Deno.test("aggregateResults leaves unknown cost null", async () => {
  const rows = [0, 1, 2].map((i) => resultRow({ caseId: `c${i}` }, { cost_usd: null }));
  const [metrics] = await aggregateResults({ rows });

  assert.equal(metrics!.cost_usd_total, null);
  assert.equal(metrics!.cost_per_1k_calls_usd, null);
  assert.equal(metrics!.cost_unknown_n, 3);
});

Deno.test("aggregateResults reports streaming metrics", async () => {
  const { raw } = fixtureRows();
  const metrics = await aggregateResults({ rows: raw });
  const streamed = metrics.find((m) => m.arm_id === "short/m1")!;
  const unstreamed = metrics.find((m) => m.arm_id === "short/m2")!;

  // 9 of the 12 calls with varied latencies streamed, and the retried call
  // has the default TTFT of 30.25 ms. The cached calls are left out.
  assert.equal(streamed.ttft_n, 10);
  const ttfts = [0, 1, 2, 4, 5, 6, 8, 9, 10].map((i) => FIXTURE_LATENCIES[i]! / (2 + i));
  assert.equal(streamed.ttft_p50_ms, roundStatistic(expectedQuantile([...ttfts, 30.25], 0.5)!));
  assert.ok(streamed.ttft_p95_ms! > streamed.ttft_p50_ms!);
  assert.notEqual(streamed.output_tokens_per_s_p50, null);

  assert.equal(unstreamed.ttft_n, 0);
  assert.equal(unstreamed.ttft_p50_ms, null);
  assert.equal(unstreamed.ttft_p95_ms, null);
  assert.equal(unstreamed.output_tokens_per_s_p50, null);
});

Deno.test("aggregateResults leaves unknown token sums null", async () => {
  // A priced model whose server reported no usage: every count and the cost are null.
  const noUsage = { prompt_tokens: null, completion_tokens: null, total_tokens: null };
  const rows = [
    ...[0, 1, 2].map((i) => resultRow({ caseId: `c${i}` }, { ...noUsage, cost_usd: null })),
    resultRow({ model: "m2" }, { completion_tokens: null, total_tokens: null, cost_usd: null }),
    resultRow({ model: "m2", caseId: "c2" }, { cost_usd: null }),
  ];
  const metrics = await aggregateResults({ rows });
  const [unreported, partial] = metrics;

  assert.equal(unreported!.prompt_tokens_sum, null);
  assert.equal(unreported!.completion_tokens_sum, null);
  assert.equal(unreported!.total_tokens_sum, null);
  assert.equal(unreported!.prompt_tokens_mean, null);
  assert.equal(unreported!.cost_unknown_n, 3);
  assert.equal(unreported!.cost_no_usage_n, 3);

  assert.equal(partial!.prompt_tokens_sum, 200);
  assert.equal(partial!.completion_tokens_sum, 20);
  assert.equal(partial!.cost_unknown_n, 2);
  assert.equal(partial!.cost_no_usage_n, 1);
});

Deno.test("aggregateResults percentiles match percentiles()", async () => {
  // Latencies with one decimal, where DuckDB and JavaScript interpolation
  // differ in the last bits without rounding.
  let state = 1;
  const next = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
  for (let trial = 0; trial < 20; trial++) {
    const latencies = Array.from({ length: 7 + trial }, () => Math.round(next() * 20_000) / 10);
    const rows = latencies.map((latency, i) =>
      resultRow({ caseId: `c${i}` }, { latency_ms: latency })
    );
    const [metrics] = await aggregateResults({ rows });
    const [p50, p95, p99] = percentiles(latencies);
    assert.equal(metrics!.latency_p50_ms, p50!.value, `trial ${trial} p50`);
    assert.equal(metrics!.latency_p95_ms, p95!.value, `trial ${trial} p95`);
    assert.equal(metrics!.latency_p99_ms, p99!.value, `trial ${trial} p99`);
  }
});
