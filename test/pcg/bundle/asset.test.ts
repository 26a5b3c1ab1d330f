/**
 * The install.sh body is a packaged asset read relative to its module: it must work from the sources
 * (tsx) and from a compiled copy in another directory (dist), and the build must copy it there.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import ts from "typescript";
import { ASSET_PREAMBLE_END, assetText } from "../../../lib/pcg/bundle/asset";

const ROOT = path.join(__dirname, "..", "..", "..");
const SOURCE = path.join(ROOT, "lib", "pcg", "bundle");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pcg-asset-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("assetText", () => {
  it("gives install.sh without its preamble, starting with the script body", () => {
    const raw = fs.readFileSync(path.join(SOURCE, "assets", "install.sh"), "utf8");
    const body = assetText("install.sh");
    assert.ok(raw.includes(`\n${ASSET_PREAMBLE_END}\n`));
    assert.ok(!body.includes(ASSET_PREAMBLE_END) && !body.includes("shellcheck shell=bash"));
    assert.ok(raw.endsWith(body));
    assert.match(body, /^failures=0\n/);
    assert.match(body, /\nesac\n$/);
  });

  it("works from a compiled copy in another directory, with CRLF line ends, and names a damaged asset", () => {
    const out = ts.transpileModule(fs.readFileSync(path.join(SOURCE, "asset.ts"), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const dir = path.join(tmp, "dist", "lib", "pcg", "bundle");
    fs.mkdirSync(path.join(dir, "assets"), { recursive: true });
    fs.writeFileSync(path.join(dir, "asset.js"), out.outputText);
    const raw = fs.readFileSync(path.join(SOURCE, "assets", "install.sh"), "utf8");
    fs.writeFileSync(path.join(dir, "assets", "install.sh"), raw.replace(/\n/g, "\r\n"));
    fs.writeFileSync(path.join(dir, "assets", "broken.sh"), "echo no marker\n");
    const script = `const a = require(${JSON.stringify(path.join(dir, "asset.js"))});
process.stdout.write(a.assetText("install.sh"));
try { a.assetText("broken.sh"); } catch (e) { process.stderr.write(e.message); }`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, assetText("install.sh"));
    assert.match(r.stderr, /asset broken\.sh .*no '# ---- end of preamble ----' line/);
  });

  it("is copied into dist by the build script", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { build: string }; files: string[] };
    assert.match(pkg.scripts.build, /cp -R lib\/pcg\/bundle\/assets dist\/lib\/pcg\/bundle\//);
    assert.ok(pkg.files.includes("dist/lib"), "dist/lib (and so its assets) is published");
  });
});
