"use strict";
// Shared by the bin shims. In a source checkout (lib/*.ts present and tsx installed) run the TypeScript
// source, so a stale dist/ never shadows an edit; in an installed package run the compiled JavaScript.
const path = require("node:path");
const fs = require("node:fs");

/**
 * Loads `lib/<mod>` (source or compiled) and hands the module to `run`. `--version` prints this
 * package's version for every bin, before anything is loaded.
 */
module.exports = function runEntry(mod, run) {
  const root = path.join(__dirname, "..");
  if (process.argv.slice(2).includes("--version")) {
    process.stdout.write(`${JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version}\n`);
    return;
  }
  const source = path.join(root, "lib", `${mod}.ts`);
  let tsx;
  if (fs.existsSync(source)) {
    try { tsx = require.resolve("tsx/cjs", { paths: [root] }); } catch { tsx = undefined; }
  }
  if (tsx) {
    require(tsx);
    run(require(source));
  } else {
    run(require(path.join(root, "dist", "lib", `${mod}.js`)));
  }
};
