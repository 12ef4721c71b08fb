/**
 * Checks that the TypeScript quantile gives the same numbers as DuckDB's
 * `quantile_cont`, which the aggregation SQL uses for p50, p95 and p99.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { createRandom } from "../lib/stats/random.ts";
import { quantile } from "../lib/stats/quantile.ts";

Deno.test("quantile matches DuckDB quantile_cont", async () => {
  const random = createRandom(17);
  const samples: Record<string, number[]> = {
    uniform_1000: Array.from({ length: 1000 }, () => Math.round(random() * 1e6) / 100),
    small_7: [5, 1, 9, 3, 3, 12.5, 7],
    single: [42],
    identical: new Array(30).fill(100),
  };
  const probabilities = [0, 0.25, 0.5, 0.95, 0.99, 1];

  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    for (const [name, values] of Object.entries(samples)) {
      const list = values.map((value) => value.toString()).join(", ");
      const columns = probabilities.map((p, k) => `quantile_cont(v, ${p}) AS q${k}`).join(", ");
      const reader = await connection.runAndReadAll(
        `SELECT ${columns} FROM (SELECT unnest([${list}]::DOUBLE[]) AS v)`,
      );
      const row = reader.getRowObjectsJS()[0]!;
      probabilities.forEach((p, k) => {
        const expected = Number(row[`q${k}`]);
        const actual = quantile(values, p);
        assert.ok(
          Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
          `${name} p=${p}: DuckDB ${expected}, ablab ${actual}`,
        );
      });
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
});
