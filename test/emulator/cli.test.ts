/**
 * The CLI as a real child process: the listening line, flags, clean shutdown, and crash safety
 * (SIGKILL in the middle of a burst of writes loses no acknowledged write).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { deterministicUuid } from "../../lib/emulator";
import { rawRequest, tempDir } from "../helpers/emulator";

const BIN = path.join(__dirname, "..", "..", "bin", "prism-emulator.js");
const AUTH = { username: "admin", password: "Nutanix/4u" };

interface Started {
  child: ChildProcess;
  line: string;
  url: string;
  stderr: () => string;
}

function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 20_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^prism-emulator listening on (\S+).*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, line: m[0], url: m[1]!, stderr: () => err });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening; stderr: ${err}`));
    });
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

test("--help, bad flags (exit 2), listening line, SIGTERM shutdown, https prints the CA file", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--fault-rate/);
  const bad = await run(["--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bogus/);
  const badNum = await run(["--fault-rate", "2"]);
  assert.equal(badNum.code, 2);
  assert.match(badNum.stderr, /--fault-rate: expected a number from 0 to 1, got "2"/);
  const dir = await tempDir();
  const badSeed = path.join(dir, "bad-seed.json");
  await fsp.writeFile(badSeed, JSON.stringify({ clusters: [{ name: "" }] }));
  const seedErr = await run(["--port", "0", "--seed", badSeed]);
  assert.equal(seedErr.code, 2);
  assert.match(seedErr.stderr, /seed\.clusters\[0\]\.name: expected a non-empty name/);

  const s = await start(["--port", "0", "--https", "--state", path.join(dir, "state.json"), "--username", "u1", "--password", "p1"]);
  try {
    assert.match(s.line, /^prism-emulator listening on https:\/\/127\.0\.0\.1:\d+ username u1 password p1 ca \S+\.pem state \S+$/);
    const ca = await fsp.readFile(/ ca (\S+)/.exec(s.line)![1]!, "utf8");
    const me = await rawRequest(s.url, "GET", "/api/nutanix/v3/users/me", { basic: { username: "u1", password: "p1" }, ca });
    assert.equal(me.status, 200);
    assert.match(String(me.headers["set-cookie"]), /NTNX_IGW_SESSION=/);
  } finally {
    s.child.kill("SIGTERM");
  }
  const ex = await exited(s.child);
  assert.equal(ex.code, 0);
});

test("SIGKILL mid-burst: the state file parses and every acknowledged (202) write is present after restart", async () => {
  const dir = await tempDir();
  const statePath = path.join(dir, "state.json");
  const s = await start(["--port", "0", "--state", statePath, "--task-ms", "50", "--quiet"]);
  const pe1 = deterministicUuid("cluster", "PE-1");
  const net = deterministicUuid("subnet", "vm-net-20");
  const acked: string[] = [];
  const sent: string[] = [];
  let killed = false;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; !killed && i < 200; i++) {
      // No metadata.uuid: a real PC accepts only reserved ones; the 202 names the uuid it chose.
      sent.push(`${w}-${i}`);
      const body = {
        metadata: { kind: "vm" },
        spec: { name: `burst-${w}-${i}`, cluster_reference: { kind: "cluster", uuid: pe1 }, resources: { nic_list: [{ subnet_reference: { kind: "subnet", uuid: net } }] } },
      };
      try {
        const r = await rawRequest(s.url, "POST", "/api/nutanix/v3/vms", { body, basic: AUTH });
        if (r.status === 202) acked.push((r.json as { metadata: { uuid: string } }).metadata.uuid);
        if (acked.length >= 25 && !killed) {
          killed = true;
          s.child.kill("SIGKILL");
        }
      } catch {
        return; // connection refused/reset once killed
      }
    }
  };
  await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
  const ex = await exited(s.child);
  assert.equal(ex.signal, "SIGKILL");
  assert.ok(acked.length >= 25);
  assert.ok(sent.length > acked.length || sent.length === acked.length);

  const text = await fsp.readFile(statePath, "utf8");
  const onDisk = JSON.parse(text) as { vms: Record<string, unknown> };
  for (const u of acked) assert.ok(onDisk.vms[u], `acknowledged ${u} is in the state file`);

  const s2 = await start(["--port", "0", "--state", statePath, "--quiet"]);
  try {
    for (const u of acked) {
      const r = await rawRequest(s2.url, "GET", `/api/nutanix/v3/vms/${u}`, { basic: AUTH });
      assert.equal(r.status, 200, `GET ${u} after restart`);
    }
    const list = await rawRequest(s2.url, "POST", "/api/nutanix/v3/vms/list", { body: { length: 500 }, basic: AUTH });
    const ips = (list.json as { entities: Array<{ status: { resources: { nic_list: Array<{ ip_endpoint_list: Array<{ ip: string }> }> } } }> }).entities.map(
      (e) => e.status.resources.nic_list[0]!.ip_endpoint_list[0]!.ip,
    );
    assert.equal(new Set(ips).size, ips.length, "no address handed out twice");
  } finally {
    s2.child.kill("SIGINT");
  }
  assert.equal((await exited(s2.child)).code, 0);
});
