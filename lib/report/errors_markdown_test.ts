import assert from "node:assert/strict";
import type { ArmErrorSummary } from "../schema/mod.ts";
import { draftState, sampleTest } from "../store/_testing.ts";
import { buildReport } from "./build_report.ts";
import { errorsSection, MAX_MESSAGE_CHARACTERS } from "./errors_markdown.ts";
import { renderMarkdown } from "./render_markdown.ts";
import { armMetrics } from "./_testing.ts";

function armErrors(armId: string, overrides: Partial<ArmErrorSummary> = {}): ArmErrorSummary {
  return {
    arm_id: armId,
    errors: 2,
    most_frequent: [{ error_class: "ProviderError", error_message: "server error", n: 2 }],
    other_n: 0,
    other_kinds: 0,
    ...overrides,
  };
}

/** Splits a table row into cells, keeping escaped pipes inside their cell. */
function cells(row: string): string[] {
  return row.replace(/^\| | \|$/g, "").split(/(?<!\\) \| /);
}

Deno.test("errorsSection lists classes and messages", () => {
  const lines = errorsSection([
    armErrors("short/m1", {
      errors: 9,
      most_frequent: [
        { error_class: "RateLimitError", error_message: "429 Too Many Requests", n: 4 },
        { error_class: "TimeoutError", error_message: "timed out after 30 s", n: 2 },
        { error_class: "ProviderError", error_message: null, n: 1 },
      ],
      other_n: 2,
      other_kinds: 2,
    }),
  ]);

  assert.equal(lines[0], "## Errors");
  const rows = lines.filter((line) => line.startsWith("| `short/m1`")).map(cells);
  assert.deepEqual(rows, [
    ["`short/m1`", "RateLimitError", "429 Too Many Requests", "4"],
    ["`short/m1`", "TimeoutError", "timed out after 30 s", "2"],
    ["`short/m1`", "ProviderError", "—", "1"],
    ["`short/m1`", "other", "2 other classes or messages", "2"],
  ]);
});

Deno.test("errorsSection is empty without errors", () => {
  assert.deepEqual(errorsSection([]), []);
  assert.deepEqual(errorsSection([armErrors("short/m1", { errors: 0, most_frequent: [] })]), []);
});

Deno.test("errorsSection cuts long messages", () => {
  const message = "x".repeat(MAX_MESSAGE_CHARACTERS - 1) + "🙂" + "tail ".repeat(100);
  const lines = errorsSection([
    armErrors("short/m1", {
      most_frequent: [{ error_class: "ProviderError", error_message: message, n: 2 }],
    }),
  ]);

  const cell = cells(lines.find((line) => line.startsWith("| `short/m1`"))!)[2]!;
  assert.equal(cell, "x".repeat(MAX_MESSAGE_CHARACTERS - 1) + "🙂…");
  assert.doesNotMatch(cell, /tail/);
});

Deno.test("errorsSection escapes server text", () => {
  const message = "bad | gateway\r\n<script>alert(1)</script> *x* [link](http://a)\rend \\|";
  const lines = errorsSection([
    armErrors("short/m1", {
      most_frequent: [{ error_class: "Err|or`", error_message: message, n: 2 }],
    }),
  ]);

  const row = lines.find((line) => line.startsWith("| `short/m1`"))!;
  assert.equal(row.split("\n").length, 1);
  assert.deepEqual(cells(row), [
    "`short/m1`",
    "Err\\|or\\`",
    "bad \\| gateway \\<script\\>alert(1)\\</script\\> \\*x\\* \\[link\\](http://a) end \\\\\\|",
    "2",
  ]);
});

Deno.test("renderMarkdown shows errors only when present", () => {
  const test = sampleTest();
  const arms = [armMetrics("short/m1")];
  const withErrors = renderMarkdown(
    buildReport(test, draftState(), arms, { errors: [armErrors("short/m1")] }),
  );
  assert.match(withErrors, /## Variant performance[\s\S]*## Errors\n[\s\S]*## Winner analysis/);
  assert.match(withErrors, /\| `short\/m1` \| ProviderError \| server error \| 2 \|/);

  const none = renderMarkdown(buildReport(test, draftState(), arms, { errors: [] }));
  assert.doesNotMatch(none, /## Errors/);
  const old = renderMarkdown(buildReport(test, draftState(), arms));
  assert.doesNotMatch(old, /## Errors/);
});

Deno.test("buildReport orders errors like arms", () => {
  const report = buildReport(sampleTest(), draftState(), [], {
    errors: [armErrors("long/m1"), armErrors("short/m2"), armErrors("short/m1")],
  });
  assert.deepEqual(report.errors!.map((arm) => arm.arm_id), ["short/m1", "short/m2", "long/m1"]);
});
