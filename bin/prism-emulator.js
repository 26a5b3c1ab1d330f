#!/usr/bin/env node
"use strict";
// Runs the compiled emulator CLI when the package is built, otherwise the TypeScript source through tsx.
const path = require("node:path");
const fs = require("node:fs");
const compiled = path.join(__dirname, "..", "dist", "lib", "emulator", "cli.js");
if (fs.existsSync(compiled)) {
  require(compiled).main(process.argv.slice(2));
} else {
  require("tsx/cjs");
  require(path.join(__dirname, "..", "lib", "emulator", "cli.ts")).main(process.argv.slice(2));
}
