/**
 * The reliability suite's shared parts (short forms in test/reliability, long forms in
 * test/reliability/long): the estate and seed, the invariants checked after every final run (no
 * duplicate VM, no leaked VM, unowned VMs untouched), the handler CLI as a child process that can be
 * SIGKILLed, and the fault scenario. Every loop is bounded in count and time; everything binds and
 * connects to 127.0.0.1 only.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { applyPlan } from "../../lib/handler";
import { mulberry32, type Counters } from "../../lib/emulator";
import type { Plan } from "../../lib/schema/plan";
import { BENCH_PE, BENCH_SEED, BENCH_SUBNET, estatePlan, type EstateParams } from "../../bench/common";
import { tempDir, withEmulator, type EmulatorHarness } from "../helpers/emulator";

export const HANDLER_BIN = path.join(__dirname, "..", "..", "bin", "nutanix-handler.js");

/**
 * The seed: the bench seed plus unowned VMs whose names look like ours (`k0-w0-99` would be a
 * scale-down candidate of pool w0, `k0-cp-7` of the control plane): they lack the ownership
 * categories, so the handler must never touch them.
 */
export const REL_SEED = {
  ...BENCH_SEED,
  vms: [
    ...BENCH_SEED.vms,
    { name: "k0-w0-99", cluster: BENCH_PE, subnet: BENCH_SUBNET, powerState: "ON" as const },
    { name: "k0-cp-7", cluster: BENCH_PE, subnet: BENCH_SUBNET, powerState: "OFF" as const },
  ],
};
export const UNOWNED_NAMES = REL_SEED.vms.map((v) => v.name).sort();

export interface StateVm {
  uuid: string;
  spec: { name: string } & Record<string, unknown>;
  metadata: { spec_version: number; categories: Record<string, string> };
  deleteTask?: string;
}

/** Every VM the emulator holds, pending creates and deletes included. */
export async function stateVms(h: EmulatorHarness): Promise<StateVm[]> {
  const s = await h.admin<{ vms: Record<string, StateVm> }>("GET", "/state");
  return Object.values(s.vms);
}

/** The names the plan wants: `<cluster>-<pool>-<n>` for every pool. */
export function desiredNames(plan: Plan): string[] {
  const out: string[] = [];
  for (const r of plan.resources) {
    if (r.kind !== "NodePool") continue;
    const s = r.spec as { clusterName: string; name: string; replicas: number };
    for (let n = 1; n <= s.replicas; n++) out.push(`${s.clusterName}-${s.name}-${n}`);
  }
  return out.sort();
}

/** A fingerprint of the unowned VMs (spec_version and spec) to compare before/after. */
export async function unownedFingerprint(h: EmulatorHarness, stack: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const v of await stateVms(h)) {
    if (v.metadata.categories?.NpcStack === stack) continue;
    out[v.spec.name] = JSON.stringify({ specVersion: v.metadata.spec_version, spec: v.spec, categories: v.metadata.categories, deleting: v.deleteTask !== undefined });
  }
  return out;
}

/**
 * The invariants after a final run: the stack's VMs are exactly `expected` (a rolled VM keeps its
 * ordinal with a `-<hash6>` suffix), no duplicate name, none half-deleted, and the unowned VMs are
 * byte-for-byte what they were.
 */
export async function assertConverged(h: EmulatorHarness, stack: string, expected: string[], unowned: Record<string, string>, what: string): Promise<void> {
  const vms = await stateVms(h);
  const owned = vms.filter((v) => v.metadata.categories?.NpcStack === stack);
  const names = owned.map((v) => v.spec.name).sort();
  const dups = names.filter((n, i) => names.indexOf(n) !== i);
  assert.deepEqual(dups, [], `${what}: duplicate VMs ${dups.join(", ")}`);
  assert.deepEqual(names.map((n) => n.replace(/-[0-9a-f]{6}$/, "")).sort(), [...expected].sort(), `${what}: leaked or missing VMs (have ${names.join(", ")})`);
  const half = owned.filter((v) => v.deleteTask !== undefined).map((v) => v.spec.name);
  assert.deepEqual(half, [], `${what}: VMs left half-deleted`);
  // Nobody else's VM may share a name with ours either (a duplicate by name across ownership).
  const all = vms.map((v) => v.spec.name);
  for (const n of names) assert.equal(all.filter((x) => x === n).length, 1, `${what}: VM name ${n} held by more than one VM`);
  assert.deepEqual(await unownedFingerprint(h, stack), unowned, `${what}: an unowned VM changed`);
}

// ------------------------------------------------------------------ the CLI as a child process

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  ms: number;
}

/**
 * Runs `nutanix-handler <args>` as a child process against the emulator; when `killAfterMs` is set,
 * SIGKILLs it then (if it is still running). Bounded by `timeoutMs` (then SIGKILL and a failure).
 */
export function runCli(h: EmulatorHarness, args: string[], opts: { killAfterMs?: number; killWhen?: () => boolean; timeoutMs?: number } = {}): Promise<CliRun> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [HANDLER_BIN, ...args, "--endpoint", h.emu.url], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const timers: NodeJS.Timeout[] = [];
  let timedOut = false;
  if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs));
  const killWhen = opts.killWhen;
  if (killWhen) {
    // Progress, not time: checked every 5 ms against the in-process emulator's counters.
    const poll = setInterval(() => {
      if (!killWhen()) return;
      clearInterval(poll);
      child.kill("SIGKILL");
    }, 5);
    timers.push(poll);
  }
  timers.push(
    setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 60_000),
  );
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      timers.forEach((t) => clearTimeout(t));
      if (timedOut) reject(new Error(`nutanix-handler ${args.join(" ")} timed out; stderr:\n${stderr}`));
      else resolve({ code, signal, stderr, stdout, ms: Date.now() - t0 });
    });
  });
}

/** Writes a plan to a file in `dir`. */
export async function writePlan(dir: string, name: string, plan: Plan): Promise<string> {
  const f = path.join(dir, name);
  await fsp.writeFile(f, `${JSON.stringify(plan, null, 2)}\n`);
  return f;
}

// ------------------------------------------------------------------ kill-and-rerun

export interface KillStats {
  cycles: number;
  kills: number;
  killedMidRun: number;
  finishedBeforeKill: number;
  processes: number;
  ms: number;
}

export interface KillOptions {
  cycles: number;
  seed: number;
  /** Kills before each final run (1..maxKills, seeded). @default 1 */
  maxKills?: number;
  taskMs?: number;
  /** Upper bound of the random kill delay after spawn (ms), with the `timer` trigger. */
  killWindowMs?: number;
  /**
   * What triggers a kill: `timer` (a random delay after spawn) or `writes` (the k-th write the emulator saw
   * from that process, k seeded in 1..one less than the writes of the phase's last final run, 1..2 before there is one: the lock take and one more).
   * @default "timer"
   */
  trigger?: "timer" | "writes";
  log?: (line: string) => void;
}

/** The two plans of a cycle, built with the constructs: A, then B (w0 scaled up, w1 scaled down: creates and deletes). */
export function killPlans(): { a: Plan; b: Plan } {
  const base: EstateParams = { stack: "rel", clusters: 1, workerPools: 2, replicas: 3 };
  return { a: estatePlan(base), b: estatePlan({ ...base, replicasByPool: { w0: 5, w1: 1 } }) };
}

/**
 * Cycles of: apply A (SIGKILLed at a random point, 1..maxKills times) → apply A to completion →
 * check; apply B (killed) → apply B → check; destroy --yes (killed) → destroy → check nothing of the
 * stack is left. Unowned VMs are compared after every final run.
 */
export async function killAndRerun(o: KillOptions): Promise<KillStats> {
  const rnd = mulberry32(o.seed);
  const { a, b } = killPlans();
  const stack = a.metadata.stack;
  const stats: KillStats = { cycles: 0, kills: 0, killedMidRun: 0, finishedBeforeKill: 0, processes: 0, ms: 0 };
  const t0 = Date.now();
  const window = o.killWindowMs ?? 1500;
  await withEmulator({ seed: REL_SEED, taskMs: o.taskMs ?? 150, latencyMs: 1 }, async (h) => {
    const dir = await tempDir("npc-rel-kill-");
    try {
      const fa = await writePlan(dir, "a.json", a);
      const fb = await writePlan(dir, "b.json", b);
      const unowned = await unownedFingerprint(h, stack);
      const lastWrites = new Map<string, number>();
      const killOpts = (key: string): { killAfterMs: number } | { killWhen: () => boolean } => {
        if (o.trigger !== "writes") {
          // The handler process takes ~300 ms to start; kill anywhere in [150 ms, window).
          return { killAfterMs: Math.round(150 + rnd() * (window - 150)) };
        }
        // The last write of a run is its lock release: kill at or before the one before it.
        const span = Math.max(1, (lastWrites.get(key) ?? 3) - 1);
        const kth = 1 + Math.floor(rnd() * span);
        const from = h.emu.counters().writes;
        return { killWhen: () => h.emu.counters().writes - from >= kth };
      };
      const phase = async (args: string[], what: string): Promise<void> => {
        const key = args.join(" ");
        const kills = 1 + Math.floor(rnd() * (o.maxKills ?? 1));
        for (let k = 0; k < kills; k++) {
          const r = await runCli(h, [...args, "--quiet"], killOpts(key));
          stats.processes++;
          stats.kills++;
          if (r.signal === "SIGKILL") stats.killedMidRun++;
          else stats.finishedBeforeKill++;
          if (r.signal !== "SIGKILL") assert.ok(r.code === 0 || r.code === 1, `${what}: unexpected exit ${r.code}: ${r.stderr}`);
        }
        const before = h.emu.counters().writes;
        const final = await runCli(h, [...args, "--quiet"]);
        lastWrites.set(key, h.emu.counters().writes - before);
        stats.processes++;
        assert.equal(final.code, 0, `${what}: the final run failed (exit ${final.code}):\n${final.stderr}`);
      };
      for (let c = 0; c < o.cycles; c++) {
        await phase(["apply", "--plan", fa], `cycle ${c} apply A`);
        await assertConverged(h, stack, desiredNames(a), unowned, `cycle ${c} after apply A`);
        await phase(["apply", "--plan", fb], `cycle ${c} apply B`);
        await assertConverged(h, stack, desiredNames(b), unowned, `cycle ${c} after apply B`);
        await phase(["destroy", "--plan", fb, "--yes"], `cycle ${c} destroy`);
        await assertConverged(h, stack, [], unowned, `cycle ${c} after destroy`);
        stats.cycles++;
        o.log?.(`kill-and-rerun: cycle ${c + 1}/${o.cycles} ok (${stats.kills} kills so far, ${stats.killedMidRun} mid-run)`);
      }
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
  stats.ms = Date.now() - t0;
  return stats;
}

// ------------------------------------------------------------------ faults

export interface FaultStats {
  vms: number;
  runs: number;
  retries: number;
  requests: number;
  ms: number;
  faults: Counters["faults"];
  bursts: number;
}

export interface FaultOptions {
  estate: EstateParams;
  seed: number;
  /** Apply runs allowed before giving up (what a user would do: run apply again). */
  maxRuns: number;
  taskMs?: number;
  /** The first N tasks fail (on top of the 2 %), so a short run surely meets a failed task. */
  failNextTasks?: number;
  log?: (line: string) => void;
}

/**
 * Apply under 10 % 5xx (500/503), 5 % connection resets (half after the write was applied), 2 %
 * failed tasks and 429 bursts (every ~1 s, 250 ms of 429 to everything): re-run apply until it
 * succeeds (at most maxRuns), then check the invariants. Resolves with the figures.
 */
export async function applyUnderFaults(o: FaultOptions): Promise<FaultStats> {
  const plan = estatePlan(o.estate);
  const t0 = Date.now();
  return withEmulator(
    { seed: REL_SEED, taskMs: o.taskMs ?? 100, latencyMs: 2, faults: { errorRate: 0.1, resetRate: 0.05, taskFailureRate: 0.02, retryAfterSeconds: 1, seed: o.seed, failNextTasks: o.failNextTasks ?? 0 } },
    async (h) => {
      const unowned = await unownedFingerprint(h, plan.metadata.stack);
      const env = { NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password };
      let bursts = 0;
      let stop = false;
      // 429 bursts: bounded by the apply runs (stops when they finish) and by a hard cap of 600 bursts.
      const burster = (async () => {
        for (let i = 0; i < 600 && !stop; i++) {
          await new Promise((r) => setTimeout(r, 1000));
          if (stop) break;
          await h.admin("PUT", "/faults", { rateLimitRate: 1 });
          bursts++;
          await new Promise((r) => setTimeout(r, 250));
          await h.admin("PUT", "/faults", { rateLimitRate: 0 });
        }
      })();
      let runs = 0;
      let retries = 0;
      let requests = 0;
      let last;
      try {
        for (; runs < o.maxRuns; ) {
          runs++;
          last = await applyPlan({ plan, endpoint: h.emu.url, env, parallelism: 10, poll: { initialDelayMs: 20, maxDelayMs: 200 } });
          retries += last.api.retries;
          requests += last.api.requests;
          o.log?.(`faults: run ${runs}: exit ${last.exitCode}, ${last.api.requests} requests, ${last.api.retries} retries`);
          if (last.exitCode === 0) break;
        }
      } finally {
        stop = true;
        await burster;
        await h.admin("PUT", "/faults", { rateLimitRate: 0, errorRate: 0, resetRate: 0, taskFailureRate: 0 });
      }
      assert.equal(last?.exitCode, 0, `apply did not converge in ${o.maxRuns} runs: ${JSON.stringify(last?.resources.filter((r) => r.result !== "ok").map((r) => `${r.id}: ${r.error}`))}`);
      await assertConverged(h, plan.metadata.stack, desiredNames(plan), unowned, "after apply under faults");
      // And a fault-free re-apply is a no-op.
      const again = await applyPlan({ plan, endpoint: h.emu.url, env });
      assert.equal(again.api.writes, 0, "the re-apply after convergence writes nothing");
      const c = h.emu.counters();
      return { vms: desiredNames(plan).length, runs, retries, requests, ms: Date.now() - t0, faults: c.faults, bursts };
    },
  );
}
