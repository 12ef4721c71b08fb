/**
 * Experiment files: parse YAML into a validated `ABTest`, report every
 * problem as a {@linkcode ConfigError} with file, line, column and field, and
 * render prompt templates.
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
