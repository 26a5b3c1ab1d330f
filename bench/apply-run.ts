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
import * as path from "node:path";
import { cpId, routeCount, startEmulatorProcess, type EmulatorProcess, type EmulatorProcessOptions, type EstateParams } from "./common";
import { finishRoundTrips, isVmCreate, startRecorderProcess, startupRoundTrips, type RecorderProcess } from "./recorder";

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
  /** Task duration of anything not overridden below. */
  taskMs: number;
  /** VM create / update / delete task durations. @default taskMs */
  createTaskMs?: number;
  updateTaskMs?: number;
  deleteTaskMs?: number;
  /** Persist the emulator state to a file (group commit). */
  persist: boolean;
}

/** The emulator of a run plus a recording proxy in front of it (the handler talks to the proxy). */
export interface RecordedEmulator extends EmulatorProcess {
  recorder: RecorderProcess;
  /** The task durations cache of the run (one per emulator: the warm-up fills it, as an earlier `cdktf deploy` would). */
  durationsFile: string;
}

/** One row's run, measured with the start-up round trips on the critical path and the polls per task. */
export interface RowMeasure extends ApplyMeasure {
  /** Sequential requests before the first VM create (recorder.startupRoundTrips). */
  startupRoundTrips: number;
  /** Sequential requests after the last task poll (not in the floor; reported to explain the gap). */
  finishRoundTrips: number;
  /** VM create tasks (POST /vms answers). */
  tasks: number;
  /** GET /tasks/{uuid} ÷ tasks. */
  pollsPerTask: number;
  /** When the first VM create was sent, ms from the start. */
  firstCreateSentMs?: number;
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
  const emu = await startEmulatorProcess(emulatorOptions(env));
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

function emulatorOptions(env: ApplyEnv): EmulatorProcessOptions {
  return {
    latencyMs: env.latencyMs,
    taskMs: env.taskMs,
    persist: env.persist,
    ...(env.createTaskMs !== undefined ? { createTaskMs: env.createTaskMs } : {}),
    ...(env.updateTaskMs !== undefined ? { updateTaskMs: env.updateTaskMs } : {}),
    ...(env.deleteTaskMs !== undefined ? { deleteTaskMs: env.deleteTaskMs } : {}),
  };
}

/** An emulator process with a recording proxy in front; both stopped after `fn`. */
export async function withRecordedEmulator<T>(env: ApplyEnv, fn: (emu: RecordedEmulator) => Promise<T>): Promise<T> {
  const emu = await startEmulatorProcess(emulatorOptions(env));
  const recorder = await startRecorderProcess(emu.url);
  try {
    return await fn({ ...emu, url: recorder.url, recorder, durationsFile: path.join(emu.dir, "task-durations.json") });
  } finally {
    await recorder.stop();
    await emu.stop();
  }
}

/** Warm-up (the control planes, through the proxy, filling the durations cache), then the measured apply of the worker pools. */
export async function measureRow(emu: RecordedEmulator, plan: Plan, p: EstateParams, parallelism: number, floorOf: (startupRoundTrips: number) => number, around: <T>(fn: () => Promise<T>) => Promise<T>): Promise<RowMeasure> {
  for (let c = 0; c < p.clusters; c++) {
    const r = await applyPlan({ plan, resource: cpId(p.stack, `k${c}`), endpoint: emu.url, credentials: emu, parallelism: 10, taskDurationsFile: emu.durationsFile });
    check(r, `warm-up apply of ${cpId(p.stack, `k${c}`)}`);
  }
  await emu.resetCounters();
  await emu.recorder.reset();
  const t0 = Date.now();
  const r = await around(() => applyPlan({ plan, endpoint: emu.url, credentials: emu, parallelism, taskDurationsFile: emu.durationsFile }));
  const wallMs = Date.now() - t0;
  check(r, `apply of ${workerVms(p)} VMs at parallelism ${parallelism}`);
  const c: Counters = await emu.counters();
  const vms = workerVms(p);
  const tasks = routeCount(c, "POST /vms");
  const polls = routeCount(c, "GET /tasks/{uuid}");
  const requests = await emu.recorder.requests();
  const startup = startupRoundTrips(requests);
  const idealMs = floorOf(startup);
  const created = requests.filter(isVmCreate);
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
    taskPolls: polls,
    pollsPerVm: polls / vms,
    clientRetries: r.api.retries,
    byRoute: c.byRoute,
    startupRoundTrips: startup,
    finishRoundTrips: finishRoundTrips(requests),
    tasks,
    pollsPerTask: tasks > 0 ? polls / tasks : 0,
    ...(created.length > 0 ? { firstCreateSentMs: Math.min(...created.map((x) => x.start)) - t0 } : {}),
  };
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
