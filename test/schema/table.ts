/**
 * Table-driven schema tests: each case is valid (optionally with an expected output) or invalid with
 * a fragment the message must contain and the field path it must name.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { z } from "zod";
import { issuesFromZod } from "../../lib/schema/validation";

export interface ValidCase { readonly name: string; readonly input: unknown; readonly output?: unknown }
export interface InvalidCase { readonly name: string; readonly input: unknown; readonly message: RegExp; readonly field?: string }

/** Registers one test per case. */
export function expectSchemaCases(label: string, schema: z.ZodType, valid: readonly ValidCase[], invalid: readonly InvalidCase[]): void {
  for (const c of valid) {
    test(`${label}: accepts ${c.name}`, () => {
      const r = schema.safeParse(c.input);
      assert.ok(r.success, r.success ? "" : JSON.stringify(r.error.issues));
      if ("output" in c) assert.deepEqual(r.data, c.output);
    });
  }
  for (const c of invalid) {
    test(`${label}: fails on ${c.name}`, () => {
      const r = schema.safeParse(c.input, { reportInput: true });
      assert.ok(!r.success, `expected ${JSON.stringify(c.input)} to be rejected`);
      const issues = issuesFromZod("x", r.error);
      const hit = issues.find((i) => c.message.test(i.message) && (c.field === undefined || i.field === c.field));
      assert.ok(hit, `no issue matching ${c.message}${c.field !== undefined ? ` at ${c.field}` : ""} in ${JSON.stringify(issues)}`);
    });
  }
}
