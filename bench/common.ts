/**
 * Shared pieces of the benchmarks: the estates (built with this library's constructs), the seed of
 * the emulator they run against, an emulator in a child process (the real deployment shape: Prism
 * Central is another process) with its admin API, and small statistics helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import * as Library from "../lib";
import type { NutanixStack } from "../lib";
import { BENCH_IMAGE, BENCH_PE, BENCH_SUBNET, buildEstateWith, type EstateParams } from "./estate";
import type { Counters } from "../lib/emulator";
import type { Plan } from "../lib/schema/plan";

export const ROOT = path.join(__dirname, "..");
export const EMULATOR_BIN = path.join(ROOT, "bin", "prism-emulator.js");
export const HANDLER_BIN = path.join(ROOT, "bin", "nutanix-handler.js");

export { BENCH_IMAGE, BENCH_PE, BENCH_SUBNET, type EstateParams } from "./estate";

/**
 * The seed of every benchmark: two PE clusters, a /16 node subnet with ~4000 IPAM addresses (1000-VM
 * runs fit), the image, and two unowned VMs that must never be touched.
 */
export const BENCH_SEED = {
  prismCentral: { name: "pc-bench" },
  clusters: [{ name: BENCH_PE }, { name: "PE-2" }],
  subnets: [{ name: BENCH_SUBNET, cluster: BENCH_PE, vlanId: 40, cidr: "10.40.0.0/16", gateway: "10.40.0.1", pools: ["10.40.16.0-10.40.31.255"] }],
  images: [{ name: BENCH_IMAGE, sizeBytes: 4294967296 }, { name: "rockylinux-9-kube-v1.30.5", sizeBytes: 5368709120 }],
  vms: [
    { name: "legacy-db-01", cluster: BENCH_PE, subnet: BENCH_SUBNET, powerState: "ON" as const },
    { name: "legacy-app-01", cluster: BENCH_PE, subnet: BENCH_SUBNET, powerState: "OFF" as const },
  ],
};

/** Builds an estate with the library's constructs (its TypeScript source) into `app`. */
export function buildEstate(app: App, p: EstateParams): NutanixStack {
  return buildEstateWith(Library, app, p);
}

/** The plan of an estate (NutanixStack.toPlan(); nothing is synthesized). */
export function estatePlan(p: EstateParams): Plan {
  const app = new App({ outdir: path.join(os.tmpdir(), "npc-bench-never-synthesized") });
  return buildEstate(app, p).toPlan();
}

/** The plan resource id of a cluster's control-plane pool. */
export function cpId(stack: string, cluster = "k0"): string {
  return `${stack}/${cluster}/cp`;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ------------------------------------------------------------------ the emulator as a child process

export interface EmulatorProcessOptions {
  latencyMs?: number;
  taskMs?: number;
  /** VM create / update / delete task durations (ms), overriding taskMs. @default taskMs */
  createTaskMs?: number;
  updateTaskMs?: number;
  deleteTaskMs?: number;
  /** Persist to a state file in a temp directory (what the CLI and terraform's local-exec use). @default true */
  persist?: boolean;
  seed?: object;
}

export interface EmulatorProcess {
  url: string;
  username: string;
  password: string;
  dir: string;
  statePath?: string;
  child: ChildProcess;
  admin<T>(method: string, p: string, body?: object): Promise<T>;
  counters(): Promise<Counters>;
  resetCounters(): Promise<void>;
  /** Every VM in the state (pending creates included). */
  stateVms(): Promise<StateVm[]>;
  stop(): Promise<void>;
}

export interface StateVm {
  uuid: string;
  spec: { name: string; resources?: Record<string, unknown> };
  metadata: { spec_version: number; categories: Record<string, string> };
  deleteTask?: string;
}

/** An admin/raw request to a loopback emulator (bounded by a 60 s timeout). */
export function adminRequest<T>(url: string, auth: { username: string; password: string }, method: string, p: string, body?: object): Promise<T> {
  const u = new URL(`/_emulator${p}`, url);
  if (u.hostname !== "127.0.0.1") throw new Error(`benchmarks talk to 127.0.0.1 only, not ${u.hostname}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      u,
      {
        method,
        agent: false,
        timeout: 60_000,
        headers: {
          Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`,
          Accept: "application/json",
          ...(payload !== undefined ? { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(payload)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`admin ${method} ${p}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text) as T);
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`admin ${method} ${p}: timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Starts `prism-emulator` as a child process on an ephemeral 127.0.0.1 port. Always `stop()` it. */
export async function startEmulatorProcess(o: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  const dir = tempDir("npc-bench-emu-");
  const seedFile = path.join(dir, "seed.json");
  fs.writeFileSync(seedFile, JSON.stringify(o.seed ?? BENCH_SEED));
  const statePath = o.persist === false ? undefined : path.join(dir, "state.json");
  const args = [EMULATOR_BIN, "--host", "127.0.0.1", "--port", "0", "--seed", seedFile, "--quiet", "--task-ms", String(o.taskMs ?? 500), "--latency-ms", String(o.latencyMs ?? 0)];
  if (statePath) args.push("--state", statePath);
  if (o.createTaskMs !== undefined) args.push("--create-task-ms", String(o.createTaskMs));
  if (o.updateTaskMs !== undefined) args.push("--update-task-ms", String(o.updateTaskMs));
  if (o.deleteTaskMs !== undefined) args.push("--delete-task-ms", String(o.deleteTaskMs));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`prism-emulator did not start within 30 s: ${err}`));
    }, 30_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^prism-emulator listening on .*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`prism-emulator exited ${code}: ${err}`));
    });
  });
  const m = /listening on (\S+) username (\S+) password (\S+)/.exec(line)!;
  const url = m[1]!;
  const auth = { username: m[2]!, password: m[3]! };
  const admin = <T>(method: string, p: string, body?: object): Promise<T> => adminRequest<T>(url, auth, method, p, body);
  return {
    url,
    ...auth,
    dir,
    ...(statePath ? { statePath } : {}),
    child,
    admin,
    counters: () => admin<Counters>("GET", "/counters"),
    resetCounters: async () => {
      await admin("DELETE", "/counters");
    },
    stateVms: async () => Object.values((await admin<{ vms: Record<string, StateVm> }>("GET", "/state")).vms),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await done;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ statistics and printing

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function mib(bytes: number): number {
  return round(bytes / 1048576, 1);
}

/** A fixed-width table of rows. */
export function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return "";
  const cols = Object.keys(rows[0]!);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? "").length)));
  const line = (vals: string[]): string => vals.map((v, i) => v.padEnd(width[i]!)).join("  ").trimEnd();
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c] ?? ""))))].join("\n");
}

/** The verdict of a ratio against its goal. */
export function verdict(value: number, goal: number, lowerIsBetter = true): "meets" | "MISSES" {
  return (lowerIsBetter ? value <= goal : value >= goal) ? "meets" : "MISSES";
}

/** Route counts of interest from emulator counters. */
export function routeCount(c: Counters, route: string): number {
  return c.byRoute[route] ?? 0;
}
