import assert from "node:assert/strict";
import { type ABTest, createPlan } from "../mod.ts";
import { keysOutsideShard, shardOfCase } from "./shard.ts";

function testWithCases(count: number): ABTest {
  return {
    id: "t",
    name: "t",
    seed: 0,
    repeats: 2,
    concurrency: 1,
    cache: false,
    variants: [{ id: "a", template: "x" }, { id: "b", template: "y" }],
    models: [{
      id: "m",
      provider: "simulated",
      model: "sim",
      stream: false,
      timeout_ms: 1000,
      max_attempts: 1,
    }],
    traffic: { mode: "factorial" },
    cases: Array.from({ length: count }, (_, i) => ({ id: `case-${i}`, vars: {} })),
    rating_dimensions: [{ id: "overall" }],
  };
}

Deno.test("shardOfCase() stays within 1..n", () => {
  for (let i = 0; i < 200; i++) {
    const shard = shardOfCase(`case-${i}`, 3);
    assert.ok(shard >= 1, `case-${i} -> ${shard}`);
    assert.ok(shard <= 3, `case-${i} -> ${shard}`);
    assert.equal(shardOfCase(`case-${i}`, 3), shard);
  }
});

Deno.test("shardOfCase() spreads cases evenly", () => {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[shardOfCase(`case-${i}`, 4) - 1]!++;
  for (const count of counts) assert.ok(count > 850 && count < 1150, `counts ${counts}`);
});

Deno.test("keysOutsideShard() partitions the plan", () => {
  const test = testWithCases(30);
  const keys = [...createPlan(test).calls()].map((call) => call.key);

  const inside = [1, 2, 3].map((index) => {
    const skip = keysOutsideShard(test, { index, count: 3 });
    return keys.filter((key) => !skip.has(key));
  });

  assert.equal(inside.flat().length, keys.length);
  assert.deepEqual(new Set(inside.flat()), new Set(keys));
  for (const shard of inside) assert.ok(shard.length > 0);
});

Deno.test("keysOutsideShard() keeps a case's calls together", () => {
  const test = testWithCases(20);
  const skip = keysOutsideShard(test, { index: 1, count: 2 });

  const byCase = new Map<string, boolean[]>();
  for (const call of createPlan(test).calls()) {
    const list = byCase.get(call.testCase.id) ?? [];
    list.push(skip.has(call.key));
    byCase.set(call.testCase.id, list);
  }
  for (const [caseId, skipped] of byCase) {
    assert.equal(skipped.length, 4, caseId);
    assert.equal(new Set(skipped).size, 1, `${caseId} is split across shards`);
  }
});
