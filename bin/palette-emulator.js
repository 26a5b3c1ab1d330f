#!/usr/bin/env node
"use strict";
require("./run-entry")("palette-emulator/cli", (m) => m.main(process.argv.slice(2)));
