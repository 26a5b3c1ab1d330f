/**
 * One measured apply of an estate: a fresh emulator process, the control plane applied first (not
 * measured: the estate's measured VMs are exactly its worker pools), then `applyPlan` of the whole
 * plan in this process (the programmatic handler API), timed and counted through the emulator's
 * counters and the client's stats.
 */
import { applyPlan } from "../lib/handler";
import type { Counters } from "../lib/emulator";
import type { RunResult } from "../lib/handler";
import type { Plan } from "../lib/schema/plan";
import { cpId, routeCount, startEmulatorProcess, type EmulatorProcess, type EstateParams } from "./common";

export interface ApplyMeasure {
  vms: number;
  parallelism: number;
  wallMs: number;
  /** ceil(vms / parallelism) × taskMs. */
  idealMs: number;
  ratio: number;
  apiCalls: number;
  writes: number;
  callsPerVm: number;
  writesPerVm: number;
  taskPolls: number;
  pollsPerVm: number;
  clientRetries: number;
  /** Requests per route, as the emulator counted them. */
  byRoute: Record<string, number>;
  /** When the first and the last VM create finished (task seen SUCCEEDED), ms from the start, from the progress lines. */
  firstVmDoneMs?: number;
  lastVmDoneMs?: number;
}

export interface NoopMeasure {
  resources: number;
  vms: number;
  wallMs: number;
  writes: number;
  reads: number;
  readsPerResource: number;
  readsPerVm: number;
  byRoute: Record<string, number>;
}

export interface ApplyEnv {
  latencyMs: number;
  taskMs: number;
  /** Persist the emulator state to a file (group commit). */
  persist: boolean;
}

/** Counts the VMs of the estate's worker pools. */
export function workerVms(p: EstateParams): number {
  return p.clusters * p.workerPools * p.replicas;
}

function check(r: RunResult, what: string): void {
  if (r.exitCode !== 0) {
    const bad = r.resources.filter((x) => x.result !== "ok").map((x) => `${x.id}: ${x.error ?? x.result}`);
    throw new Error(`${what} failed:\n${bad.join("\n")}`);
  }
}

export async function withEstateEmulator<T>(env: ApplyEnv, fn: (emu: EmulatorProcess) => Promise<T>): Promise<T> {
  const emu = await startEmulatorProcess({ latencyMs: env.latencyMs, taskMs: env.taskMs, persist: env.persist });
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

/** Applies the control planes of every cluster (warm-up, not measured). */
export async function applyControlPlanes(emu: EmulatorProcess, plan: Plan, p: EstateParams): Promise<void> {
  for (let c = 0; c < p.clusters; c++) {
    const r = await applyPlan({ plan, resource: cpId(p.stack, `k${c}`), endpoint: emu.url, credentials: emu, parallelism: 10 });
    check(r, `warm-up apply of ${cpId(p.stack, `k${c}`)}`);
  }
}

/** The measured apply of the whole plan. */
export async function measureApply(emu: EmulatorProcess, plan: Plan, p: EstateParams, parallelism: number, env: ApplyEnv): Promise<ApplyMeasure> {
  await emu.resetCounters();
  const lines: Array<{ t: number; line: string }> = [];
  const t0 = Date.now();
  const r = await applyPlan({ plan, endpoint: emu.url, credentials: emu, parallelism, log: (line) => lines.push({ t: Date.now() - t0, line }) });
  const wallMs = Date.now() - t0;
  check(r, `apply of ${workerVms(p)} VMs at parallelism ${parallelism}`);
  const c: Counters = await emu.counters();
  const vms = workerVms(p);
  const idealMs = Math.ceil(vms / parallelism) * env.taskMs;
  const created = lines.filter((l) => / created \S+ \(/.test(l.line));
  return {
    vms,
    parallelism,
    wallMs,
    idealMs,
    ratio: wallMs / idealMs,
    apiCalls: c.total,
    writes: c.writes,
    callsPerVm: c.total / vms,
    writesPerVm: c.writes / vms,
    taskPolls: routeCount(c, "GET /tasks/{uuid}"),
    pollsPerVm: routeCount(c, "GET /tasks/{uuid}") / vms,
    clientRetries: r.api.retries,
    byRoute: c.byRoute,
    ...(created.length > 0 ? { firstVmDoneMs: created[0]!.t, lastVmDoneMs: created[created.length - 1]!.t } : {}),
  };
}

/** A no-op re-apply of the same plan: writes (goal 0) and reads. */
export async function measureNoop(emu: EmulatorProcess, plan: Plan, p: EstateParams): Promise<NoopMeasure> {
  await emu.resetCounters();
  const t0 = Date.now();
  const r = await applyPlan({ plan, endpoint: emu.url, credentials: emu, parallelism: 10 });
  const wallMs = Date.now() - t0;
  check(r, "no-op re-apply");
  const c = await emu.counters();
  const vms = workerVms(p) + p.clusters * (p.cpReplicas ?? 1);
  return {
    resources: plan.resources.length,
    vms,
    wallMs,
    writes: c.writes,
    reads: c.reads,
    readsPerResource: c.reads / plan.resources.length,
    readsPerVm: c.reads / vms,
    byRoute: c.byRoute,
  };
}
