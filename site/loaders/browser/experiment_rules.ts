/**
 * Entry point of the browser bundle the configurator loads: the experiment
 * file parser, the zod schemas and the YAML writer, the same code
 * `deno task run` uses.
 * Only `lib/config` and `lib/schema` are bundled, because the rest of the
 * public API needs Deno and native DuckDB.
 *
 * @module
 */
export {
  ConfigError,
  ExperimentFileSchema,
  parseCsv,
  parseExperiment,
} from "../../../lib/config/mod.ts";
export {
  ABTestSchema,
  ID_PATTERN,
  listArms,
  ModelConfigSchema,
  ProviderNameSchema,
} from "../../../lib/schema/mod.ts";
export { stringify as stringifyYaml } from "yaml";
