/**
 * `--version` on every bin prints the package version (bin/run-entry.js answers it before loading the
 * CLI); the package carries its LICENSE and a repository field.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string; license: string; repository?: { type?: string; url?: string }; bin: Record<string, string> };

test("--version: every bin prints the package version and exits 0", () => {
  assert.deepEqual(Object.keys(pkg.bin).sort(), ["nutanix-handler", "palette-emulator", "prism-emulator"]);
  for (const [name, file] of Object.entries(pkg.bin)) {
    const out = execFileSync(process.execPath, [path.join(root, file), "--version"], { encoding: "utf8", timeout: 30_000 });
    assert.equal(out, `${pkg.version}\n`, name);
  }
});

test("package: Apache-2.0 LICENSE file and a git repository field", () => {
  assert.equal(pkg.license, "Apache-2.0");
  assert.match(fs.readFileSync(path.join(root, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  assert.equal(pkg.repository?.type, "git");
  assert.match(pkg.repository?.url ?? "", /^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
});

test("docs: every npx call says --no-install, so nothing resolves from the registry", () => {
  const files = ["README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f)), "cdktf.json"];
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), "utf8");
    const bad = text.split("\n").filter((l) => /\bnpx (?!--no-install)/.test(l));
    assert.deepEqual(bad, [], `${f}: npx without --no-install`);
  }
});

test("nutanix-handler --version in process (main) prints the version; the usage names the flag", async () => {
  const { main, USAGE } = await import("../../lib/handler/cli");
  let out = "";
  const code = await main(["--version"], { stdout: (t) => void (out += t), stderr: () => undefined, isTty: false });
  assert.equal(code, 0);
  assert.equal(out, `${pkg.version}\n`);
  assert.match(USAGE, /--version +print the package version/);
});
