import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { listArms } from "../schema/mod.ts";
import { ConfigError } from "./config_error.ts";
import { loadExperiment, parseExperiment } from "./experiment_file.ts";

const examples = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Build a minimal valid file with `extra` lines appended at the top level. */
function minimal(...extra: string[]): string {
  return [
    "variants:",
    "  - id: short",
    "    template: 'Summarize: {{text}}'",
    "models:",
    "  - id: mini",
    "    model: gpt-4o-mini",
    "dataset:",
    "  cases:",
    "    - id: c1",
    "      text: Deno is a runtime.",
    ...extra,
  ].join("\n");
}

/** Parse text and return the ConfigError it raises. */
async function errorOf(text: string, options: Parameters<typeof parseExperiment>[1] = {}) {
  try {
    await parseExperiment(text, options);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  assert.fail("parsed without an error");
}

Deno.test("loadExperiment() reads the support-tone example", async () => {
  const test = await loadExperiment(join(examples, "support-tone.yaml"), { env: {} });

  assert.equal(test.id, "support-tone");
  assert.equal(test.traffic.mode, "factorial");
  assert.deepEqual(test.variants.map((variant) => variant.id), ["formal", "friendly", "concise"]);
  assert.deepEqual(test.models.map((model) => model.model), ["gpt-4o-mini", "claude-3-5-haiku"]);
  assert.ok(test.models.every((model) => model.provider === "simulated"));
  assert.equal(listArms(test).length, 6);
  assert.equal(test.cases.length, 40);
  assert.deepEqual(Object.keys(test.cases[0]!.vars), ["customer", "product", "message"]);
  assert.match(test.cases[0]!.vars.message!, /"pending"/);
  assert.deepEqual(test.rating_dimensions.map((dimension) => dimension.id), [
    "helpfulness",
    "accuracy",
    "tone",
  ]);
  assert.equal(test.seed, 42);
  assert.equal(test.repeats, 1);
  assert.equal(test.source, join(examples, "support-tone.yaml"));
});

Deno.test("loadExperiment() reads the summarize example", async () => {
  const test = await loadExperiment(join(examples, "summarize.yaml"), { env: {} });

  assert.equal(test.traffic.mode, "split");
  assert.equal(test.cases.length, 30);
  const weights = test.traffic.weights ?? {};
  assert.deepEqual(Object.keys(weights).sort(), listArms(test).map((arm) => arm.id).sort());
  assert.equal(Object.values(weights).reduce((sum, weight) => sum + weight, 0), 100);
  assert.equal(test.cases[0]!.vars.topic, "energy");
});

Deno.test("loadExperiment() reads the live-provider example", async () => {
  const test = await loadExperiment(join(examples, "real-providers.yaml"), { env: {} });

  assert.deepEqual(test.models.map((model) => model.api_key_env), [
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
  ]);
});

Deno.test("loadExperiment() reports a missing file", async () => {
  const error = await loadExperiment("no/such/experiment.yaml", { env: {} }).catch((e) => e);

  assert.ok(error instanceof ConfigError);
  assert.equal(error.line, null);
  assert.equal(error.message, "no/such/experiment.yaml: experiment file not found; check the path");
});

Deno.test("parseExperiment() fills defaults", async () => {
  const test = await parseExperiment(minimal(), { file: "dir/My Test v2.yaml", env: {} });

  assert.equal(test.id, "My-Test-v2");
  assert.equal(test.name, "My-Test-v2");
  assert.equal(test.seed, 0);
  assert.equal(test.repeats, 1);
  assert.equal(test.concurrency, 16);
  assert.equal(test.cache, false);
  assert.deepEqual(test.traffic, { mode: "factorial" });
  assert.deepEqual(test.rating_dimensions, [{ id: "overall" }]);
  assert.equal(test.models[0]!.provider, "simulated");
  assert.equal(test.models[0]!.stream, false);
  assert.deepEqual(test.cases, [{ id: "c1", vars: { text: "Deno is a runtime." } }]);
});

Deno.test("parseExperiment() needs an id without a file", async () => {
  const anonymous = await parseExperiment(minimal(), { env: {} });
  assert.equal(anonymous.id, "experiment");
  assert.equal(anonymous.source, undefined);

  const error = await errorOf(minimal(), { file: "___.yaml", env: {} });
  assert.match(error.message, /cannot make an id from the file name "___.yaml"; add an id: field/);
});

Deno.test("parseExperiment() stringifies inline values", async () => {
  const text = minimal(
    "      year: 2024",
    "      draft: true",
    "      tags: [a, b]",
    "      note: null",
  );
  const test = await parseExperiment(text, { env: {} });

  assert.deepEqual(test.cases[0]!.vars, {
    text: "Deno is a runtime.",
    year: "2024",
    draft: "true",
    tags: '["a","b"]',
  });
});

Deno.test("parseExperiment() reads JSONL with id_field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = [
      '{"key": 7, "text": "Seven", "meta": {"lang": "en"}}',
      "",
      '{"key": "k-8", "text": "Eight", "extra": null}',
    ];
    await Deno.writeTextFile(join(dir, "rows.jsonl"), lines.join("\n") + "\n");
    const text = minimal().replace(
      /dataset:[\s\S]*$/,
      "dataset:\n  path: rows.jsonl\n  id_field: key\n",
    );
    const test = await parseExperiment(text, { file: join(dir, "x.yaml"), env: {} });

    assert.deepEqual(test.cases, [
      { id: "7", vars: { text: "Seven", meta: '{"lang":"en"}' } },
      { id: "k-8", vars: { text: "Eight" } },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseExperiment() honours an explicit format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "rows.txt"), 'id,text\nr1,"a, b"\n');
    const text = minimal().replace(
      /dataset:[\s\S]*$/,
      "dataset:\n  path: rows.txt\n  format: csv\n",
    );
    const test = await parseExperiment(text, { file: join(dir, "x.yaml"), env: {} });
    assert.deepEqual(test.cases, [{ id: "r1", vars: { text: "a, b" } }]);

    const unknown = text.replace("  format: csv\n", "");
    const error = await errorOf(unknown, { file: join(dir, "x.yaml"), env: {} });
    assert.match(error.message, /x\.yaml:8:9 dataset\.path: cannot tell the format of "rows\.txt"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseExperiment() interpolates env variables", async () => {
  const text = minimal(
    "description: Run by ${USER_NAME} at $${HOME} and ${USER_NAME}",
    "judge:",
    "  model: {id: judge, provider: openai, model: '${JUDGE_MODEL}', base_url: '${BASE}'}",
    "  rubric: Prefer short.",
  );
  const env = { USER_NAME: "ada", JUDGE_MODEL: "gpt-4o", BASE: "http://127.0.0.1:8080/v1" };
  const test = await parseExperiment(text, { env });

  assert.equal(test.description, "Run by ada at ${HOME} and ada");
  assert.ok(test.judge !== undefined);
  assert.ok(typeof test.judge.model === "object");
  assert.equal(test.judge.model.model, "gpt-4o");
  assert.equal(test.judge.model.base_url, "http://127.0.0.1:8080/v1");
});

Deno.test("parseExperiment() interpolates inside templates", async () => {
  const text = minimal().replace("'Summarize: {{text}}'", "'${VERB}: {{text}}'");
  const test = await parseExperiment(text, { env: { VERB: "Condense" } });

  assert.equal(test.variants[0]!.template, "Condense: {{text}}");
});

Deno.test("parseExperiment() validates interpolated values", async () => {
  const error = await errorOf(minimal("seed: ${SEED}"), { file: "s.yaml", env: { SEED: "abc" } });

  assert.equal(error.message, 's.yaml:11:7 seed: expected an integer of at least 0, got "abc"');
});

Deno.test("parseExperiment() types unquoted variables", async () => {
  const text = minimal("seed: ${SEED}", "cache: ${CACHE}", "description: '${SEED}'");
  const test = await parseExperiment(text, { env: { SEED: "42", CACHE: "true" } });

  assert.equal(test.seed, 42);
  assert.equal(test.cache, true);
  assert.equal(test.description, "42");
});

Deno.test("parseExperiment() rejects secret variable names", async () => {
  for (const name of ["OPENAI_API_KEY", "GH_TOKEN", "DB_PASSWORD", "client_secret"]) {
    const error = await errorOf(minimal(`description: \${${name}}`), { env: { [name]: "x" } });
    assert.match(error.message, new RegExp(`api_key_env: ${name}`));
  }
});

Deno.test("parseExperiment() ignores env without references", async () => {
  const env = new Proxy({}, {
    get() {
      throw new Error("env was read");
    },
  });
  const test = await parseExperiment(minimal("description: costs $5 {not a var}"), { env });

  assert.equal(test.description, "costs $5 {not a var}");
});

Deno.test("parseExperiment() fills unlisted arms with zero", async () => {
  const text = minimal(
    "traffic:",
    "  mode: split",
    "  weights: {short/mini: 33.33, short/big: 66.66}",
  ).replace(
    "models:",
    "models:\n  - id: big\n    model: gpt-4o\n  - id: nano\n    model: gpt-4.1-nano",
  );
  const test = await parseExperiment(text, { env: {} });

  assert.deepEqual(test.traffic.weights, {
    "short/big": 66.66,
    "short/nano": 0,
    "short/mini": 33.33,
  });
});

Deno.test("parseExperiment() keeps split without weights", async () => {
  const test = await parseExperiment(minimal("traffic: {mode: split}"), { env: {} });

  assert.deepEqual(test.traffic, { mode: "split" });
});

Deno.test("parseExperiment() rejects sums past the tolerance", async () => {
  const text = minimal("traffic:", "  mode: split", "  weights: {short/mini: 99.98}");
  const error = await errorOf(text, { env: {} });

  assert.match(error.detail, /must sum to 100 \(within 0\.01\), got a sum of 99\.98/);
});

Deno.test("parseExperiment() accepts a judge by model id", async () => {
  const test = await parseExperiment(minimal("judge: {model: mini, rubric: Be strict.}"), {
    env: {},
  });

  assert.deepEqual(test.judge, { model: "mini", rubric: "Be strict." });
});

Deno.test("parseExperiment() locates judge definition errors", async () => {
  const text = minimal(
    "judge:",
    "  model: {id: j, model: gpt-4o, temperature: 9}",
    "  rubric: Be strict.",
  );
  const error = await errorOf(text, { file: "j.yaml", env: {} });

  assert.equal(error.path, "judge.model.temperature");
  assert.equal(error.line, 12);
  assert.match(error.detail, /expected a number from 0 to 2, got 9/);
});

Deno.test("parseExperiment() checks slots in system prompts", async () => {
  const text = minimal().replace(
    "    template:",
    "    system: 'You write for {{audience}}.'\n    template:",
  );
  const error = await errorOf(text, { env: {} });

  assert.equal(error.path, "variants[0].system");
  assert.match(error.detail, /slot \{\{audience\}\} of variant "short" has no value in case "c1"/);
});

Deno.test("parseExperiment() counts cases missing a slot", async () => {
  const text = minimal("    - id: c2", "      other: x", "    - id: c3", "      other: y");
  const error = await errorOf(text, { env: {} });

  assert.match(error.detail, /in case "c2" \(and 1 more case\(s\)\)/);
});

Deno.test("parseExperiment() names the resolved dataset path", async () => {
  const text = minimal().replace(/dataset:[\s\S]*$/, "dataset:\n  path: data/none.csv\n");
  const error = await errorOf(text, { file: "exp/x.yaml", env: {} });

  assert.equal(error.path, "dataset.path");
  assert.ok(
    error.detail.includes(`not found: ${join(Deno.cwd(), "exp/data/none.csv")}`),
    error.detail,
  );
});

Deno.test("parseExperiment() reports a misspelled required field", async () => {
  const text = minimal().replace("variants:", "varaints:");

  const error = await errorOf(text);

  assert.equal(error.line, 1);
  assert.equal(error.column, 1);
  assert.equal(error.path, "varaints");
  assert.match(error.detail, /^unknown field "varaints" \(did you mean "variants"\?\)/);
});

Deno.test("parseExperiment() reports a misspelled list item field", async () => {
  const text = minimal().replace("    template:", "    templat:");

  const error = await errorOf(text);

  assert.equal(error.line, 3);
  assert.equal(error.column, 5);
  assert.equal(error.path, "variants[0].templat");
  assert.match(error.detail, /^unknown field "templat" \(did you mean "template"\?\)/);
});

Deno.test("parseExperiment() keeps missing field without typo", async () => {
  const text = minimal().replace("    template: 'Summarize: {{text}}'", "    notes: x");

  const error = await errorOf(text);

  assert.match(error.detail, /^missing required field/);
});

Deno.test("parseExperiment() suggests a close allowed value", async () => {
  const text = (provider: string) =>
    minimal().replace(
      "    model: gpt-4o-mini",
      `    provider: ${provider}\n    model: gpt-4o-mini`,
    );

  const cased = await errorOf(text("OpenAI"), { file: "p.yaml", env: {} });
  assert.equal(
    cased.message,
    'p.yaml:6:15 models[0].provider: expected one of simulated, openai, anthropic, got "OpenAI" ' +
      '(did you mean "openai"?)',
  );
  const typo = await errorOf(text("simulatd"), { file: "p.yaml", env: {} });
  assert.match(typo.message, /got "simulatd" \(did you mean "simulated"\?\)$/);
  const far = await errorOf(text("gemini"), { file: "p.yaml", env: {} });
  assert.match(far.message, /got "gemini"$/);
});
