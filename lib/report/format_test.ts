import assert from "node:assert/strict";
import { escapeCell, escapeInline, formatMs, formatRate, formatUsd } from "./format.ts";

Deno.test("formatUsd() uses fixed notation for tiny amounts", () => {
  assert.equal(formatUsd(7.05e-7), "$0.000000705");
  assert.equal(formatUsd(0.0000018), "$0.00000180");
  assert.equal(formatUsd(0.000001), "$0.00000100");
  assert.equal(formatUsd(1e-15), "<$0.000000000001");
});

Deno.test("formatUsd() keeps four decimals below $1", () => {
  assert.equal(formatUsd(0.0123), "$0.0123");
  assert.equal(formatUsd(0.5), "$0.5000");
  assert.equal(formatUsd(0.0004), "$0.000400");
});

Deno.test("formatUsd() shows cents from $1", () => {
  assert.equal(formatUsd(1.234), "$1.23");
  assert.equal(formatUsd(0), "$0");
  assert.equal(formatUsd(-0.0004), "-$0.000400");
  assert.equal(formatUsd(null), "—");
});

Deno.test("formatMs() prints float noise alike", () => {
  assert.equal(formatMs(969.85), "969.9 ms");
  assert.equal(formatMs(969.8499999999999), "969.9 ms");
  assert.equal(formatMs(null), "—");
});

Deno.test("formatRate() keeps one decimal", () => {
  assert.equal(formatRate(54.26), "54.3");
  assert.equal(formatRate(54.35), "54.4");
  assert.equal(formatRate(54.349999999999994), "54.4");
  assert.equal(formatRate(0), "0.0");
  assert.equal(formatRate(null), "—");
});

Deno.test("escape functions join every line ending", () => {
  for (const ending of ["\r\n", "\n", "\r"]) {
    assert.equal(escapeCell(`a${ending}b`), "a b", JSON.stringify(ending));
    assert.equal(escapeInline(`a${ending}b`), "a b", JSON.stringify(ending));
  }
});
