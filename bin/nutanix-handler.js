#!/usr/bin/env node
"use strict";
// Runs the compiled CLI when the package is built, otherwise the TypeScript source through tsx.
const path = require("node:path");
const fs = require("node:fs");
const compiled = path.join(__dirname, "..", "dist", "lib", "handler", "cli.js");
if (fs.existsSync(compiled)) {
  require(compiled).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
} else {
  require("tsx/cjs");
  require(path.join(__dirname, "..", "lib", "handler", "cli.ts")).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
