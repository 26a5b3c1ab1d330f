/**
 * ValidationError.isValidationError works across copies of the package (two installs in one program,
 * where `instanceof` fails): the brand is a process-wide `Symbol.for`, as aws-cdk-lib's errors are.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type * as Validation from "../../lib/schema/validation";
import { ValidationError } from "../../lib/schema/validation";

const MODULE = require.resolve("../../lib/schema/validation");

/** A second, independent copy of the module (its own class), as a second install of the package would be. */
function otherCopy(): typeof Validation {
  const saved = require.cache[MODULE];
  delete require.cache[MODULE];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module instance is the point
    return require(MODULE) as typeof Validation;
  } finally {
    if (saved) require.cache[MODULE] = saved;
  }
}

const ISSUE = { path: "dc1/c1", field: "name", message: "expected a DNS label" };

test("isValidationError: true for this copy's errors and for another copy's, which instanceof misses", () => {
  const other = otherCopy();
  assert.notEqual(other.ValidationError, ValidationError, "the test needs a distinct class");
  const foreign = new other.ValidationError([ISSUE], "invalid props for dc1/c1");
  assert.equal(foreign instanceof ValidationError, false);
  assert.equal(ValidationError.isValidationError(foreign), true);
  assert.equal(other.ValidationError.isValidationError(new ValidationError([ISSUE])), true);
  assert.equal(ValidationError.isValidationError(new ValidationError([ISSUE])), true);
  assert.deepEqual(foreign.issues, [ISSUE]);
});

test("isValidationError: false for look-alikes and non-objects", () => {
  const lookAlike = Object.assign(new Error("validation failed"), { name: "ValidationError", issues: [ISSUE] });
  for (const x of [lookAlike, new Error("x"), { issues: [] }, null, undefined, "ValidationError", 42, { [Symbol("nutanix-palette-cdk.ValidationError")]: true }]) {
    assert.equal(ValidationError.isValidationError(x), false, String(x));
  }
});

test("isValidationError: the brand is one non-enumerable Symbol.for key, absent from spreads", () => {
  const e = new ValidationError([ISSUE]);
  const brand = Symbol.for("nutanix-palette-cdk.ValidationError");
  assert.deepEqual(Object.getOwnPropertySymbols(e), [brand]);
  assert.equal(Object.prototype.propertyIsEnumerable.call(e, brand), false);
  assert.equal(Object.getOwnPropertySymbols({ ...e }).length, 0);
});
