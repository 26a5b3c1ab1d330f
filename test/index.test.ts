/**
 * The public surface: the package root exports at most 60 names (values and types), a root import
 * loads neither the handler nor the Prism Central client nor the emulator (a fresh process, checked
 * through require.cache), the root's handler functions load the handler on first call, and every
 * subpath of the package.json `exports` map points at a module this repository builds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { HandlerInputError, validatePlan } from "../lib";
import * as handler from "../lib/handler";
import { addCluster, stackWithAccount } from "./helpers/nutanix-fixtures";

const ROOT = path.join(__dirname, "..");
const MAX_ROOT_NAMES = 60;

/** Requires the root in a fresh Node process; returns its runtime export names and the lib/ modules loaded. */
function rootLoad(): { names: string[]; modules: string[] } {
  const script = `
    const path = require("node:path");
    const lib = path.join(process.cwd(), "lib") + path.sep;
    const m = require("./lib");
    const modules = Object.keys(require.cache).filter((k) => k.startsWith(lib)).map((k) => path.relative(process.cwd(), k).split(path.sep).join("/"));
    process.stdout.write(JSON.stringify({ names: Object.keys(m), modules }));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return JSON.parse(out) as { names: string[]; modules: string[] };
}

test("root import: loads no emulator, Prism client or handler module (only the handler's error class)", () => {
  const { names, modules } = rootLoad();
  assert.ok(modules.includes("lib/index.ts") && modules.includes("lib/stack/nutanix-stack.ts"), modules.join("\n"));
  const forbidden = modules.filter((m) => m.startsWith("lib/emulator/") || m.startsWith("lib/prism/") || (m.startsWith("lib/handler/") && m !== "lib/handler/errors.ts"));
  assert.deepEqual(forbidden, [], `a root import loaded:\n${forbidden.join("\n")}`);
  assert.ok(names.length <= MAX_ROOT_NAMES, `${names.length} runtime exports`);
  for (const name of ["NutanixStack", "NutanixCluster", "Credentials", "Secret", "ValidationError", "PlanTemplate", "Match", "applyPlan", "planDiff", "destroyPlan", "validatePlan", "HandlerInputError"]) {
    assert.ok(names.includes(name), `the root exports ${name}`);
  }
});

test(`root export: at most ${MAX_ROOT_NAMES} names, types included`, () => {
  const program = ts.createProgram([path.join(ROOT, "lib", "index.ts")], { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true, types: ["node"] });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(path.join(ROOT, "lib", "index.ts"));
  assert.ok(file, "lib/index.ts is in the program");
  const symbol = checker.getSymbolAtLocation(file);
  assert.ok(symbol, "lib/index.ts is a module");
  const names = checker.getExportsOfModule(symbol).map((s) => s.getName()).sort();
  assert.ok(names.length <= MAX_ROOT_NAMES, `${names.length} names: ${names.join(", ")}`);
  for (const name of ["NutanixStackProps", "NutanixClusterProps", "ApplyOptions", "RunResult", "ValidationIssue"]) assert.ok(names.includes(name), `the root exports type ${name}`);
});

test("root handler API: the lazy functions reach the handler; HandlerInputError is the handler's own class", () => {
  const { stack, pc } = stackWithAccount();
  addCluster(stack, pc, "c1");
  const plan = stack.toPlan();
  const r = validatePlan(plan);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r, { ...handler.validatePlan(plan), ms: r.ms });
  assert.equal(HandlerInputError, handler.HandlerInputError);
  assert.throws(() => validatePlan({ ...plan, resources: [{ ...plan.resources[0]!, generation: "0".repeat(64) }, ...plan.resources.slice(1)] }), HandlerInputError);
});

test("package.json exports: the root and every subpath name a types and a default file this repository builds", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string | { types: string; default: string }>; peerDependencies: Record<string, string>; devDependencies: Record<string, string>; dependencies: Record<string, string> };
  assert.equal(pkg.exports["./package.json"], "./package.json");
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== "./package.json");
  assert.ok(subpaths.includes(".") && subpaths.includes("./emulator") && subpaths.includes("./prism") && subpaths.includes("./stack"), subpaths.join(", "));
  for (const key of subpaths) {
    const target = pkg.exports[key];
    assert.ok(typeof target === "object", `${key}: conditions`);
    assert.deepEqual(Object.keys(target), ["types", "default"], `${key}: "types" comes first`);
    const dir = key === "." ? "" : `${key.slice(2)}/`;
    assert.equal(target.types, `./dist/lib/${dir}index.d.ts`);
    assert.equal(target.default, `./dist/lib/${dir}index.js`);
    assert.ok(fs.existsSync(path.join(ROOT, "lib", dir, "index.ts")), `${key}: lib/${dir}index.ts exists`);
  }
  for (const peer of ["cdktf", "constructs"]) {
    assert.ok(pkg.peerDependencies[peer], `${peer} is a peer dependency`);
    assert.equal(pkg.devDependencies[peer], pkg.peerDependencies[peer], `${peer}: the tests use the peer version`);
    assert.equal(pkg.dependencies[peer], undefined, `${peer} is not a dependency`);
  }
});
