import assert from "node:assert/strict";
import type { ComparisonPair } from "../schema/mod.ts";
import { describePairing } from "./pairing.ts";

function pair(armA: string, armB: string, caseId = "c1"): ComparisonPair {
  return {
    id: `p-${armA}-${armB}-${caseId}`.replaceAll("/", "_"),
    test_id: "t",
    case_id: caseId,
    repeat: 0,
    arm_a: armA,
    arm_b: armB,
    call_key_a: `t|${armA}|${caseId}|0`,
    call_key_b: `t|${armB}|${caseId}|0`,
    created_at: "2026-12-04T00:00:00.000Z",
  };
}

Deno.test("describePairing() names the control arm", () => {
  const pairs = [pair("a/m", "b/m"), pair("c/m", "a/m"), pair("a/m", "b/m", "c2")];

  const text = describePairing(pairs);

  assert.match(text, /^3 comparison pairs, built against the control arm `a\/m`/);
});

Deno.test("describePairing() reports every two arms", () => {
  const pairs = [pair("a/m", "b/m"), pair("a/m", "c/m"), pair("b/m", "c/m")];

  assert.equal(describePairing(pairs), "3 comparison pairs, over every two of the 3 arms.");
  assert.equal(
    describePairing([pair("a/m", "b/m")]),
    "1 comparison pair, over every two of the 2 arms.",
  );
});

Deno.test("describePairing() handles no and partial pairs", () => {
  assert.equal(describePairing([]), "No comparison pairs yet.");
  const partial = [pair("a/m", "b/m"), pair("c/m", "d/m")];
  assert.equal(
    describePairing(partial),
    "2 comparison pairs, over 2 of the 6 pairs of the 4 arms.",
  );
});
