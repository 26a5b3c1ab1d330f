/**
 * The layer picture of DESIGN.md as lint enforces it (eslint.config.mjs, no-restricted-imports per
 * folder and depth): a table of (file, import) → allowed or not, linted with the project's own config.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.join(__dirname, "..");

/** [the importing file, the import specifier, whether it is a type-only import, allowed]. */
const CASES: readonly [string, string, boolean, boolean][] = [
  ["lib/plan/x.ts", "../schema/plan", false, true],
  ["lib/plan/x.ts", "../constructs/resource", false, false],
  ["lib/plan/x.ts", "../pcg/rules", false, false],
  ["lib/plan/x.ts", "../stack/collect", false, false],
  ["lib/plan/x.ts", "../index", false, false],
  ["lib/schema/x.ts", "../plan/canonical", false, false],
  ["lib/render/x.ts", "../plan/canonical", false, true],
  ["lib/render/x.ts", "../constructs/resource", false, false],
  ["lib/constructs/x.ts", "../render/capx", false, true],
  ["lib/constructs/x.ts", "../stack/nutanix-stack", false, false],
  ["lib/constructs/index.ts", "../stack/nutanix-stack", false, true],
  ["lib/stack/x.ts", "../constructs/resource", false, true],
  ["lib/stack/x.ts", "../pcg/rules", false, true],
  ["lib/stack/x.ts", "../handler/index", false, false],
  ["lib/pcg/x.ts", "../constructs/resource", false, false],
  ["lib/handler/reconcilers/x.ts", "../../prism/client", false, true],
  ["lib/handler/reconcilers/x.ts", "../../pcg/rules", false, true],
  ["lib/handler/reconcilers/x.ts", "../context", false, true],
  ["lib/handler/x.ts", "../constructs/resource", false, false],
  ["lib/handler/x.ts", "../emulator/server", false, false],
  ["lib/handler/palette/x.ts", "../../palette/client", false, true],
  ["lib/handler/palette/x.ts", "../../palette-emulator/emulator", false, false],
  ["lib/palette/x.ts", "../render/palette", false, false],
  ["lib/handler/kube/x.ts", "../../kube/pki", false, true],
  ["lib/prism/x.ts", "../schema/plan", false, false],
  ["lib/emulator/routes/x.ts", "../render", false, true],
  ["lib/emulator/routes/x.ts", "../../prism/types", true, true],
  ["lib/emulator/routes/x.ts", "../../prism/client", false, false],
  ["lib/emulator/x.ts", "../schema/plan", false, false],
  ["lib/testing/x.ts", "../stack/nutanix-stack", false, true],
  ["lib/testing/x.ts", "../handler/index", false, false],
  ["lib/index.ts", "./emulator", false, true],
];

test("lint: each layer imports only the layers DESIGN.md lists for it", async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const wrong: string[] = [];
  for (const [file, spec, typeOnly, allowed] of CASES) {
    const code = typeOnly ? `import type { X } from "${spec}";\nexport type Y = X;\n` : `import { x } from "${spec}";\nexport const y = x;\n`;
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    const restricted = (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports");
    if (allowed === restricted.length > 0) wrong.push(`${file} importing ${spec}: expected ${allowed ? "allowed" : "an error"}, got ${restricted.map((m) => m.message).join("; ") || "no error"}`);
  }
  assert.deepEqual(wrong, []);
});

test("lint: a function in lib/ longer than 120 lines is an error", async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const body = Array.from({ length: 125 }, (_, i) => `  n += ${i};`).join("\n");
  const [result] = await eslint.lintText(`export function long(): number {\n  let n = 0;\n${body}\n  return n;\n}\n`, { filePath: path.join(ROOT, "lib/plan/x.ts") });
  assert.ok(result?.messages.some((m) => m.ruleId === "max-lines-per-function"), JSON.stringify(result?.messages));
});
