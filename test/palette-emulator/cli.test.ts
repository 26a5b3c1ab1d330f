/**
 * bin/palette-emulator.js as a real child process: the API key from the environment (never printed), bad flags
 * (exit 2), the listening line, and state persisted atomically across restarts, including a SIGKILL right after
 * an acknowledged write.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PaletteClient } from "../../lib/palette";
import { parseCli } from "../../lib/palette-emulator";

const BIN = path.join(__dirname, "..", "..", "bin", "palette-emulator.js");
const KEY = "cli-test-key-5b2e81";

function start(args: string[], env: NodeJS.ProcessEnv = { PALETTE_EMULATOR_API_KEY: KEY }): Promise<{ child: ChildProcess; url: string; line: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 20_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^palette-emulator listening on (\S+).*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, line: m[0] });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening; stderr: ${err}`));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const e = { ...process.env, ...env };
  delete e.PALETTE_EMULATOR_API_KEY;
  Object.assign(e, env);
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: e });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

test("--help, bad flags and a missing key exit 2; a non-loopback host is refused", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--api-key KEY .*PALETTE_EMULATOR_API_KEY/);
  const bad = await run(["--bogus"], { PALETTE_EMULATOR_API_KEY: KEY });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown option '--bogus'/);
  const noKey = await run([]);
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /an API key is required: set PALETTE_EMULATOR_API_KEY/);
  const host = await run(["--host", "0.0.0.0"], { PALETTE_EMULATOR_API_KEY: KEY });
  assert.equal(host.code, 2);
  assert.match(host.stderr, /not a loopback address/);
  assert.match((await run(["--step-ms=-1"], { PALETTE_EMULATOR_API_KEY: KEY })).stderr, /--step-ms: expected an integer ≥ 0/);
});

test("parseCli: flags and the environment", () => {
  const p = parseCli(["--port", "8080", "--step-ms", "10", "--latency-ms", "5", "--fault-rate", "0.4", "--rate-limit", "10", "--retry-after", "2", "--request-budget", "9"], { PALETTE_EMULATOR_API_KEY: "k" });
  assert.ok(!p.help);
  if (p.help) return;
  assert.equal(p.options.apiKey, "k");
  assert.equal(p.options.port, 8080);
  assert.equal(p.options.stepMs, 10);
  assert.deepEqual(p.options.faults, { latencyMs: 5, errorRate: 0.2, rateLimitRate: 0.1, resetRate: 0.1, requestBudget: 9, retryAfterSeconds: 2 });
  assert.deepEqual(p.options.rateLimit, { perSecond: 10, burst: 50 });
  const flag = parseCli(["--api-key", "flag"], { PALETTE_EMULATOR_API_KEY: "env" });
  assert.ok(!flag.help && flag.options.apiKey === "flag");
});

test("state persists across restarts (SIGTERM, then SIGKILL right after an acknowledged write)", async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "palette-emu-"));
  const state = path.join(dir, "state.json");
  try {
    let emu = await start(["--port", "0", "--state", state, "--step-ms", "20", "--quiet"]);
    assert.ok(!emu.line.includes(KEY), "the listening line never shows the key");
    assert.match(emu.line, /^palette-emulator listening on http:\/\/127\.0\.0\.1:\d+ state /);
    let client = new PaletteClient({ endpoint: emu.url, apiKey: KEY, project: "Default", retry: { baseDelayMs: 5 } });
    const pcg = await client.pcg.ensureSelfHosted("pcg-persist");
    await client.pcg.jetManifest(pcg.overlordUid);
    const account = await client.accounts.create({ name: "acct", overlordUid: pcg.overlordUid, credentials: { NUTANIX_USER: "u", NUTANIX_PASSWORD: "p-secret-9" } });
    client.close();
    emu.child.kill("SIGTERM");
    await exited(emu.child);

    emu = await start(["--port", "0", "--state", state, "--step-ms", "20", "--quiet"]);
    client = new PaletteClient({ endpoint: emu.url, apiKey: KEY, project: "Default", retry: { baseDelayMs: 5 } });
    assert.equal((await client.pcg.get(pcg.overlordUid))?.status?.state, "Importing", "the manifest download was remembered");
    assert.equal((await client.accounts.get(account))?.metadata?.name, "acct");
    const second = await client.pcg.ensureSelfHosted("pcg-after");
    client.close();
    emu.child.kill("SIGKILL");
    await exited(emu.child);

    emu = await start(["--port", "0", "--state", state, "--quiet"]);
    client = new PaletteClient({ endpoint: emu.url, apiKey: KEY, retry: { baseDelayMs: 5 } });
    assert.deepEqual((await client.pcg.list()).map((o) => o.metadata?.uid), [pcg.overlordUid, second.overlordUid]);
    client.close();
    emu.child.kill("SIGTERM");
    await exited(emu.child);
    const files = await fsp.readdir(dir);
    assert.deepEqual(files, ["state.json"], "no temp file left behind");
    const text = await fsp.readFile(state, "utf8");
    assert.equal(JSON.parse(text).version, 1);
    assert.ok(!text.includes(KEY) && !text.includes("p-secret-9"), "neither the key nor the password is stored");
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
