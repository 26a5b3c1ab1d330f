#!/usr/bin/env node
"use strict";
require("./run-entry")("handler/cli", (m) => m.main(process.argv.slice(2)).then((code) => { process.exitCode = code; }));
