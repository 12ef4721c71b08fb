/**
 * Unit tests of the site's Deno-side data shaping: latency summaries, index
 * rows, dashboard data, the Arrow file, loader arguments and the build cache.
 */
import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import {
  type ABTest,
  type AggregateMetrics,
  callKey,
  type ComparisonPair,
  formatJudgeComment,
  quantileSorted,
  type Rating,
  RESULT_COLUMNS,
  type TestResult,
  type TestState,
} from "../lib/mod.ts";
import { countedLatencies, latencyHistogram, overallLatency } from "../site/loaders/latency.ts";
import { buildIndexRow, plannedCalls, sortIndexRows } from "../site/loaders/tests_index.ts";
import { buildDashboard } from "../site/loaders/dashboard.ts";
import { resultsToArrowIpc } from "../site/loaders/arrow.ts";
import { testIdArgument } from "../site/loaders/source.ts";
import {
  CLIENT_NPM_PACKAGES,
  markLoadersStale,
  seedNpmVersionCache,
} from "../site/loaders/framework_cache.ts";
import { basename, dirname, extname, join } from "../site/loaders/browser/path_shim.ts";

const TEST: ABTest = {
  id: "t1",
  name: "Tone",
  seed: 5,
  repeats: 2,
  concurrency: 4,
  cache: false,
  variants: [{ id: "a", template: "{{q}}" }, { id: "b", template: "Q: {{q}}" }],
  models: [{
    id: "m",
    provider: "simulated",
    model: "gpt-4o-mini",
    stream: false,
    timeout_ms: 1000,
    max_attempts: 1,
  }],
  traffic: { mode: "factorial" },
  cases: [{ id: "c1", vars: { q: "x" } }, { id: "c2", vars: { q: "y" } }, {
    id: "c3",
    vars: { q: "z" },
  }],
  rating_dimensions: [{ id: "overall" }],
};

const STATE: TestState = {
  test_id: "t1",
  status: "completed",
  history: [
    { status: "draft", at: "2026-12-01T10:00:00.000Z" },
    { status: "completed", at: "2026-12-01T11:00:00.000Z" },
  ],
};

function row(arm: string, caseId: string, patch: Partial<TestResult> = {}): TestResult {
  const [variant, model] = arm.split("/") as [string, string];
  return {
    test_id: "t1",
    arm_id: arm,
    variant_id: variant,
    model_id: model,
    case_id: caseId,
    repeat: 0,
    call_key: callKey("t1", arm, caseId, 0),
    provider: "simulated",
    model: "gpt-4o-mini",
    output: "ok",
    finish_reason: "stop",
    latency_ms: 100,
    ttft_ms: null,
    output_tokens_per_s: null,
    prompt_tokens: 10,
    completion_tokens: 5,
    total_tokens: 15,
    cached_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    cost_usd: 0.001,
    error_class: null,
    error_message: null,
    attempts: 1,
    started_at: "2026-12-01T10:00:00.000Z",
    finished_at: "2026-12-01T10:00:01.000Z",
    simulated: true,
    from_cache: false,
    ...patch,
  };
}

function metrics(arm: string, patch: Partial<AggregateMetrics> = {}): AggregateMetrics {
  const [variant, model] = arm.split("/") as [string, string];
  return {
    arm_id: arm,
    variant_id: variant,
    model_id: model,
    n: 6,
    errors: 1,
    error_rate: 1 / 6,
    latency_n: 5,
    latency_mean_ms: 100,
    latency_p50_ms: 100,
    latency_p95_ms: 150,
    latency_p99_ms: 160,
    prompt_tokens_sum: 60,
    completion_tokens_sum: 30,
    total_tokens_sum: 90,
    prompt_tokens_mean: 10,
    completion_tokens_mean: 5,
    cost_usd_total: 0.006,
    cost_per_1k_calls_usd: 1,
    cost_unknown_n: 0,
    from_cache_n: 0,
    simulated_n: 6,
    ...patch,
  };
}

Deno.test("countedLatencies() skips errors, cache hits and nulls", () => {
  const byArm = countedLatencies([
    row("a/m", "c1", { latency_ms: 10 }),
    row("a/m", "c2", { latency_ms: 20, from_cache: true }),
    row("a/m", "c3", { latency_ms: 30, error_class: "TimeoutError", output: null }),
    row("b/m", "c1", { latency_ms: null }),
    row("b/m", "c2", { latency_ms: 40 }),
  ]);
  assert.deepEqual(byArm.get("a/m"), [10]);
  assert.deepEqual(byArm.get("b/m"), [40]);
});

Deno.test("overallLatency() pools arms with linear interpolation", () => {
  const byArm = new Map([["a/m", [1, 2, 3, 4]], ["b/m", [10, 20, 30]]]);
  const sorted = [1, 2, 3, 4, 10, 20, 30];
  const overall = overallLatency(byArm);
  assert.equal(overall.n, 7);
  assert.equal(overall.p50_ms, quantileSorted(sorted, 0.5));
  assert.equal(overall.p95_ms, quantileSorted(sorted, 0.95));
  assert.equal(overall.p99_ms, quantileSorted(sorted, 0.99));
  assert.deepEqual(overallLatency(new Map()), { n: 0, p50_ms: null, p95_ms: null, p99_ms: null });
});

Deno.test("latencyHistogram() counts every value in shared bins", () => {
  const a = Array.from({ length: 199 }, (_, i) => i + 1);
  const byArm = new Map([["b/m", [5, 5, 5]], ["a/m", [...a, 10_000]]]);
  const histogram = latencyHistogram(byArm, 10);

  assert.equal(histogram.bins.length, 20);
  assert.deepEqual([...new Set(histogram.bins.map((bin) => bin.arm_id))], ["a/m", "b/m"]);
  const total = (arm: string) =>
    histogram.bins.filter((bin) => bin.arm_id === arm).reduce((sum, bin) => sum + bin.count, 0);
  assert.equal(total("a/m"), 200);
  assert.equal(total("b/m"), 3);
  // The 99.5th percentile of all 203 values is 198.99, so 199 and 10,000 lie above it.
  assert.equal(histogram.clipped, 2);
  const edgesA = histogram.bins.filter((bin) => bin.arm_id === "a/m").map((bin) => bin.x0);
  const edgesB = histogram.bins.filter((bin) => bin.arm_id === "b/m").map((bin) => bin.x0);
  assert.deepEqual(edgesA, edgesB);
  assert.equal(histogram.bins.at(-1)!.x1, histogram.upper_ms);
});

Deno.test("latencyHistogram() handles no values and rejects bad bins", () => {
  assert.deepEqual(latencyHistogram(new Map()), { bins: [], clipped: 0, upper_ms: 0 });
  assert.throws(() => latencyHistogram(new Map([["a/m", [1]]]), 0), RangeError);
});

Deno.test("plannedCalls() multiplies by arms only in factorial mode", () => {
  assert.equal(plannedCalls(TEST), 3 * 2 * 2);
  assert.equal(plannedCalls({ ...TEST, traffic: { mode: "split" } }), 3 * 2);
});

Deno.test("buildIndexRow() sums metrics and keeps named winners", () => {
  const rowOut = buildIndexRow({
    test: TEST,
    state: STATE,
    metrics: [metrics("a/m"), metrics("b/m", { simulated_n: 0, errors: 2 })],
    report: {
      schema_version: "1.0.0",
      test_id: "t1",
      name: "Tone",
      status: "completed",
      generated_at: "2026-12-01T11:00:00.000Z",
      simulated: true,
      quantile_method: "type 7",
      summary: "s",
      arms: [],
      winners: [
        { metric: "cost", arm_id: "a/m", statement: "a is cheaper" },
        { metric: "quality", arm_id: null, statement: "no difference" },
      ],
    },
  });
  assert.equal(rowOut.calls, 12);
  assert.equal(rowOut.errors, 3);
  assert.equal(rowOut.planned_calls, 12);
  assert.ok(Math.abs(rowOut.cost_usd! - 0.012) < 1e-12);
  assert.deepEqual(rowOut.arms, ["a/m", "b/m"]);
  assert.deepEqual(rowOut.winners, [{ metric: "cost", arm_id: "a/m" }]);
  assert.equal(rowOut.last_change_at, "2026-12-01T11:00:00.000Z");
  assert.equal(rowOut.simulated, true);
  assert.equal(rowOut.has_report, true);
});

Deno.test("buildIndexRow() sums the judge's cost apart", () => {
  const judged = (cost: number | null, key: string): Rating => ({
    comparison_id: `cmp-${key}`,
    test_id: "t1",
    rater_id: "judge:gpt-4o-mini",
    choices: { overall: "A" },
    comment: formatJudgeComment({ ab: { overall: "A" }, ba: { overall: "A" }, cost_usd: cost }),
    idempotency_key: key,
    created_at: "2026-12-01T11:00:00.000Z",
  });
  const input = { test: TEST, state: STATE, metrics: [metrics("a/m")], report: undefined };
  const none = buildIndexRow(input);
  assert.equal(none.judge_cost_usd, null);
  assert.equal(none.judge_cost_unknown, 0);

  const human = { ...judged(null, "h"), rater_id: "ann", comment: undefined };
  const row = buildIndexRow({
    ...input,
    ratings: [judged(0.001, "1"), judged(0.0025, "2"), judged(null, "3"), human],
  });
  assert.ok(Math.abs(row.judge_cost_usd! - 0.0035) < 1e-12, String(row.judge_cost_usd));
  assert.equal(row.judge_cost_unknown, 1);
  assert.ok(Math.abs(row.cost_usd! - 0.006) < 1e-12, "call cost changed by the judge");
});

Deno.test("sortIndexRows() puts the latest change first", () => {
  const base = buildIndexRow({ test: TEST, state: STATE, metrics: [], report: undefined });
  const sorted = sortIndexRows([
    { ...base, id: "old", last_change_at: "2026-01-01T00:00:00.000Z" },
    { ...base, id: "new", last_change_at: "2026-06-01T00:00:00.000Z" },
  ]);
  assert.deepEqual(sorted.map((r) => r.id), ["new", "old"]);
});

function pair(id: string, armA: string, armB: string): ComparisonPair {
  return {
    id,
    test_id: "t1",
    case_id: "c1",
    repeat: 0,
    arm_a: armA,
    arm_b: armB,
    call_key_a: callKey("t1", armA, "c1", 0),
    call_key_b: callKey("t1", armB, "c1", 0),
    created_at: "2026-12-01T10:00:00.000Z",
  };
}

function rating(comparisonId: string, choice: "A" | "B" | "tie", rater: string): Rating {
  return {
    comparison_id: comparisonId,
    test_id: "t1",
    rater_id: rater,
    choices: { overall: choice },
    idempotency_key: `${comparisonId}-${rater}`,
    created_at: "2026-12-01T12:00:00.000Z",
  };
}

Deno.test("buildDashboard() without ratings has no rating section", () => {
  const data = buildDashboard({
    test: TEST,
    state: STATE,
    metrics: [metrics("a/m"), metrics("b/m")],
    results: [row("a/m", "c1"), row("b/m", "c1", { latency_ms: 300 })],
    pairs: [],
    ratings: [],
    report: undefined,
    quantileMethod: "type 7",
    now: new Date("2026-12-02T00:00:00.000Z"),
  });
  assert.equal(data.ratings, null);
  assert.equal(data.generated_at, "2026-12-02T00:00:00.000Z");
  assert.equal(data.planned_calls, 12);
  assert.equal(data.latency.n, 2);
  assert.equal(data.simulated, true);
  assert.equal(data.test.cases, 3);
  assert.equal(data.srm?.mismatch, false);
  assert.match(data.srm!.note, /Factorial/);
  assert.equal(JSON.stringify(data).includes("{{q}}"), false, "prompts leaked into the page data");
});

Deno.test("buildDashboard() flags an uneven split as SRM", () => {
  const split: ABTest = { ...TEST, traffic: { mode: "split", weights: { "a/m": 50, "b/m": 50 } } };
  const data = buildDashboard({
    test: split,
    state: STATE,
    metrics: [metrics("a/m", { n: 900 }), metrics("b/m", { n: 100 })],
    results: [],
    pairs: [],
    ratings: [],
    report: undefined,
    quantileMethod: "type 7",
  });
  assert.equal(data.srm?.mismatch, true);
  assert.equal(data.srm?.observed["a/m"], 900);
});

Deno.test("buildDashboard() turns ratings into win rates and a ranking", () => {
  const pairs = [pair("p1", "a/m", "b/m"), pair("p2", "b/m", "a/m")];
  const ratings = [
    rating("p1", "A", "r1"),
    rating("p1", "A", "r2"),
    rating("p2", "B", "r1"),
    rating("p2", "tie", "r2"),
  ];
  const data = buildDashboard({
    test: TEST,
    state: STATE,
    metrics: [metrics("a/m"), metrics("b/m")],
    results: [],
    pairs,
    ratings,
    report: undefined,
    quantileMethod: "type 7",
  });
  const overall = data.ratings!.dimensions.find((d) => d.dimension === "overall")!;
  const armA = overall.arms.find((arm) => arm.arm_id === "a/m")!;
  assert.equal(armA.wins, 3);
  assert.equal(armA.ties, 1);
  assert.equal(armA.win_rate, 3.5 / 4);
  assert.ok(armA.low! < armA.win_rate!);
  assert.ok(armA.high! > armA.win_rate!);
  const ab = overall.pairs.find((p) => p.arm_a === "a/m" && p.arm_b === "b/m")!;
  const ba = overall.pairs.find((p) => p.arm_a === "b/m" && p.arm_b === "a/m")!;
  assert.equal(ab.n, 4);
  assert.equal(ab.wins, 3);
  assert.equal(ba.wins, 0);
  assert.equal(ba.losses, 3);
  assert.equal(ba.win_rate, 1 - ab.win_rate!);
  assert.equal(ba.low, 1 - ab.high!);
  assert.equal(ba.high, 1 - ab.low!);
  assert.equal(ba.p_value, ab.p_value);
  assert.equal(overall.ranking.length, 2);
  assert.match(overall.ranking_method, /bootstrap/);
});

Deno.test("resultsToArrowIpc() round-trips every column and null", () => {
  const rows = [
    row("a/m", "c1", { output: "<script>x</script> 🙂", cost_usd: null }),
    row("b/m", "c2", {
      output: null,
      error_class: "TimeoutError",
      error_message: "timed out",
      latency_ms: null,
      prompt_tokens: null,
    }),
  ];
  const table = tableFromIPC(resultsToArrowIpc(rows));
  assert.equal(table.numRows, 2);
  assert.deepEqual(table.schema.fields.map((f) => f.name), RESULT_COLUMNS);
  for (const [i, expected] of rows.entries()) {
    const actual = table.get(i)!.toJSON();
    for (const column of RESULT_COLUMNS) {
      assert.deepEqual(actual[column], expected[column], `${column} of row ${i}`);
    }
  }
});

Deno.test("testIdArgument() reads --test and rejects bad ids", () => {
  assert.equal(testIdArgument(["--test", "support-tone-1"]), "support-tone-1");
  assert.equal(testIdArgument(["--test=a.b_c"]), "a.b_c");
  assert.throws(() => testIdArgument([]), TypeError);
  assert.throws(() => testIdArgument(["--test", "../etc"]), /Invalid --test argument/);
});

Deno.test("markLoadersStale() touches loader files only", async () => {
  const root = await Deno.makeTempDir();
  try {
    const old = new Date("2020-01-01T00:00:00Z");
    const files = ["data/tests.json.ts", "tests/[test]/results.arrow.ts", "helper.ts", "page.md"];
    for (const file of files) {
      await Deno.mkdir(`${root}/${file.slice(0, file.lastIndexOf("/") + 1)}`, { recursive: true });
      await Deno.writeTextFile(`${root}/${file}`, "");
      await Deno.utime(`${root}/${file}`, old, old);
    }
    assert.equal(markLoadersStale(root), 2);
    const touched = (file: string) =>
      Deno.statSync(`${root}/${file}`).mtime!.getTime() > old.getTime();
    assert.deepEqual(files.map(touched), [true, true, false, false]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("seedNpmVersionCache() creates one folder per package", async () => {
  const root = await Deno.makeTempDir();
  try {
    seedNpmVersionCache(root);
    for (const entry of CLIENT_NPM_PACKAGES) {
      assert.ok(Deno.statSync(`${root}/.observablehq/cache/_npm/${entry}`).isDirectory, entry);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("path shim matches node:path for plain names", () => {
  assert.equal(basename("dir/exp.yaml"), "exp.yaml");
  assert.equal(basename("dir/exp.yaml", ".yaml"), "exp");
  assert.equal(dirname("exp.yaml"), ".");
  assert.equal(dirname("/exp.yaml"), "/");
  assert.equal(dirname("a/b/exp.yaml"), "a/b");
  assert.equal(extname("a/exp.tar.gz"), ".gz");
  assert.equal(extname("a/.hidden"), "");
  assert.equal(join("a", "", "b//c"), "a/b/c");
  assert.equal(join(), ".");
});
