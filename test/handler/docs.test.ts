/**
 * The CLI help in docs/handler.md is the CLI's own USAGE text, so the docs stay true.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { USAGE } from "../../lib/handler/cli";

test("docs/handler.md shows the CLI's usage text verbatim", () => {
  const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "handler.md"), "utf8");
  assert.ok(doc.includes(USAGE), "docs/handler.md is out of date: paste `nutanix-handler --help` into its usage block");
});
