import assert from "node:assert/strict";
import { renderTemplate, templateSlots } from "./template.ts";

Deno.test("renderTemplate() fills slots with spaces", () => {
  const output = renderTemplate("Hi {{name}}, re {{ topic }}.", { name: "Ada", topic: "billing" });

  assert.equal(output, "Hi Ada, re billing.");
});

Deno.test("renderTemplate() inserts values verbatim", () => {
  const output = renderTemplate("Q: {{q}}", { q: "what is {{x}} and $1?" });

  assert.equal(output, "Q: what is {{x}} and $1?");
});

Deno.test("renderTemplate() keeps escaped braces", () => {
  assert.equal(renderTemplate("\\{{name}} is {{name}}", { name: "Ada" }), "{{name}} is Ada");
});

Deno.test("renderTemplate() leaves JSON braces alone", () => {
  const template = 'Reply as {"answer": {"text": "{{ text }}"}}';

  assert.equal(renderTemplate(template, { text: "ok" }), 'Reply as {"answer": {"text": "ok"}}');
});

Deno.test("renderTemplate() rejects a missing value", () => {
  assert.throws(
    () => renderTemplate("Hi {{name}}", { topic: "billing" }),
    (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /slot "name" has no value; values given: topic/);
      return true;
    },
  );
});

Deno.test("renderTemplate() accepts an empty value", () => {
  assert.equal(renderTemplate("[{{a}}]", { a: "" }), "[]");
});

Deno.test("templateSlots() lists each slot once", () => {
  assert.deepEqual(templateSlots("{{a}} {{ b }} {{a}} {{c.d}} {{e-f}}"), ["a", "b", "c.d", "e-f"]);
});

Deno.test("templateSlots() returns none for plain text", () => {
  assert.deepEqual(templateSlots("no slots here }}"), []);
});

Deno.test("templateSlots() rejects an unclosed slot", () => {
  assert.throws(() => templateSlots("Hi {{name"), SyntaxError);
  assert.throws(() => templateSlots("Hi {{name {{x}}"), /unclosed "\{\{" at character 4/);
});

Deno.test("templateSlots() rejects invalid names", () => {
  assert.throws(() => templateSlots("{{}}"), /invalid slot "\{\{\}\}"/);
  assert.throws(() => templateSlots("{{ two words }}"), SyntaxError);
  assert.throws(() => templateSlots("{{1st}}"), SyntaxError);
});
