/**
 * Data loader: the experiment file parser and schemas as one browser ES
 * module, loaded by the configurator page.
 */
import { fileURLToPath } from "node:url";
import { bundleForBrowser } from "../../loaders/browser/bundle.ts";
import { writeOutput } from "../../loaders/source.ts";

const entry = fileURLToPath(new URL("../../loaders/browser/experiment_rules.ts", import.meta.url));
const source = await bundleForBrowser(entry);
await writeOutput(new TextEncoder().encode(source));
