/**
 * The configurator form: variants, models, traffic allocation, dataset and
 * rating dimensions, validated on every change by the experiment file
 * parser that `deno task run` uses, with a YAML download and a create button.
 *
 * @module
 */
import {
  defaultFormState,
  experimentFromForm,
  formArms,
  placeholderEnv,
} from "./experiment_form.js";
import { textElement } from "./text.js";

/**
 * Builds the configurator.
 *
 * @param {{parseExperiment: Function, parseCsv: Function, stringifyYaml: Function}} rules
 *   the bundled experiment file rules
 * @param {{createTest?: (yaml: string) => Promise<{id: string}>}} [options]
 *   `createTest` posts the YAML to the server; the button is hidden without it
 * @returns {HTMLElement}
 */
export function configurator(rules, options = {}) {
  const state = defaultFormState();
  const root = document.createElement("div");
  root.className = "ablab-configurator";

  const form = document.createElement("form");
  form.addEventListener("submit", (event) => event.preventDefault());
  const status = textElement("div", "", "ablab-validation");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const preview = textElement("pre", "", "ablab-yaml");
  preview.setAttribute("aria-label", "Experiment file (YAML)");
  const actions = document.createElement("div");
  actions.className = "ablab-actions";
  root.append(form, textElement("h2", "Experiment file"), status, preview, actions);

  const download = textElement("button", "Download YAML");
  download.type = "button";
  download.name = "download";
  actions.append(download);
  const create = textElement("button", "Create test on the server");
  create.type = "button";
  create.name = "create";
  const createResult = textElement("span", "", "ablab-muted");
  if (options.createTest) actions.append(create, createResult);

  let yaml = "";
  let valid = false;
  let generation = 0;

  async function validate() {
    const mine = ++generation;
    let file;
    try {
      file = experimentFromForm(state, rules.parseCsv);
      yaml = rules.stringifyYaml(file, { lineWidth: 0 });
    } catch (error) {
      show(false, `Invalid dataset: ${error.message}`);
      return;
    }
    preview.textContent = yaml;
    try {
      const test = await rules.parseExperiment(yaml, {
        file: `${file.id ?? "experiment"}.yaml`,
        baseDir: ".",
        env: placeholderEnv,
      });
      if (mine !== generation) return;
      const arms = test.variants.length * test.models.length;
      const calls = test.cases.length * test.repeats *
        (test.traffic.mode === "factorial" ? arms : 1);
      show(true, `Valid: ${arms} arms, ${test.cases.length} cases, ${calls} calls planned.`);
    } catch (error) {
      if (mine !== generation) return;
      show(false, error.message);
    }
  }

  function show(ok, message) {
    valid = ok;
    status.textContent = message;
    status.classList.toggle("ablab-valid", ok);
    status.classList.toggle("ablab-invalid", !ok);
    download.disabled = !ok;
    create.disabled = !ok;
  }

  function render() {
    form.replaceChildren(
      testFields(state, validate),
      listFields(
        "Prompt variants",
        state.variants,
        variantFields,
        () => ({
          id: `variant-${state.variants.length + 1}`,
          description: "",
          system: "",
          template: "{{question}}",
        }),
        render,
        validate,
      ),
      listFields(
        "Models",
        state.models,
        modelFields,
        () => ({
          id: `model-${state.models.length + 1}`,
          provider: "simulated",
          model: "claude-3-5-haiku",
          temperature: "",
          max_tokens: "",
          base_url: "",
          api_key_env: "",
          rpm: "",
          stream: false,
        }),
        render,
        validate,
      ),
      trafficFields(state, render, validate),
      datasetFields(state, validate),
    );
    validate();
  }

  download.addEventListener("click", () => {
    if (!valid) return;
    const blob = new Blob([yaml], { type: "application/yaml" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${state.id.trim() || "experiment"}.yaml`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });

  create.addEventListener("click", async () => {
    if (!valid || !options.createTest) return;
    create.disabled = true;
    createResult.textContent = "Creating…";
    try {
      const created = await options.createTest(yaml);
      createResult.textContent =
        `Created test ${created.id} in draft. Start it with the API or the CLI.`;
    } catch (error) {
      createResult.textContent = `Not created: ${error.message}`;
    } finally {
      create.disabled = !valid;
    }
  });

  render();
  return root;
}

/** Builds a labeled input bound to `target[key]`. */
function input(label, target, key, onChange, attributes = {}) {
  const wrapper = document.createElement("label");
  wrapper.className = "ablab-field";
  const field = document.createElement(attributes.multiline ? "textarea" : "input");
  field.name = attributes.name ?? key;
  field.value = target[key] ?? "";
  if (attributes.placeholder) field.placeholder = attributes.placeholder;
  if (attributes.rows) field.rows = attributes.rows;
  if (attributes.inputMode) field.inputMode = attributes.inputMode;
  field.addEventListener("input", () => {
    target[key] = field.value;
    onChange();
  });
  wrapper.append(textElement("span", label), field);
  return wrapper;
}

function checkbox(label, target, key, onChange, name) {
  const wrapper = document.createElement("label");
  wrapper.className = "ablab-field ablab-checkbox";
  const field = document.createElement("input");
  field.type = "checkbox";
  field.name = name;
  field.checked = Boolean(target[key]);
  field.addEventListener("change", () => {
    target[key] = field.checked;
    onChange();
  });
  wrapper.append(field, ` ${label}`);
  return wrapper;
}

function select(label, target, key, values, onChange, name) {
  const wrapper = document.createElement("label");
  wrapper.className = "ablab-field";
  const field = document.createElement("select");
  field.name = name ?? key;
  for (const value of values) {
    const option = textElement("option", value);
    option.value = value;
    field.append(option);
  }
  field.value = target[key];
  field.addEventListener("change", () => {
    target[key] = field.value;
    onChange();
  });
  wrapper.append(textElement("span", label), field);
  return wrapper;
}

function fieldset(legend, ...children) {
  const set = document.createElement("fieldset");
  set.append(textElement("legend", legend), ...children);
  return set;
}

function testFields(state, onChange) {
  return fieldset(
    "Test",
    input("Id", state, "id", onChange, { placeholder: "letters, digits, . _ -" }),
    input("Name", state, "name", onChange, { placeholder: "defaults to the id" }),
    input("Description", state, "description", onChange),
    input("Seed", state, "seed", onChange, { inputMode: "numeric" }),
    input("Repeats per case", state, "repeats", onChange, { inputMode: "numeric" }),
    input("Concurrency", state, "concurrency", onChange, { inputMode: "numeric" }),
    input("Budget (USD)", state, "max_cost_usd", onChange, {
      inputMode: "decimal",
      placeholder: "no limit",
    }),
  );
}

function variantFields(variant, index, onChange) {
  return [
    input("Id", variant, "id", onChange, { name: `variant-${index}-id` }),
    input("Description", variant, "description", onChange, {
      name: `variant-${index}-description`,
    }),
    input("System prompt", variant, "system", onChange, {
      multiline: true,
      rows: 2,
      name: `variant-${index}-system`,
    }),
    input("User template ({{column}} slots)", variant, "template", onChange, {
      multiline: true,
      rows: 3,
      name: `variant-${index}-template`,
    }),
  ];
}

function modelFields(model, index, onChange) {
  return [
    input("Id", model, "id", onChange, { name: `model-${index}-id` }),
    select(
      "Provider",
      model,
      "provider",
      ["simulated", "openai", "anthropic"],
      onChange,
      `model-${index}-provider`,
    ),
    input("Model name", model, "model", onChange, { name: `model-${index}-model` }),
    input("Temperature", model, "temperature", onChange, {
      name: `model-${index}-temperature`,
      inputMode: "decimal",
      placeholder: "provider default",
    }),
    input("Max tokens", model, "max_tokens", onChange, {
      name: `model-${index}-max_tokens`,
      inputMode: "numeric",
      placeholder: "provider default",
    }),
    input("Base URL", model, "base_url", onChange, {
      name: `model-${index}-base_url`,
      placeholder: "OpenAI-compatible servers only",
    }),
    input("API key variable", model, "api_key_env", onChange, {
      name: `model-${index}-api_key_env`,
      placeholder: "for example OPENAI_API_KEY",
    }),
    input("Requests per minute", model, "rpm", onChange, {
      name: `model-${index}-rpm`,
      inputMode: "numeric",
      placeholder: "no limit",
    }),
    checkbox(
      "Stream the output (records time to first token)",
      model,
      "stream",
      onChange,
      `model-${index}-stream`,
    ),
  ];
}

/** Builds a list of records with one fieldset each, an add button and remove buttons. */
function listFields(legend, items, fields, make, rerender, onChange) {
  const set = fieldset(legend);
  items.forEach((item, index) => {
    const row = document.createElement("div");
    row.className = "ablab-row";
    row.append(...fields(item, index, onChange));
    if (items.length > 1) {
      const remove = textElement("button", "Remove");
      remove.type = "button";
      remove.addEventListener("click", () => {
        items.splice(index, 1);
        rerender();
      });
      row.append(remove);
    }
    set.append(row);
  });
  const add = textElement("button", `Add ${legend === "Models" ? "a model" : "a variant"}`);
  add.type = "button";
  add.addEventListener("click", () => {
    items.push(make());
    rerender();
  });
  set.append(add);
  return set;
}

function trafficFields(state, rerender, onChange) {
  const set = fieldset(
    "Traffic allocation",
    select("Mode", state, "mode", ["factorial", "split"], rerender, "mode"),
  );
  if (state.mode === "factorial") {
    set.append(textElement("p", "Every case goes to every arm.", "ablab-muted"));
    return set;
  }
  set.append(textElement(
    "p",
    "Each case goes to one arm, chosen by weight. Weights are percent and must sum to 100; leave all blank for equal weights.",
    "ablab-muted",
  ));
  for (const arm of formArms(state)) {
    set.append(input(`Weight of ${arm} (%)`, state.weights, arm, onChange, {
      name: `weight-${arm}`,
      inputMode: "decimal",
    }));
  }
  return set;
}

function datasetFields(state, onChange) {
  return fieldset(
    "Dataset and rating",
    input("Cases as CSV (header row; the id column is required)", state, "dataset_csv", onChange, {
      multiline: true,
      rows: 6,
    }),
    input(
      "Rating dimensions, one per line as id or id: description",
      state,
      "dimensions",
      onChange,
      {
        multiline: true,
        rows: 3,
      },
    ),
    input("LLM judge: id of a model above (blank for none)", state, "judge_model", onChange, {
      name: "judge-model",
    }),
    input("Judge rubric", state, "judge_rubric", onChange, {
      multiline: true,
      rows: 2,
      name: "judge-rubric",
    }),
  );
}
