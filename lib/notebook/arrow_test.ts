import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { queryArrow } from "./arrow.ts";

Deno.test("queryArrow() maps DuckDB types", async () => {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const table = await queryArrow(
      connection,
      `SELECT 1::BIGINT AS big, 2::INTEGER AS int, 2.5::DOUBLE AS dbl, 1.25::DECIMAL(6, 2) AS dec,
              'x' AS text, true AS flag, sum(3::BIGINT) AS total,
              TIMESTAMPTZ '2026-12-04 10:00:00+00' AS at, DATE '2026-12-04' AS day,
              [1, 2] AS list, NULL::INTEGER AS missing`,
    );
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    assert.deepEqual(types, {
      big: "Int64",
      int: "Int32",
      dbl: "Float64",
      dec: "Float64",
      text: "Utf8",
      flag: "Bool",
      total: "Float64",
      at: "Timestamp<MILLISECOND, UTC>",
      day: "Timestamp<MILLISECOND, UTC>",
      list: "Utf8",
      missing: "Int32",
    });

    const row = table.get(0)!.toJSON();
    assert.equal(row.big, 1n);
    assert.equal(row.dec, 1.25);
    assert.equal(row.total, 3);
    assert.equal(row.at, Date.parse("2026-12-04T10:00:00Z"));
    assert.equal(row.day, Date.parse("2026-12-04T00:00:00Z"));
    assert.equal(row.list, "[1,2]");
    assert.equal(row.missing, null);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
});

Deno.test("queryArrow() keeps columns of an empty result", async () => {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const table = await queryArrow(connection, "SELECT 1 AS a, 'x' AS b WHERE false");
    assert.equal(table.numRows, 0);
    assert.deepEqual(table.schema.fields.map((f) => `${f.name}:${f.type}`), ["a:Int32", "b:Utf8"]);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
});
