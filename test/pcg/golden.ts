/**
 * Golden files: compare text with test/pcg/__golden__/<name>; `UPDATE_GOLDEN=1` rewrites them.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const DIR = join(__dirname, "__golden__");

/** Asserts that `text` equals the golden file `name` (or rewrites it when UPDATE_GOLDEN=1). */
export function assertGolden(name: string, text: string): void {
  const file = join(DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `golden file ${name} is missing: run the tests with UPDATE_GOLDEN=1 to create it`);
  assert.equal(text, readFileSync(file, "utf8"), `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it after review)`);
}
