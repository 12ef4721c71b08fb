import assert from "node:assert/strict";
import { createPlan, renderMessages } from "./plan.ts";
import { makeTest } from "./_fixtures.ts";

Deno.test("createPlan() factorial covers cases x arms x repeats", () => {
  const test = makeTest(5, { repeats: 3 });
  const plan = createPlan(test);
  const keys = [...plan.calls()].map((call) => call.key);

  assert.equal(plan.total, 5 * 4 * 3);
  assert.equal(keys.length, plan.total);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(keys[0], "t1|plain/mini|case-0|0");
  assert.equal(keys[1], "t1|plain/big|case-0|0");
  assert.equal(keys[4], "t1|plain/mini|case-0|1");
  for (const count of plan.callsPerArm.values()) assert.equal(count, 15);
});

Deno.test("createPlan() split sends each case to one arm", () => {
  const test = makeTest(1_000, { repeats: 2, traffic: { mode: "split" } });
  const plan = createPlan(test);
  const calls = [...plan.calls()];

  assert.equal(plan.total, 2_000);
  assert.equal(calls.length, 2_000);
  const armsPerCase = new Map<string, Set<string>>();
  for (const call of calls) {
    const arms = armsPerCase.get(call.testCase.id) ?? new Set();
    arms.add(call.arm.id);
    armsPerCase.set(call.testCase.id, arms);
  }
  assert.equal(armsPerCase.size, 1_000);
  for (const arms of armsPerCase.values()) assert.equal(arms.size, 1);
  for (const count of plan.callsPerArm.values()) assert.equal(count, 500);
});

Deno.test("createPlan() is deterministic", () => {
  const test = makeTest(200, { traffic: { mode: "split" } });
  const first = [...createPlan(test).calls()].map((call) => call.key);
  const second = [...createPlan(structuredClone(test)).calls()].map((call) => call.key);
  assert.deepEqual(second, first);

  const reseeded = [...createPlan({ ...test, seed: 8 }).calls()].map((call) => call.key);
  assert.notDeepEqual(reseeded, first);
});

Deno.test("createPlan() streams lazily", () => {
  // 1,000,000 planned calls; only the first few are ever built.
  const test = makeTest(1);
  test.cases = Array.from({ length: 250_000 }, (_, i) => ({ id: `c${i}`, vars: { topic: "x" } }));
  const plan = createPlan(test);
  assert.equal(plan.total, 1_000_000);
  const iterator = plan.calls();
  const firstThree = [iterator.next(), iterator.next(), iterator.next()];
  assert.deepEqual(firstThree.map((step) => step.done), [false, false, false]);
});

Deno.test("createPlan() rejects duplicate case ids", () => {
  const test = makeTest(2);
  test.cases[1]!.id = "case-0";
  assert.throws(() => createPlan(test), {
    name: "RangeError",
    message: 'Case id "case-0" appears more than once in test "t1": give every case its own id',
  });
});

Deno.test("createPlan() rejects a slot missing from a case", () => {
  const test = makeTest(2);
  test.cases[1]!.vars = { subject: "x" };
  assert.throws(() => createPlan(test), {
    name: "RangeError",
    message: 'Case "case-1" has no value for slot "topic" of variant "plain": ' +
      'add "topic" to the case or remove the slot',
  });
});

Deno.test("renderMessages() fills system and user templates", () => {
  const test = makeTest(1);
  const [plain, friendly] = test.variants;
  const testCase = { id: "c", vars: { topic: "returns" } };

  assert.deepEqual(renderMessages(plain!, testCase), [
    { role: "user", content: "Explain returns to a customer." },
  ]);
  assert.deepEqual(renderMessages(friendly!, testCase), [
    { role: "system", content: "Be friendly and concise." },
    { role: "user", content: "Please explain returns." },
  ]);
});
