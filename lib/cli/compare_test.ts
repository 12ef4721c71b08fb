import assert from "node:assert/strict";
import { type CompareJsonSummary, formatPairsLine } from "./compare.ts";

function summary(overrides: Partial<CompareJsonSummary> = {}): CompareJsonSummary {
  return {
    test_id: "t1",
    comparisons: 12,
    created: 4,
    control: null,
    judge: null,
    report_json: null,
    report_md: null,
    ...overrides,
  };
}

Deno.test("formatPairsLine() names the control arm", () => {
  assert.equal(
    formatPairsLine(summary({ control: "plain/sim" })),
    "pairs   12 (4 new) against control plain/sim (each arm paired with it only), no judge ran\n",
  );
});

Deno.test("formatPairsLine() without control", () => {
  assert.equal(formatPairsLine(summary()), "pairs   12 (4 new), no judge ran\n");
});
