import assert from "node:assert/strict";
import { StreamTimer } from "./streaming.ts";

Deno.test("StreamTimer measures ttft and rate", () => {
  const timer = new StreamTimer(1000);
  assert.equal(timer.ttftMs(), null);
  timer.markContent(1200);
  timer.markContent(1300);
  timer.markContent(1700);
  assert.equal(timer.ttftMs(), 200);
  // 50 tokens over the 500 ms from the first to the last chunk.
  assert.equal(timer.outputTokensPerSecond(50), 100);
});

Deno.test("StreamTimer rate is null for one chunk", () => {
  const timer = new StreamTimer(0);
  timer.markContent(10);
  assert.equal(timer.ttftMs(), 10);
  assert.equal(timer.outputTokensPerSecond(40), null);
});

Deno.test("StreamTimer rate is null without a count", () => {
  const timer = new StreamTimer(0);
  timer.markContent(10);
  timer.markContent(20);
  assert.equal(timer.outputTokensPerSecond(null), null);
});
