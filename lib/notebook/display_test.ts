import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { displayMarkdown, displayPlot, displayTable, JUPYTER_DISPLAY, show } from "./display.ts";

const points = [
  { arm: "a/m1", latency: 120 },
  { arm: "b/m1", latency: 340 },
  { arm: "b/m1", latency: 410 },
];

Deno.test("displayPlot() renders a standalone SVG", () => {
  const chart = displayPlot({ marks: [Plot.dot(points, { x: "latency", y: "arm" })] });

  assert.match(chart.svg, /^<svg /);
  assert.match(chart.svg, / xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(chart.svg.match(/<circle/g)?.length, 3);
  assert.equal(chart.html, chart.svg);

  const bundle = chart[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/plain"]);
  assert.equal(bundle["image/svg+xml"], chart.svg);
  assert.equal(bundle["text/plain"], "Plot chart 640x100");
});

Deno.test("displayPlot() keeps the legend figure as HTML", () => {
  const chart = displayPlot({
    color: { legend: true },
    marks: [Plot.dot(points, { x: "latency", y: "arm", fill: "arm" })],
  });

  assert.match(chart.html, /^<figure/);
  assert.match(chart.svg, /^<svg /);
  assert.equal(chart.svg.match(/<circle/g)?.length, 3, "the SVG is the chart, not the legend");

  const bundle = chart[JUPYTER_DISPLAY]();
  assert.equal(bundle["text/html"], chart.html);
  assert.equal(bundle["image/svg+xml"], chart.svg);
});

Deno.test("displayPlot() rejects a document option", () => {
  const { document } = parseHTML("<html><body></body></html>") as unknown as {
    document: NonNullable<Plot.PlotOptions["document"]>;
  };
  assert.throws(() => displayPlot({ document, marks: [] }), {
    name: "TypeError",
    message:
      "Invalid Plot options: displayPlot supplies its own document; remove the document option",
  });
});

Deno.test("displayPlot() explains a continuous legend", () => {
  assert.throws(
    () =>
      displayPlot({
        color: { type: "linear", legend: true },
        marks: [Plot.dot(points, { x: "latency", y: "arm", fill: "latency" })],
      }),
    (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /continuous color legend needs a canvas/);
      assert.match(error.message, /"quantize"/);
      return true;
    },
  );

  const quantized = displayPlot({
    color: { type: "quantize", n: 4, legend: true },
    marks: [Plot.dot(points, { x: "latency", y: "arm", fill: "latency" })],
  });
  assert.match(quantized.html, /^<figure/);
});

Deno.test("displayTable() formats and escapes cells", () => {
  const table = displayTable([
    { arm: "<b>a</b>", p95: 1234.56789, n: 10n, note: null, tags: ["x", 2] },
    { arm: "b & c", p95: 0.000027182818, n: 3, flag: true },
  ], { caption: "Latency" });

  assert.match(table.html, /^<table><caption>Latency<\/caption>/);
  assert.match(
    table.html,
    /<th>arm<\/th><th>p95<\/th><th>n<\/th><th>note<\/th><th>tags<\/th><th>flag<\/th>/,
  );
  assert.match(
    table.html,
    /<td>&lt;b&gt;a&lt;\/b&gt;<\/td><td>1235<\/td><td>10<\/td><td>null<\/td>/,
  );
  assert.match(table.html, /<td>\[&quot;x&quot;,2\]<\/td>/);
  assert.match(table.html, /<td>b &amp; c<\/td><td>0\.00002718<\/td><td>3<\/td><td>null<\/td>/);
  assert.ok(!table.html.includes("<b>"), "cell markup is escaped");

  const lines = table.text.split("\n");
  assert.equal(lines[0], "Latency");
  assert.match(lines[1]!, /^arm\s+p95\s+n\s+note\s+tags\s+flag$/);
  assert.match(lines[2]!, /^-+ {2}-+/);
  assert.equal(lines.length, 5);

  const bundle = table[JUPYTER_DISPLAY]();
  assert.equal(bundle["text/html"], table.html);
  assert.equal(bundle["text/plain"], table.text);
});

Deno.test("displayTable() limits rows and notes it", () => {
  const rows = Array.from({ length: 7 }, (_, i) => ({ i }));
  const table = displayTable(rows, { maxRows: 3, columns: ["i"] });

  assert.equal(table.html.match(/<tr>/g)?.length, 4, "a header row and three body rows");
  assert.match(table.html, /<em>showing 3 of 7 rows<\/em>/);
  assert.match(table.text, /showing 3 of 7 rows$/);
});

Deno.test("displayTable() says when there are no rows", () => {
  const table = displayTable([]);
  assert.match(table.html, /<em>no rows<\/em>/);
  assert.match(table.text, /no rows$/);
});

Deno.test("displayTable() rejects invalid options", () => {
  assert.throws(() => displayTable([], { maxRows: 0 }), {
    name: "RangeError",
    message: "Invalid maxRows 0: use an integer >= 1",
  });
  assert.throws(() => displayTable([], { digits: 1.5 }), {
    name: "RangeError",
    message: "Invalid digits 1.5: use an integer from 1 to 21",
  });
});

Deno.test("displayMarkdown() bundles Markdown", () => {
  const text = displayMarkdown("# Report\n\n- one");
  assert.deepEqual(text[JUPYTER_DISPLAY](), {
    "text/markdown": "# Report\n\n- one",
    "text/plain": "# Report\n\n- one",
  });
});

Deno.test("show() rejects use outside a notebook", async () => {
  await assert.rejects(show(displayMarkdown("x")), (error: unknown) => {
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /^Cannot show values outside a notebook: /);
    return true;
  });
});
