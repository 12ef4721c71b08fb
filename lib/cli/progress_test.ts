import assert from "node:assert/strict";
import { formatDuration } from "./console_logger.ts";
import { createProgressDisplay, formatProgressLine } from "./progress.ts";
import { makeTestId } from "./test_id.ts";

Deno.test("formatDuration() picks the unit", () => {
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(999.7), "1.0 s");
  assert.equal(formatDuration(12_340), "12.3 s");
  assert.equal(formatDuration(59_990), "1 min 00 s");
  assert.equal(formatDuration(245_000), "4 min 05 s");
});

Deno.test("formatProgressLine() shows counts, rate and ETA", () => {
  const line = formatProgressLine("t1", { done: 120, total: 400, errors: 3, retries: 2 }, 3_000);
  assert.equal(
    line,
    "progress t1 -> 120/400 calls (30%), 3 errors, 2 retries, 40.0 calls/s, 3.0 s elapsed, " +
      "ETA 7.0 s",
  );
});

Deno.test("formatProgressLine() has no ETA before the first call", () => {
  const line = formatProgressLine("t1", { done: 0, total: 10, errors: 0, retries: 0 }, 0);
  assert.match(line, /0\/10 calls \(0%\).*ETA unknown$/);
});

Deno.test("plain progress prints at most once per interval", () => {
  let clock = 0;
  const lines: string[] = [];
  const display = createProgressDisplay({
    tty: false,
    label: "t1",
    intervalMs: 5_000,
    write: (line) => lines.push(line),
    now: () => clock,
  });

  for (let done = 1; done <= 10; done++) {
    clock += 1_000;
    display.update({ done, total: 10, errors: 0, retries: 0 });
  }
  display.stop();

  // Lines at 1 s and 6 s, then the final state on stop.
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /1\/10 calls/);
  assert.match(lines[1]!, /6\/10 calls/);
  assert.match(lines[2]!, /10\/10 calls \(100%\)/);
});

Deno.test("makeTestId() appends the UTC time", () => {
  assert.equal(
    makeTestId("support-tone", new Date("2026-12-04T19:56:22.123Z")),
    "support-tone-20261204-195622",
  );
});

Deno.test("makeTestId() stays within 128 characters", () => {
  const id = makeTestId("x".repeat(128), new Date("2026-01-02T03:04:05Z"));
  assert.equal(id.length, 128);
  assert.ok(id.endsWith("-20260102-030405"));
});
