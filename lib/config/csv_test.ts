import assert from "node:assert/strict";
import { CsvSyntaxError, parseCsv } from "./csv.ts";

Deno.test("parseCsv() reads plain records with lines", () => {
  const records = parseCsv("id,name\n1,Ada\n2,Grace\n");

  assert.deepEqual(records, [
    { fields: ["id", "name"], line: 1 },
    { fields: ["1", "Ada"], line: 2 },
    { fields: ["2", "Grace"], line: 3 },
  ]);
});

Deno.test("parseCsv() unquotes commas, quotes and newlines", () => {
  const records = parseCsv('id,text\r\n1,"a, ""b"""\r\n2,"line one\r\nline two"\r\n3,x\r\n');

  assert.deepEqual(records[1]?.fields, ["1", 'a, "b"']);
  assert.deepEqual(records[2]?.fields, ["2", "line one\r\nline two"]);
  assert.equal(records[2]?.line, 3);
  assert.equal(records[3]?.line, 5);
});

Deno.test("parseCsv() keeps empty fields", () => {
  const records = parseCsv('a,b,c\n,"",\n"",x,\n');

  assert.deepEqual(records[1]?.fields, ["", "", ""]);
  assert.deepEqual(records[2]?.fields, ["", "x", ""]);
});

Deno.test("parseCsv() handles no final newline", () => {
  assert.deepEqual(parseCsv('a,b\n1,"2"').map((record) => record.fields), [["a", "b"], ["1", "2"]]);
  assert.deepEqual(parseCsv("a,b\n1,2").map((record) => record.fields), [["a", "b"], ["1", "2"]]);
});

Deno.test("parseCsv() skips blank lines and a BOM", () => {
  const records = parseCsv("\uFEFFid\n\n1\n\n");

  assert.deepEqual(records, [{ fields: ["id"], line: 1 }, { fields: ["1"], line: 3 }]);
});

Deno.test("parseCsv() rejects an unclosed quote", () => {
  assert.throws(
    () => parseCsv('id,text\n1,"open\n2,x\n'),
    (error: unknown) => {
      assert.ok(error instanceof CsvSyntaxError);
      assert.equal(error.line, 2);
      assert.equal(error.column, 3);
      return true;
    },
  );
});

Deno.test("parseCsv() rejects stray quotes", () => {
  assert.throws(() => parseCsv('id,text\n1,ab"c\n'), /quote inside an unquoted field/);
  assert.throws(() => parseCsv('id,text\n1,"ab"c\n'), /text after a closing quote/);
});
