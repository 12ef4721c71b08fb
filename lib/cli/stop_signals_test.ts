import assert from "node:assert/strict";
import { nullLogger } from "../mod.ts";
import { createStopHandler } from "./stop_signals.ts";

Deno.test("createStopHandler() first signal stops gently", () => {
  const state = createStopHandler("t1", nullLogger, { now: () => 0 });

  state.handle("SIGINT");

  assert.equal(state.stopSignal.aborted, true);
  assert.equal(state.signal.aborted, false);
  assert.equal(state.received(), "SIGINT");
});

Deno.test("createStopHandler() ignores repeat within window", () => {
  let clock = 0;
  const state = createStopHandler("t1", nullLogger, { now: () => clock });

  state.handle("SIGINT");
  clock = 999;
  state.handle("SIGINT");

  assert.equal(state.signal.aborted, false);
});

Deno.test("createStopHandler() aborts on repeat after window", () => {
  let clock = 0;
  const state = createStopHandler("t1", nullLogger, { now: () => clock });

  state.handle("SIGINT");
  clock = 1_000;
  state.handle("SIGINT");

  assert.equal(state.signal.aborted, true);
});

Deno.test("createStopHandler() other signal aborts at once", () => {
  const state = createStopHandler("t1", nullLogger, { now: () => 0 });

  state.handle("SIGINT");
  state.handle("SIGTERM");

  assert.equal(state.signal.aborted, true);
  assert.equal(state.received(), "SIGINT");
});

Deno.test("createStopHandler() SIGTERM twice aborts at once", () => {
  const state = createStopHandler("t1", nullLogger, { now: () => 0 });

  state.handle("SIGTERM");
  state.handle("SIGTERM");

  assert.equal(state.signal.aborted, true);
});
