import assert from "node:assert/strict";
import type { TestResult } from "../schema/mod.ts";
import { BufferedSink } from "./buffered_sink.ts";
import { ManualTimers, resultRow, settleMicrotasks } from "./_testing.ts";

function rows(count: number): TestResult[] {
  return Array.from({ length: count }, (_, i) => resultRow({ caseId: `c${i}` }));
}

Deno.test("BufferedSink flushes at maxRows", async () => {
  const chunks: number[] = [];
  const timers = new ManualTimers();
  const sink = new BufferedSink((chunk) => {
    chunks.push(chunk.length);
    return Promise.resolve();
  }, { testId: "t1", maxRows: 3, maxAgeMs: 1000, timers });

  for (const row of rows(7)) await sink.write(row);

  assert.deepEqual(chunks, [3, 3]);
  assert.equal(sink.buffered, 1);
  await sink.close();
  assert.deepEqual(chunks, [3, 3, 1]);
  assert.deepEqual(timers.pendingDelays, []);
});

Deno.test("BufferedSink flushes by age", async () => {
  const chunks: number[] = [];
  const timers = new ManualTimers();
  const sink = new BufferedSink((chunk) => {
    chunks.push(chunk.length);
    return Promise.resolve();
  }, { testId: "t1", maxRows: 100, maxAgeMs: 2000, timers });

  for (const row of rows(2)) await sink.write(row);
  assert.deepEqual(timers.pendingDelays, [2000]);
  assert.deepEqual(chunks, []);

  timers.fire();
  await settleMicrotasks(1);
  assert.deepEqual(chunks, [2]);
  assert.equal(sink.buffered, 0);
  assert.deepEqual(timers.pendingDelays, []);
  await sink.close();
  assert.deepEqual(chunks, [2]);
});

Deno.test("BufferedSink writes chunks one at a time", async () => {
  let active = 0;
  let maxActive = 0;
  const order: string[] = [];
  const sizes: number[] = [];
  const sink = new BufferedSink(async (chunk) => {
    sizes.push(chunk.length);
    active++;
    maxActive = Math.max(maxActive, active);
    await settleMicrotasks(2);
    order.push(...chunk.map((row) => row.case_id));
    active--;
  }, { testId: "t1", maxRows: 2, timers: new ManualTimers() });

  await Promise.all(rows(9).map((row) => sink.write(row)));
  await sink.close();

  assert.equal(maxActive, 1);
  assert.deepEqual(sizes, [2, 2, 2, 2, 1]);
  assert.deepEqual(order, rows(9).map((row) => row.case_id));
});

Deno.test("BufferedSink keeps rows of a failed chunk", async () => {
  let fail = true;
  const written: string[] = [];
  const timers = new ManualTimers();
  const sink = new BufferedSink((chunk) => {
    if (fail) return Promise.reject(new Error("disk full"));
    written.push(...chunk.map((row) => row.case_id));
    return Promise.resolve();
  }, { testId: "t1", maxRows: 10, timers });

  for (const row of rows(2)) await sink.write(row);
  await assert.rejects(sink.flush(), { message: "disk full" });
  assert.equal(sink.buffered, 2);

  fail = false;
  await sink.close();
  assert.deepEqual(written, ["c0", "c1"]);
});

Deno.test("BufferedSink rethrows a background failure", async () => {
  const timers = new ManualTimers();
  const sink = new BufferedSink(
    () => Promise.reject(new Error("disk full")),
    { testId: "t1", maxRows: 10, timers },
  );
  await sink.write(resultRow());
  timers.fire();
  await settleMicrotasks(1);

  await assert.rejects(sink.write(resultRow({ caseId: "c2" })), { message: "disk full" });
});

Deno.test("BufferedSink rejects invalid rows", async () => {
  const sink = new BufferedSink(() => Promise.resolve(), {
    testId: "t1",
    timers: new ManualTimers(),
  });

  await assert.rejects(sink.write(resultRow({}, { attempts: 0 })), {
    name: "TypeError",
    message: /field attempts/,
  });
  await assert.rejects(sink.write(resultRow({ testId: "other" })), {
    name: "TypeError",
    message: /does not match the sink's test "t1"/,
  });
  await sink.close();
  await assert.rejects(sink.write(resultRow()), { message: /is closed/ });
});

Deno.test("BufferedSink without validation keeps row objects", async () => {
  const written: TestResult[] = [];
  const sink = new BufferedSink((chunk) => {
    written.push(...chunk);
    return Promise.resolve();
  }, { testId: "t1", validate: false, timers: new ManualTimers() });

  const row = resultRow();
  await sink.write(row);
  await assert.rejects(sink.write(resultRow({ testId: "other" })), {
    name: "TypeError",
    message: /does not match the sink's test "t1"/,
  });
  await sink.close();
  assert.equal(written.length, 1);
  assert.equal(written[0], row, "the row object itself, not a parsed copy");
});

Deno.test("BufferedSink rejects invalid limits", () => {
  const write = () => Promise.resolve();
  assert.throws(() => new BufferedSink(write, { testId: "t1", maxRows: 0 }), RangeError);
  assert.throws(() => new BufferedSink(write, { testId: "t1", maxAgeMs: -1 }), RangeError);
});
