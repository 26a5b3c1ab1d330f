#!/usr/bin/env node
"use strict";
// In a source checkout (lib/*.ts present and tsx installed) run the TypeScript source, so a stale dist/
// never shadows an edit; in an installed package run the compiled JavaScript.
const path = require("node:path");
const fs = require("node:fs");
const root = path.join(__dirname, "..");
const source = path.join(root, "lib", "emulator/cli.ts");
const run = (m) => m.main(process.argv.slice(2));
let useSource = fs.existsSync(source);
if (useSource) {
  try { require.resolve("tsx/cjs", { paths: [root] }); } catch { useSource = false; }
}
if (useSource) {
  require(require.resolve("tsx/cjs", { paths: [root] }));
  run(require(source));
} else {
  run(require(path.join(root, "dist", "lib", "emulator/cli.js")));
}
