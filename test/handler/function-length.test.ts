/**
 * No function in lib/handler is longer than 120 lines (parsed with the TypeScript compiler API).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.join(__dirname, "..", "..", "lib", "handler");
const MAX_LINES = 120;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

test(`no function in lib/handler exceeds ${MAX_LINES} lines`, () => {
  const long: string[] = [];
  let functions = 0;
  for (const file of files(ROOT)) {
    const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n) && "body" in n && n.body) {
        functions++;
        const lines = src.getLineAndCharacterOfPosition(n.end).line - src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
        if (lines > MAX_LINES) long.push(`${path.relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1} (${lines} lines)`);
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  assert.ok(functions > 100, `parsed ${functions} functions`);
  assert.deepEqual(long, []);
});
