import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { fieldPath, formatIssue, parseOrThrow, ValidationError } from "../../lib/schema/validation";

test("validation: field paths render as a.b[1].c", () => {
  assert.equal(fieldPath(["machine", "subnets", 1, "name"]), "machine.subnets[1].name");
});
test("validation: parseOrThrow lists every issue as <path>: <field>: <expected, got>", () => {
  const s = z.strictObject({ a: z.number({ error: "expected a number" }), b: z.string({ error: "expected text" }) });
  try {
    parseOrThrow(s, { a: "x", b: 1, c: 2 }, "dc1/thing");
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    const lines = e.issues.map(formatIssue);
    assert.ok(lines.includes('dc1/thing: a: expected a number, got "x"'), lines.join("\n"));
    assert.ok(lines.includes("dc1/thing: b: expected text, got 1"));
    assert.ok(lines.some((l) => /unknown field 'c'/.test(l)));
    assert.match(e.message, /^invalid props for dc1\/thing:\n {2}/);
  }
});
