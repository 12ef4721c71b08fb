/**
 * Experiment files: parse YAML into a validated `ABTest`, report every
 * problem as a {@linkcode ConfigError} with file, line, column and field, and
 * render prompt templates.
 *
 * String values may use `${NAME}` to read environment variables. API keys do
 * not go there: set `api_key_env: OPENAI_API_KEY` on the model, so only the
 * variable's name is stored with a run. Names containing KEY, TOKEN, SECRET or
 * PASSWORD are rejected in `${...}` for that reason.
 *
 * @module
 */
export { ConfigError, type ConfigErrorOptions } from "./config_error.ts";
export {
  DatasetSpecSchema,
  ExperimentFileSchema,
  loadExperiment,
  type LoadExperimentOptions,
  parseExperiment,
  type ParseExperimentOptions,
} from "./experiment_file.ts";
export { renderTemplate, templateSlots } from "./template.ts";
export { type CsvRecord, CsvSyntaxError, parseCsv } from "./csv.ts";
