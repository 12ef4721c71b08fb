/**
 * The configurator's model: the form state, and the experiment file object
 * it turns into. Kept free of the DOM so Deno tests can check it.
 *
 * @module
 */

/** Returns a new form state: two variants, one simulated model, three cases. */
export function defaultFormState() {
  return {
    id: "my-test",
    name: "",
    description: "",
    seed: "0",
    repeats: "1",
    concurrency: "16",
    max_cost_usd: "",
    variants: [
      {
        id: "direct",
        description: "",
        system: "You answer customer questions briefly.",
        template: "{{question}}",
      },
      {
        id: "friendly",
        description: "",
        system: "You answer customer questions warmly and briefly.",
        template: "A customer asks: {{question}}",
      },
    ],
    models: [
      {
        id: "gpt-4o-mini",
        provider: "simulated",
        model: "gpt-4o-mini",
        temperature: "",
        max_tokens: "",
        base_url: "",
        api_key_env: "",
        rpm: "",
        stream: false,
      },
    ],
    mode: "factorial",
    /** Percent per arm id, as typed; used in split mode only. */
    weights: {},
    dataset_csv: [
      "id,question",
      "q1,How do I reset my password?",
      "q2,Can I change the billing date of my plan?",
      'q3,"Why was I charged twice, and when will the refund arrive?"',
    ].join("\n"),
    /** One dimension per line, as `id` or `id: description`. */
    dimensions: "helpfulness: Does the reply solve the problem?\ntone",
    /** Id of a model from the list that judges pairs; blank for no judge. */
    judge_model: "",
    judge_rubric: "Prefer the reply that solves the customer's problem correctly and politely.",
  };
}

/**
 * Reads a form number: a blank field is left out, a numeric text becomes a
 * number, and any other text is kept so validation names it.
 *
 * @param {string} text
 * @returns {number | string | undefined}
 */
export function formNumber(text) {
  const trimmed = String(text ?? "").trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

/** Lists arm ids (`variant/model`) in the order the engine uses. */
export function formArms(state) {
  const arms = [];
  for (const variant of state.variants) {
    for (const model of state.models) arms.push(`${variant.id}/${model.id}`);
  }
  return arms;
}

/**
 * Turns CSV text with a header row into inline dataset cases.
 *
 * @param {string} text
 * @param {(text: string) => {fields: string[], line: number}[]} parseCsv the
 *   experiment rules' CSV reader
 * @returns {Record<string, string>[]}
 * @throws {SyntaxError} on malformed CSV, or a row whose field count differs
 *   from the header's
 */
export function casesFromCsv(text, parseCsv) {
  const records = parseCsv(text);
  if (records.length === 0) return [];
  const [header, ...rows] = records;
  return rows.map((record) => {
    if (record.fields.length !== header.fields.length) {
      throw new SyntaxError(
        `dataset line ${record.line}: expected ${header.fields.length} fields as in the header, got ${record.fields.length}`,
      );
    }
    return Object.fromEntries(header.fields.map((name, i) => [name, record.fields[i]]));
  });
}

/** Reads rating dimensions, one per line as `id` or `id: description`. */
export function dimensionsFromText(text) {
  return String(text ?? "").split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const colon = line.indexOf(":");
    if (colon < 0) return { id: line };
    const description = line.slice(colon + 1).trim();
    return description === ""
      ? { id: line.slice(0, colon).trim() }
      : { id: line.slice(0, colon).trim(), description };
  });
}

/**
 * Builds the experiment file object (the YAML shape `deno task run` reads)
 * from the form. Blank optional fields are left out so defaults apply.
 *
 * @param {ReturnType<typeof defaultFormState>} state
 * @param {(text: string) => {fields: string[], line: number}[]} parseCsv
 * @returns {Record<string, unknown>}
 */
export function experimentFromForm(state, parseCsv) {
  const file = {};
  setText(file, "id", state.id);
  setText(file, "name", state.name);
  setText(file, "description", state.description);
  setNumber(file, "seed", state.seed);
  setNumber(file, "repeats", state.repeats);
  setNumber(file, "concurrency", state.concurrency);
  setNumber(file, "max_cost_usd", state.max_cost_usd);

  file.variants = state.variants.map((variant) => {
    const out = { id: variant.id.trim() };
    setText(out, "description", variant.description);
    setText(out, "system", variant.system);
    out.template = variant.template;
    return out;
  });
  file.models = state.models.map((model) => {
    const out = { id: model.id.trim(), provider: model.provider, model: model.model.trim() };
    setNumber(out, "temperature", model.temperature);
    setNumber(out, "max_tokens", model.max_tokens);
    setText(out, "base_url", model.base_url);
    setText(out, "api_key_env", model.api_key_env);
    setNumber(out, "rpm", model.rpm);
    if (model.stream) out.stream = true;
    return out;
  });

  if (state.mode === "split") {
    const weights = {};
    for (const arm of formArms(state)) {
      const weight = formNumber(state.weights[arm] ?? "");
      if (weight !== undefined) weights[arm] = weight;
    }
    file.traffic = Object.keys(weights).length > 0 ? { mode: "split", weights } : { mode: "split" };
  } else {
    file.traffic = { mode: "factorial" };
  }

  file.dataset = { cases: casesFromCsv(state.dataset_csv, parseCsv) };
  const dimensions = dimensionsFromText(state.dimensions);
  if (dimensions.length > 0) file.rating_dimensions = dimensions;
  const judge = String(state.judge_model ?? "").trim();
  if (judge !== "") file.judge = { model: judge, rubric: state.judge_rubric };
  return file;
}

/**
 * An environment for validation in the browser: every `${NAME}` resolves to
 * a placeholder, because the real values are read when the test runs. The
 * placeholder is a URL so that `base_url: ${LOCAL_URL}` validates too.
 */
export const placeholderEnv = new Proxy({}, {
  get: (_target, name) =>
    typeof name === "string" ? `http://placeholder.invalid/${encodeURIComponent(name)}` : undefined,
  has: () => true,
});

function setText(target, key, text) {
  const trimmed = String(text ?? "").trim();
  if (trimmed !== "") target[key] = trimmed;
}

function setNumber(target, key, text) {
  const value = formNumber(text);
  if (value !== undefined) target[key] = value;
}
