import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadExperiment } from "../lib/config/mod.ts";
import { BAD_FIXTURES, BAD_FIXTURES_DIR } from "./fixtures/bad/cases.ts";

const dir = fileURLToPath(BAD_FIXTURES_DIR);

/** Load a fixture and return the error it raises, failing if it raises none. */
async function errorOf(file: string): Promise<unknown> {
  try {
    await loadExperiment(join(dir, file), { env: {} });
  } catch (error) {
    return error;
  }
  assert.fail(`${file} loaded without an error`);
}

for (const fixture of BAD_FIXTURES) {
  Deno.test(`loadExperiment() rejects ${fixture.kind}`, async () => {
    const error = await errorOf(fixture.file);

    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    const prefix = fixture.path === "" ? `${fixture.at}: ` : `${fixture.at} ${fixture.path}: `;
    assert.ok(
      error.message.startsWith(join(dir, prefix)),
      `message should start with ${prefix}\n  got: ${error.message}`,
    );
    assert.equal(error.path, fixture.path);
    for (const fragment of fixture.fragments) {
      assert.ok(error.message.includes(fragment), `missing "${fragment}" in: ${error.message}`);
    }
  });
}

Deno.test("bad fixtures cover every yaml file", () => {
  const listed = new Set(BAD_FIXTURES.map((fixture) => fixture.file));
  const files = [...Deno.readDirSync(dir)].map((entry) => entry.name).filter((name) =>
    name.endsWith(".yaml")
  );
  for (const file of files) assert.ok(listed.has(file), `${file} has no entry in cases.ts`);
  assert.equal(listed.size, files.length);
  assert.ok(files.length >= 18);
});

Deno.test("ConfigError fields match the message position", async () => {
  const error = await errorOf("wrong-type.yaml");

  assert.ok(error instanceof ConfigError);
  assert.equal(error.file, join(dir, "wrong-type.yaml"));
  assert.equal(error.line, 12);
  assert.equal(error.column, 18);
  assert.equal(error.detail, 'expected a number from 0 to 2, got "hot"');
});

Deno.test("ConfigError names the data file for bad rows", async () => {
  const error = await errorOf("bad-csv-row.yaml");

  assert.ok(error instanceof ConfigError);
  assert.equal(error.file, join(dir, "data/short-row.csv"));
  assert.equal(error.line, 5);
  assert.equal(error.column, null);
});
