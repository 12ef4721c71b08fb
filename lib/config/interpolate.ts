/**
 * `${NAME}` environment variable interpolation in experiment files.
 *
 * Every string value in the YAML file may use `${NAME}`, and `$${` writes a
 * literal `${`. An unquoted value that becomes a number or `true`/`false`
 * after interpolation is read as one, as YAML reads `seed: 42`. Names of secrets (matching KEY, TOKEN, SECRET or PASSWORD) are
 * rejected, because the resolved test is stored with the run: name the
 * variable in `api_key_env` instead, and the provider reads it at call time.
 *
 * @module
 */
import { isMap, isScalar, isSeq, parse } from "yaml";
import type { YamlSource } from "./yaml_source.ts";

/** Environment variables by name, as `Deno.env.toObject()` returns them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Variable names whose values must never be written into a stored test. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD/i;

/** `${NAME}` with the name rule of POSIX shells. */
const VARIABLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/;

/**
 * Replace `${NAME}` in one string.
 *
 * @throws {Error} With a message for the caller to locate, when a variable is
 *   missing, a secret, or the syntax is malformed.
 */
export function interpolateString(text: string, env: () => Env): string {
  let output = "";
  let index = 0;
  while (index < text.length) {
    if (text.startsWith("$${", index)) {
      output += "${";
      index += 3;
      continue;
    }
    if (!text.startsWith("${", index)) {
      output += text[index];
      index += 1;
      continue;
    }

    const match = VARIABLE.exec(text.slice(index));
    if (match === null) {
      throw new Error(
        `malformed variable reference at character ${index + 1}: write \${NAME} with a name ` +
          `of letters, digits and "_", or $\${ for a literal "\${"`,
      );
    }
    const name = match[1]!;
    if (SECRET_NAME.test(name)) {
      throw new Error(
        `\${${name}} looks like a secret, and the resolved test is stored with the run: ` +
          `set api_key_env: ${name} on the model instead`,
      );
    }
    const value = env()[name];
    if (value === undefined) {
      throw new Error(`environment variable ${name} is not set; set it or remove \${${name}}`);
    }
    output += value;
    index += match[0].length;
  }
  return output;
}

/**
 * Read an interpolated unquoted value as YAML would have read it in place, so
 * `seed: ${SEED}` gives a number. Quoted values stay strings.
 */
function retype(value: string): string | number | boolean {
  try {
    const typed: unknown = parse(value);
    return typeof typed === "number" || typeof typed === "boolean" ? typed : value;
  } catch {
    return value;
  }
}

/**
 * Interpolate every string value of a parsed file in place. Keys are left as written.
 *
 * @param source The parsed file.
 * @param env Called once, on the first `${`, so files without variables need no env access.
 * @throws {ConfigError} At the string that holds a bad reference.
 */
export function interpolateSource(source: YamlSource, env: () => Env): void {
  let cached: Env | undefined;
  const lazyEnv = () => cached ??= env();

  const walk = (node: unknown, path: PropertyKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : "?";
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === "string" && node.value.includes("${")) {
      let value: string;
      try {
        value = interpolateString(node.value, lazyEnv);
      } catch (error) {
        throw source.error(path, (error as Error).message);
      }
      node.value = node.type === "PLAIN" ? retype(value) : value;
    }
  };
  walk(source.document.contents, []);
}
