/**
 * Renders BENCHMARKS.md from the stored figures: a section per benchmark
 * with the command, the machine, the date, a table of figures and, where the
 * benchmark has targets, whether each was met.
 *
 * @module
 */
import type { AggregationFigures } from "./aggregation.ts";
import type { EnginePeersResult, PeerFigures } from "./engine_peers.ts";
import type { LongRunFigures } from "./long_run.ts";
import { formatMachine } from "./machine.ts";
import type { BenchmarkEntry, BenchmarkResults } from "./main.ts";
import type { RatingsFigures } from "./rating_submissions.ts";
import type { SiteFigures } from "./site_load.ts";

const MIB = 2 ** 20;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function mib(bytes: number | null | undefined): string {
  return bytes == null || Number.isNaN(bytes) ? "n/a" : (bytes / MIB).toFixed(0);
}

function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Renders a Markdown table whose first `textColumns` columns are left-aligned and the rest right-aligned. */
function table(header: string[], rows: string[][], textColumns = 1): string {
  const align = header.map((_, i) => (i < textColumns ? "---" : "---:"));
  // A cell may carry an error message: keep it on one line and escape the column separator.
  const clean = (cell: string) => cell.replace(/\s+/g, " ").replaceAll("|", "\\|");
  return [header, align, ...rows.map((cells) => cells.map(clean))]
    .map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function verdict(met: boolean | undefined): string {
  if (met === undefined) return "not measured";
  return met ? "met" : "missed";
}

/** Renders the lines every section starts with. */
function header(title: string, name: string, entry: BenchmarkEntry): string[] {
  return [
    `## ${title}`,
    "",
    `- Command: \`${entry.command}\`${entry.quick ? " (quick sizes: not the full benchmark)" : ""}`,
    `- Machine: ${formatMachine(entry.machine)}`,
    `- Date: ${entry.date.slice(0, 16).replace("T", " ")} UTC, took ${seconds(entry.durationMs)} s`,
    "",
    ...(entry.error === undefined ? [] : [`**Failed:** ${entry.error}`, ""]),
    ...(entry.result === undefined && entry.error === undefined ? [`No figures for ${name}.`] : []),
  ];
}

function engineSection(result: EnginePeersResult): string[] {
  const rows = result.figures.map((figure) => [
    String(figure.concurrency),
    figure.contender,
    count(figure.calls),
    count(figure.errors),
    seconds(figure.workMs),
    seconds(figure.processMs),
    count(figure.callsPerSecond),
    `${(100 * figure.efficiency).toFixed(0)}%`,
    mib(figure.peakRssBytes),
    String(figure.rounds),
  ]);
  const lines = [
    `${count(result.callsPerRun)} chat completions per run (2 prompts x 2 models x ` +
    `${count(result.cases)} cases) against tests/mock_server with ${result.mockLatencyMs} ms ` +
    `latency. Each contender runs as its own process with its own mock, isolated with ` +
    `${result.isolation}. Times are medians over the rounds. "Time" covers the calls ` +
    "inside the process (for the engine also creating the test and closing the store, " +
    "which flushes the Parquet files; for promptfoo the duration it reports in its " +
    'results file); "process" is the whole process, start-up included. Efficiency is ' +
    `calls/s over the ideal concurrency / ${result.mockLatencyMs / 1000} s. ` +
    `promptfoo ${result.promptfoo.version}: ${result.promptfoo.status}.`,
    "",
    table(
      [
        "concurrency",
        "contender",
        "calls",
        "errors",
        "time (s)",
        "process (s)",
        "calls/s",
        "efficiency",
        "peak RSS (MiB)",
        "rounds",
      ],
      rows,
      2,
    ),
    "",
    "Targets, as ratios measured in the same run:",
    "",
  ];

  const find = (contender: string, concurrency: number): PeerFigures | undefined =>
    result.figures.find((f) => f.contender === contender && f.concurrency === concurrency);
  const concurrencies = [...new Set(result.figures.map((f) => f.concurrency))];
  const targetRows: string[][] = [];
  const unreachable: string[] = [];
  for (const concurrency of concurrencies) {
    const engine = find("engine", concurrency);
    const sdk = find("sdk", concurrency);
    const promptfoo = find("promptfoo", concurrency);
    const versusPromptfoo = engine && promptfoo
      ? engine.callsPerSecond / promptfoo.callsPerSecond
      : undefined;
    const versusSdk = engine && sdk ? engine.callsPerSecond / sdk.callsPerSecond : undefined;
    const rss = engine?.peakRssBytes != null && promptfoo?.peakRssBytes != null
      ? engine.peakRssBytes / promptfoo.peakRssBytes
      : undefined;
    // No client exceeds concurrency / latency, so promptfoo's rate caps the ratio any client can reach.
    const ceiling = promptfoo
      ? concurrency / (result.mockLatencyMs / 1000) / promptfoo.callsPerSecond
      : undefined;
    if (ceiling !== undefined && ceiling < 5) {
      unreachable.push(
        `At concurrency ${concurrency} the 5x target is out of reach for any client: the ideal ` +
          `${count(concurrency / (result.mockLatencyMs / 1000))} calls/s is ` +
          `${ceiling.toFixed(2)}x promptfoo's ${count(promptfoo!.callsPerSecond)} calls/s.`,
      );
    }
    targetRows.push(
      [
        String(concurrency),
        "ablab calls/s >= 5x promptfoo",
        versusPromptfoo === undefined
          ? "n/a"
          : `${versusPromptfoo.toFixed(2)}x (ceiling ${ceiling!.toFixed(2)}x)`,
        verdict(versusPromptfoo === undefined ? undefined : versusPromptfoo >= 5),
      ],
      [
        String(concurrency),
        "ablab calls/s >= 90% of the bare SDK loop",
        versusSdk === undefined ? "n/a" : `${(100 * versusSdk).toFixed(0)}%`,
        verdict(versusSdk === undefined ? undefined : versusSdk >= 0.9),
      ],
      [
        String(concurrency),
        "ablab peak RSS < promptfoo",
        rss === undefined ? "n/a" : `${(100 * rss).toFixed(0)}% of promptfoo`,
        verdict(rss === undefined ? undefined : rss < 1),
      ],
    );
  }
  lines.push(table(["concurrency", "target", "measured", "verdict"], targetRows, 2));
  if (unreachable.length > 0) lines.push("", unreachable.join(" "));
  return lines;
}

function longRunSection(runs: LongRunFigures[]): string[] {
  const sample = (run: LongRunFigures, at: number, field: "rssBytes" | "peakRssBytes") =>
    mib(run.samples.find((s) => s.at === at)?.[field]);
  return [
    "Simulated provider with time scale 0 (no sleeping), 2 prompts x 2 models, 1% simulated " +
    "errors retried at once, FsStore writing Parquet parts, each run in its own process. " +
    "RSS is sampled inside the process (/proc/self/status) on the progress callback when " +
    "the run passes 10%, 50% and 100% of its calls; VmHWM is the peak so far.",
    "",
    table(
      [
        "calls",
        "concurrency",
        "wall (s)",
        "calls/s",
        "Parquet bytes/call",
        "part files",
        "RSS at 10/50/100% (MiB)",
        "peak RSS at 10/50/100% (MiB)",
        "process peak RSS (MiB)",
      ],
      runs.map((run) => [
        count(run.calls),
        String(run.concurrency),
        seconds(run.wallMs),
        count(run.callsPerSecond),
        run.parquetBytesPerCall.toFixed(1),
        count(run.parquetFiles),
        [0.1, 0.5, 1].map((at) => sample(run, at, "rssBytes")).join(" / "),
        [0.1, 0.5, 1].map((at) => sample(run, at, "peakRssBytes")).join(" / "),
        mib(run.processPeakRssBytes),
      ]),
    ),
  ];
}

function aggregationSection(figures: AggregationFigures[]): string[] {
  return [
    "`aggregateResults({ files })` (the report's per-arm metrics, with the one-row-per-call-key " +
    "rule) against the same SQL text run through a fresh in-memory DuckDB connection over the " +
    "same Parquet files. The files are generated with DuckDB SQL in the result schema, in parts " +
    "of 5,000 rows (the store's default part size), 4 arms, 2% errors. Medians after one " +
    "warm-up run of each; target: ratio <= 1.5. The last column runs the metrics SQL straight " +
    "over the files, without the one-row-per-call-key rule, to show what that rule costs.",
    "",
    table(
      [
        "results",
        "part files",
        "Parquet (MiB)",
        "aggregateResults (ms)",
        "same SQL in DuckDB (ms)",
        "ratio",
        "target <= 1.5x",
        "same SQL without dedup (ms)",
      ],
      figures.map((figure) => [
        count(figure.rows),
        count(figure.parquetFiles),
        mib(figure.parquetBytes),
        count(figure.aggregateMs),
        count(figure.directSqlMs),
        `${figure.ratio.toFixed(2)}x`,
        verdict(figure.ratio <= 1.5),
        figure.noDedupMs === undefined ? "n/a" : count(figure.noDedupMs),
      ]),
    ),
  ];
}

function ratingsSection(figures: RatingsFigures): string[] {
  return [
    "bench/ratings.ts: the server (lib/server/serve_command.ts) as a subprocess on a free " +
    "127.0.0.1 port over a temporary FsStore, and a bounded loop of concurrent clients posting " +
    "ratings. A 201 is sent only after the rating is fsynced. Medians over the rounds; counts " +
    "are totals, and stored must equal acknowledged.",
    "",
    table(
      [
        "clients",
        "seconds x rounds",
        "submissions/s",
        "p50 (ms)",
        "p99 (ms)",
        "acknowledged",
        "stored",
        "failed",
        "stored = acknowledged",
      ],
      [[
        String(figures.clients),
        `${figures.seconds} x ${figures.rounds}`,
        count(figures.submissionsPerSecond),
        figures.p50Ms.toFixed(1),
        figures.p99Ms.toFixed(1),
        count(figures.acknowledged),
        count(figures.stored),
        count(figures.failed),
        figures.stored === figures.acknowledged ? "yes" : "no",
      ]],
    ),
  ];
}

function siteSection(figures: SiteFigures): string[] {
  return [
    "A runs folder with one completed test of simulated results, the site built with " +
    "Observable Framework (`ABLAB_RUNS`, `ABLAB_SITE_OUT`), served by lib/server/serve_command.ts " +
    "(what `deno task serve` runs) as a subprocess on 127.0.0.1 and opened in headless /usr/bin/chromium (playwright-core) with an empty " +
    "cache. Bytes are response bodies plus headers as Chromium reports them " +
    "(`request.sizes()`), counted until network idle. The page must return 200 and draw a chart.",
    "",
    table(
      [
        "results",
        "build (s), median",
        "first-load requests",
        "transferred (MiB)",
        "largest response",
        "first chart (s)",
        "network idle (s)",
        "requests off loopback",
        "server after SIGTERM",
      ],
      [[
        count(figures.results),
        `${seconds(figures.buildMs)} (${figures.builds} builds)`,
        String(figures.requests),
        (figures.transferredBytes / MIB).toFixed(2),
        `${figures.largest.url} (${(figures.largest.bytes / MIB).toFixed(2)} MiB)`,
        figures.readyMs === undefined ? "n/a" : seconds(figures.readyMs),
        seconds(figures.loadMs),
        String(figures.offLoopback.length),
        figures.serverExit ?? "not recorded",
      ]],
    ),
  ];
}

/** Sections in page order: benchmark name, title and renderer. */
const SECTIONS: [string, string, (result: never) => string[]][] = [
  ["engine", "Engine against peers", engineSection],
  ["long-run", "Long run memory", longRunSection],
  ["aggregate", "Aggregation", aggregationSection],
  ["ratings", "Ratings endpoint", ratingsSection],
  ["site", "Site", siteSection],
];

/** Renders the whole BENCHMARKS.md page. */
export function renderBenchmarks(results: BenchmarkResults): string {
  const lines = [
    "# Benchmarks",
    "",
    "Figures measured by `deno task bench` (bench/main.ts) and stored raw in bench/results.json.",
    "Run `deno task bench [name ...] [--quick]` to measure again on your machine; names are " +
    SECTIONS.map(([name]) => `\`${name}\``).join(", ") + ". " +
    "`deno task bench --render` rewrites this page from the JSON without measuring.",
    "",
    "Absolute figures drift on shared machines, so each comparison is a ratio of figures",
    "measured in the same run. Every section names its machine, the load average when it",
    "started, and its date.",
    "",
  ];
  for (const [name, title, render] of SECTIONS) {
    const entry = results.benchmarks[name];
    if (entry === undefined) continue;
    lines.push(...header(title, name, entry));
    if (entry.result !== undefined) lines.push(...render(entry.result as never));
    lines.push("");
  }
  return lines.join("\n");
}
