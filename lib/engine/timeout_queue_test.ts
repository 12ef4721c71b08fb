import assert from "node:assert/strict";
import { type QueueTimers, TimeoutQueue } from "./timeout_queue.ts";

/** Fake clock whose timers run when `advance` passes their time. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const api: QueueTimers = {
    now: () => now,
    setTimer: (callback, delayMs) => {
      const id = nextId++;
      timers.set(id, { at: now + delayMs, callback });
      return id;
    },
    clearTimer: (handle) => timers.delete(handle as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers].filter(([, timer]) => timer.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].callback();
    }
    now = end;
  };
  return { api, advance, active: () => timers.size };
}

Deno.test("TimeoutQueue runs callbacks at their deadlines in order", () => {
  const { api, advance } = fakeTimers();
  const queue = new TimeoutQueue(100, api);
  const ran: string[] = [];
  queue.schedule(() => ran.push("a"));
  advance(30);
  queue.schedule(() => ran.push("b"));
  advance(69);
  assert.deepEqual(ran, []);
  advance(1);
  assert.deepEqual(ran, ["a"]);
  advance(29);
  assert.deepEqual(ran, ["a"]);
  advance(1);
  assert.deepEqual(ran, ["a", "b"]);
  assert.equal(queue.pending, 0);
});

Deno.test("TimeoutQueue skips cancelled callbacks and keeps one timer", () => {
  const { api, advance, active } = fakeTimers();
  const queue = new TimeoutQueue(100, api);
  const ran: number[] = [];
  const cancels = [0, 1, 2].map((i) => queue.schedule(() => ran.push(i)));
  assert.equal(active(), 1);
  cancels[0]!();
  cancels[2]!();
  advance(100);
  assert.deepEqual(ran, [1]);
  cancels[1]!();
  assert.equal(queue.pending, 0);
});

Deno.test("TimeoutQueue clears its timer when nothing is pending", () => {
  const { api, active } = fakeTimers();
  const queue = new TimeoutQueue(60_000, api);
  const cancel = queue.schedule(() => assert.fail("cancelled callback ran"));
  cancel();
  cancel();
  assert.equal(active(), 0);
  assert.equal(queue.pending, 0);
});

Deno.test("TimeoutQueue keeps the live callback when it drops cancelled ones", () => {
  const { api, advance } = fakeTimers();
  const queue = new TimeoutQueue(60_000, api);
  let ran = 0;
  queue.schedule(() => ran++);
  for (let i = 0; i < 10_000; i++) {
    advance(1);
    queue.schedule(() => assert.fail("cancelled callback ran"))();
  }
  assert.equal(queue.pending, 1);
  advance(60_000);
  assert.equal(ran, 1);
});

Deno.test("TimeoutQueue rejects a negative delay", () => {
  assert.throws(() => new TimeoutQueue(-1), {
    name: "RangeError",
    message: "Invalid delayMs -1: expected a finite number >= 0",
  });
});
