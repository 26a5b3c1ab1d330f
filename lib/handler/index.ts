/**
 * The handler's programmatic API: validatePlan, planDiff, applyPlan, destroyPlan. The CLI
 * (nutanix-handler) is a thin layer over these; tests call them directly.
 *
 * Bad input (a plan that fails the schema or its integrity checks, an unknown --resource, missing
 * credentials) throws HandlerInputError before any API call. Everything else resolves to a RunResult
 * whose `exitCode` is 0 (everything ok) or 1 (something failed; the rows say what and why).
 */
import { PrismClient, type RetryOptions } from "../prism/client";
import { loadPlanFile, parsePlan } from "../plan/load";
import type { Plan, PlanResource, ResourceOfKind } from "../schema/plan";
import { ValidationError } from "../schema/validation";
import * as path from "node:path";
import { RunContext, defaultFeatures, type PollOptions, type RunFeatures } from "./context";
import { DEFAULT_ENDPOINT_POLL, DEFAULT_ENDPOINT_TIMEOUT_S, ENDPOINT_READINESS_MODES, type EndpointPoll, type EndpointReadinessMode } from "./endpoints";
import { removeBundle } from "./bundle-files";
import { paletteLeftovers, pcgBundleDir } from "./reconcilers/private-cloud-gateway";
import type { NodeOutcome } from "./scheduler";
import { deleteGroup, deleteSteps, orphanGroups, ownedGroups } from "./destroy";
import { Progress, summaryTable } from "./progress";
import { applyResource, diffResource, type PlannedResource } from "./reconcilers";
import { runGraph } from "./scheduler";
import { HandlerInputError, resolveTarget, type Target, type TargetOptions } from "./target";
import type { ResourceDiff, ResourceResult, RunResult } from "./types";
import { resourceHash } from "./ownership";
import { formatPlan } from "./diff/format";

export { HandlerInputError, resolveTarget, type Credentials, type Target, type TargetOptions } from "./target";
export type { FieldChange, ResourceAction, ResourceDiff, ResourceResult, RunResult, VmChange } from "./types";
export { formatPlan, formatResourceDiff } from "./diff/format";
export { summaryTable, formatMs, formatTable } from "./progress";
export * as ownership from "./ownership";
export { DEFAULT_ENDPOINT_TIMEOUT_S, detectEmulator, tcpConnect, waitUntil, type EndpointPoll, type EndpointReadinessMode } from "./endpoints";
export { BUNDLE_FILE_NAMES, bundleDirOf, removeBundle, writeBundle } from "./bundle-files";
export { paletteLeftovers } from "./reconcilers/private-cloud-gateway";

/** Options shared by every command. */
export interface HandlerOptions extends TargetOptions {
  /** A parsed plan, or the path of a plan file. */
  plan: Plan | string;
  /** One resource id (as the Terraform bridge calls it); all resources when absent. */
  resource?: string;
  /** Concurrent VM writes (create/update/delete including their task waits). @default 10 */
  parallelism?: number;
  /** Progress lines (stderr in the CLI). Nothing is logged when absent. */
  log?: (line: string) => void;
  /** A TTY to draw a live progress line on. */
  tty?: { write(text: string): void };
  /** Task polling (defaults: 100 ms first delay, backoff to 1.5 s, 30 min timeout). */
  poll?: Partial<PollOptions>;
  /** HTTP retries of the client. */
  retries?: RetryOptions;
  /** Per-request timeout of the client. @default 30000 */
  requestTimeoutMs?: number;
  /**
   * Base directory of local output: a PCG's install bundle goes to `<outputDir>/pcg/<pcg name>/` (apply
   * writes it, destroy removes it). @default the directory of the plan file; with a Plan object and no
   * outputDir no bundle is written or removed
   */
  outputDir?: string;
}

/** Options of apply. */
export interface ApplyOptions extends HandlerOptions {
  /** Delete what the stack owns under resource ids the plan no longer holds. @default true */
  prune?: boolean;
  /**
   * `--wait-endpoints`: after its pools converged, the NutanixCluster reconciler waits until the
   * kube-vip address answers on its port (emulator: its simulated readiness; real Prism Central: a TCP
   * connect with backoff). @default false
   */
  waitEndpoints?: boolean;
  /** `--endpoint-timeout` in milliseconds. @default 600000 */
  endpointTimeoutMs?: number;
  /** `--endpoint-readiness`: how readiness is learned. @default "auto" (emulator when the target is one, else TCP) */
  endpointReadiness?: EndpointReadinessMode;
  /** Polling of the wait. @default 250 ms first delay, ×1.5 up to 5 s, a progress line every 10 s */
  endpointPoll?: Partial<EndpointPoll>;
  /** `--check-reachability`: the PCG reconciler probes Palette and Prism Central (through the PCG's proxy). @default false */
  checkReachability?: boolean;
  /** `--allow-external-probes`: the probe may dial non-loopback addresses (never against the emulator). @default false */
  allowExternalProbes?: boolean;
  /** Per-target timeout of the reachability probe. @default 5000 */
  probeTimeoutMs?: number;
}

/** Options of destroy. */
export interface DestroyOptions extends HandlerOptions {
  /** The generation being destroyed (the bridge's destroy provisioner passes its own). */
  generation?: string;
  /** Required to destroy everything of the stack (no `resource`). */
  yes?: boolean;
}

/** The result of `plan`: the run result plus the diffs. */
export interface PlanResult extends RunResult {
  readonly diffs: readonly ResourceDiff[];
  /** The readable plan text. */
  readonly text: string;
}

/** Loads and checks a plan; any problem is a HandlerInputError listing every issue. */
export function loadPlan(plan: Plan | string): Plan {
  try {
    return typeof plan === "string" ? loadPlanFile(plan) : parsePlan(plan);
  } catch (e) {
    if (e instanceof ValidationError) throw new HandlerInputError(e.message);
    throw e;
  }
}

function checkParallelism(n: number | undefined): number {
  const v = n ?? 10;
  if (!Number.isInteger(v) || v < 1 || v > 1000) throw new HandlerInputError(`--parallelism: expected a whole number from 1 to 1000, got ${String(n)}`);
  return v;
}

function scopeOf(plan: Plan, resource: string | undefined): PlanResource[] {
  if (resource === undefined) return plan.resources;
  const r = plan.resources.find((x) => x.id === resource);
  if (!r) {
    throw new HandlerInputError(`--resource ${resource}: no such resource in the plan of stack ${plan.metadata.stack}; known: ${plan.resources.map((x) => x.id).join(", ")}`);
  }
  return [r];
}

interface Session {
  plan: Plan;
  target: Target;
  client: PrismClient;
  ctx: RunContext;
  progress: Progress;
  t0: number;
}

function featuresOf(opts: ApplyOptions, target: Target): RunFeatures {
  const admin = { endpoint: target.endpoint, credentials: target.credentials, insecure: target.insecure, ...(target.caBundle !== undefined ? { caBundle: target.caBundle } : {}) };
  const f = defaultFeatures(admin);
  if (opts.endpointTimeoutMs !== undefined && !(Number.isFinite(opts.endpointTimeoutMs) && opts.endpointTimeoutMs > 0)) {
    throw new HandlerInputError(`--endpoint-timeout: expected a positive number of seconds, got ${String(opts.endpointTimeoutMs / 1000)}`);
  }
  if (opts.endpointReadiness !== undefined && !ENDPOINT_READINESS_MODES.includes(opts.endpointReadiness)) {
    throw new HandlerInputError(`--endpoint-readiness: expected one of ${ENDPOINT_READINESS_MODES.join(", ")}, got ${JSON.stringify(opts.endpointReadiness)}`);
  }
  const outputDir = opts.outputDir !== undefined ? path.resolve(opts.outputDir) : typeof opts.plan === "string" ? path.dirname(path.resolve(opts.plan)) : undefined;
  return {
    ...f,
    waitEndpoints: opts.waitEndpoints === true,
    endpointTimeoutMs: opts.endpointTimeoutMs ?? DEFAULT_ENDPOINT_TIMEOUT_S * 1000,
    endpointReadiness: opts.endpointReadiness ?? "auto",
    endpointPoll: { ...DEFAULT_ENDPOINT_POLL, ...(opts.endpointPoll ?? {}) },
    checkReachability: opts.checkReachability === true,
    allowExternalProbes: opts.allowExternalProbes === true,
    probeTimeoutMs: opts.probeTimeoutMs ?? f.probeTimeoutMs,
    ...(outputDir !== undefined ? { outputDir } : {}),
  };
}

function open(opts: ApplyOptions, plan: Plan, writable: boolean): Session {
  const t0 = Date.now();
  const parallelism = checkParallelism(opts.parallelism);
  const target = resolveTarget(plan, opts);
  const features = featuresOf(opts, target);
  const progress = new Progress({ line: opts.log ?? (() => undefined) }, opts.log ? opts.tty : undefined);
  for (const w of target.warnings) progress.note(`warning: ${w}`);
  let client: PrismClient;
  try {
    client = new PrismClient({
      endpoint: target.endpoint,
      username: target.credentials.username,
      password: target.credentials.password,
      insecure: target.insecure,
      ...(target.caBundle !== undefined ? { caBundle: target.caBundle } : {}),
      ...(opts.retries ? { retries: opts.retries } : {}),
      ...(opts.requestTimeoutMs ? { timeoutMs: opts.requestTimeoutMs } : {}),
      logger: (line) => progress.note(`  ${line}`),
    });
  } catch (e) {
    throw new HandlerInputError((e as Error).message);
  }
  const ctx = new RunContext({
    plan,
    client,
    credentials: target.credentials,
    env: opts.env ?? process.env,
    parallelism,
    progress,
    writable,
    features,
    ...(opts.poll ? { poll: opts.poll } : {}),
  });
  return { plan, target, client, ctx, progress, t0 };
}

function finish(s: Session, command: RunResult["command"], resources: ResourceResult[], extra: { noop?: string } = {}): RunResult {
  s.progress.close();
  s.client.close();
  const ok = resources.every((r) => r.result === "ok");
  return {
    command,
    stack: s.plan.metadata.stack,
    ok,
    exitCode: ok ? 0 : 1,
    resources,
    ms: Date.now() - s.t0,
    api: { requests: s.client.stats.requests, writes: s.client.stats.writes, retries: s.client.stats.retries },
    endpoint: s.target.endpoint,
    warnings: s.target.warnings,
    ...(extra.noop ? { noop: extra.noop } : {}),
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Validates a plan file or object (no API call). */
export function validatePlan(plan: Plan | string): RunResult {
  const t0 = Date.now();
  const p = loadPlan(plan);
  return {
    command: "validate",
    stack: p.metadata.stack,
    ok: true,
    exitCode: 0,
    resources: p.resources.map((r) => ({ id: r.id, kind: r.kind, action: "verify", result: "ok", ms: 0, detail: `generation ${r.generation.slice(0, 12)}` })),
    ms: Date.now() - t0,
    api: { requests: 0, writes: 0, retries: 0 },
    warnings: [],
  };
}

/** Compares the plan (or one resource) with Prism Central. Reads only: zero writes. */
export async function planDiff(opts: ApplyOptions): Promise<PlanResult> {
  const plan = loadPlan(opts.plan);
  const scope = scopeOf(plan, opts.resource);
  const s = open(opts, plan, false);
  const diffs: ResourceDiff[] = [];
  const rows: ResourceResult[] = [];
  const outcomes = await runGraph(
    scope.map((r) => ({ id: r.id, dependsOn: [] as string[], r })),
    async (n) => (await diffResource(s.ctx, n.r)).diff,
  );
  for (const r of scope) {
    const o = outcomes.get(r.id)!;
    if (o.status === "ok") {
      diffs.push(o.value);
      rows.push({ id: r.id, kind: r.kind, action: o.value.action, result: o.value.errors.length ? "failed" : "ok", ms: o.ms, diff: o.value, ...(o.value.errors.length ? { error: o.value.errors.join("\n") } : {}) });
    } else {
      const error = o.status === "failed" ? message(o.error) : o.reason;
      diffs.push({ id: r.id, kind: r.kind, action: "no-change", changes: [], vms: [], notes: [], errors: [error] });
      rows.push({ id: r.id, kind: r.kind, action: "no-change", result: "failed", ms: o.ms, error });
    }
  }
  if (opts.prune !== false) {
    try {
      for (const g of await orphanGroups(s.ctx)) {
        const d: ResourceDiff = { id: g.id, kind: "(removed from the plan)", action: "delete", changes: [], vms: deleteSteps(g, "prune: resource no longer in the plan"), notes: [], errors: [] };
        diffs.push(d);
        rows.push({ id: g.id, kind: d.kind, action: "prune", result: "ok", ms: 0, diff: d });
      }
    } catch (e) {
      rows.push({ id: "(prune)", kind: "prune", action: "prune", result: "failed", ms: 0, error: message(e) });
    }
  }
  const result = finish(s, "plan", rows);
  return { ...result, diffs, text: formatPlan(diffs) };
}

/** The first failure behind a skipped node, followed through "dependency X failed/was skipped". */
function rootCause(outcomes: Map<string, NodeOutcome<unknown>>, id: string, depth = 0): string {
  const o = outcomes.get(id);
  if (!o) return `${id} was not applied`;
  if (o.status === "failed") return `${id} failed: ${message(o.error).split("\n").map((l) => l.trim()).filter(Boolean).join("; ")}`;
  if (o.status === "skipped") {
    const m = /^dependency (.+) (?:failed|was skipped)$/.exec(o.reason);
    return m && depth < 50 ? rootCause(outcomes, m[1]!, depth + 1) : o.reason;
  }
  return `${id} is ok`;
}

/** Removes the install bundle of a PCG being destroyed; what to add to its row. */
function destroyPcgBundle(ctx: RunContext, res: ResourceOfKind<"PrivateCloudGateway">): { ok: boolean; text: string } {
  const dir = pcgBundleDir(ctx, res);
  const leftovers = paletteLeftovers(res.spec.name);
  ctx.progress.action(res.id, leftovers);
  if (dir === undefined) return { ok: true, text: `no install bundle to remove (no plan file and no outputDir). ${leftovers}` };
  try {
    const r = removeBundle(dir);
    const what = !r.existed
      ? `no install bundle at ${dir}`
      : r.kept.length > 0
        ? `install bundle files removed from ${dir} (kept ${r.kept.join(", ")}, not bundle files, and the directory)`
        : `install bundle removed: ${dir}`;
    ctx.progress.action(res.id, what);
    return { ok: true, text: `${what}. ${leftovers}` };
  } catch (e) {
    return { ok: false, text: `cannot remove the install bundle ${dir}: ${message(e)}` };
  }
}

/** Makes Prism Central match the plan (or one resource), then prunes removed resources. */
export async function applyPlan(opts: ApplyOptions): Promise<RunResult> {
  const plan = loadPlan(opts.plan);
  const scope = scopeOf(plan, opts.resource);
  const s = open(opts, plan, true);
  const { ctx, progress } = s;
  // The run's one VM list is needed by every pool and by prune: start it with the first lookups.
  if (opts.prune !== false || scope.some((r) => r.kind === "NodePool")) ctx.inventory().catch(() => undefined);
  progress.note(`apply ${opts.resource ?? `all ${scope.length} resources`} of stack ${plan.metadata.stack} on ${s.target.endpoint} (parallelism ${ctx.writes.size})`);
  const planned = new Map<string, PlannedResource>();
  const outcomes = await runGraph(scope, async (r) => {
    progress.start(r.id);
    try {
      const p = await diffResource(ctx, r);
      planned.set(r.id, p);
      if (p.diff.action !== "no-change") progress.action(r.id, `${p.diff.action}: ${p.diff.vms.length} VM step(s)${p.diff.changes.length ? `, ${p.diff.changes.map((c) => c.field).join(", ")}` : ""}`);
      const applied = await applyResource(ctx, r, p);
      ctx.applied.add(r.id);
      return applied;
    } finally {
      progress.finish(r.id);
    }
  });
  const rows: ResourceResult[] = [];
  for (const r of scope) {
    const o = outcomes.get(r.id)!;
    const p = planned.get(r.id);
    const action = p?.diff.action ?? "no-change";
    if (o.status === "ok") {
      const out = o.value.outcome;
      rows.push({ id: r.id, kind: r.kind, action, result: "ok", ms: o.ms, detail: o.value.detail, ...(out ? { created: out.created, updated: out.updated, deleted: out.deleted } : {}), ...(p ? { diff: p.diff } : {}) });
      progress.action(r.id, `ok: ${o.value.detail}`, o.ms);
    } else if (o.status === "failed") {
      const out = (o.error as { outcome?: { created: string[]; updated: string[]; deleted: string[] } }).outcome;
      rows.push({ id: r.id, kind: r.kind, action, result: "failed", ms: o.ms, error: message(o.error), ...(out ? { created: out.created, updated: out.updated, deleted: out.deleted } : {}), ...(p ? { diff: p.diff } : {}) });
      progress.action(r.id, `FAILED: ${message(o.error).split("\n").join("; ")}`, o.ms);
    } else {
      const reason = r.kind === "PrivateCloudGateway"
        ? `waiting for host cluster ${r.spec.hostCluster}: ${rootCause(outcomes, r.id)}; nothing written (no install bundle) until it is ready`
        : o.reason;
      rows.push({ id: r.id, kind: r.kind, action, result: "skipped", ms: 0, error: reason });
      progress.action(r.id, `skipped: ${reason}`);
    }
  }
  if (opts.prune !== false) {
    try {
      for (const g of await orphanGroups(ctx)) {
        progress.action(g.id, `prune: ${g.vms.length} VM(s) of a resource no longer in the plan`);
        rows.push(await deleteGroup(ctx, g, "prune", "(removed from the plan)"));
      }
    } catch (e) {
      rows.push({ id: "(prune)", kind: "prune", action: "prune", result: "failed", ms: 0, error: message(e) });
    }
  }
  const result = finish(s, "apply", rows);
  if (opts.log) opts.log(`\n${summaryTable(rows)}\napply ${result.ok ? "complete" : "FAILED"} in ${(result.ms / 1000).toFixed(2)}s: ${result.api.requests} API requests, ${result.api.writes} writes, ${result.api.retries} retries`);
  return result;
}

/**
 * destroy --resource R --generation G: when R is in the plan with another (newer) generation, this is
 * Terraform cleaning a superseded generation after create_before_destroy: the current generation keeps
 * everything, so nothing is deleted and no API call is made. When G is current, absent, or R is no
 * longer in the plan, everything R owns is deleted. Without a resource (requires `yes`), everything the
 * stack owns is deleted.
 */
export async function destroyPlan(opts: DestroyOptions): Promise<RunResult> {
  const plan = loadPlan(opts.plan);
  const t0 = Date.now();
  if (opts.resource === undefined && opts.yes !== true) {
    throw new HandlerInputError(`destroy without --resource deletes every VM of stack ${plan.metadata.stack}: pass --yes to confirm`);
  }
  if (opts.generation !== undefined && !/^[0-9a-f]{64}$/.test(opts.generation)) {
    throw new HandlerInputError(`--generation: expected 64 hex characters (a plan generation), got ${JSON.stringify(opts.generation)}`);
  }
  if (opts.resource !== undefined) {
    const current = plan.resources.find((r) => r.id === opts.resource);
    if (current && opts.generation !== undefined && opts.generation !== current.generation) {
      const noop = `${opts.resource}: generation ${opts.generation.slice(0, 12)} is superseded by ${current.generation.slice(0, 12)}; the current generation keeps everything it owns, nothing to delete`;
      opts.log?.(noop);
      return {
        command: "destroy",
        stack: plan.metadata.stack,
        ok: true,
        exitCode: 0,
        resources: [{ id: opts.resource, kind: current.kind, action: "destroy", result: "ok", ms: 0, detail: "superseded generation: no-op" }],
        ms: Date.now() - t0,
        api: { requests: 0, writes: 0, retries: 0 },
        warnings: [],
        noop,
      };
    }
  }
  const s = open(opts, plan, true);
  const rows: ResourceResult[] = [];
  const groups = await ownedGroups(s.ctx, true);
  if (opts.resource !== undefined) {
    const hash = resourceHash(opts.resource);
    const g = groups.find((x) => x.hash === hash) ?? { hash, id: opts.resource, vms: [] };
    g.id = opts.resource;
    const kind = plan.resources.find((r) => r.id === opts.resource)?.kind ?? "(not in the plan)";
    s.progress.note(`destroy ${opts.resource}: ${g.vms.length} VM(s)`);
    rows.push(await deleteGroup(s.ctx, g, "destroy", kind));
  } else {
    s.progress.note(`destroy stack ${plan.metadata.stack}: ${groups.reduce((n, g) => n + g.vms.length, 0)} VM(s) of ${groups.length} resource(s)`);
    const results = await Promise.all(groups.map((g) => deleteGroup(s.ctx, g, "destroy", plan.resources.find((r) => resourceHash(r.id) === g.hash)?.kind ?? "(not in the plan)")));
    rows.push(...results);
  }
  for (const p of plan.resources) {
    if (p.kind !== "PrivateCloudGateway" || (opts.resource !== undefined && p.id !== opts.resource)) continue;
    const i = rows.findIndex((x) => x.id === p.id);
    const base: ResourceResult = i >= 0 ? rows[i]! : { id: p.id, kind: p.kind, action: "destroy", result: "ok", ms: 0, detail: "nothing to delete" };
    const b = destroyPcgBundle(s.ctx, p);
    const row: ResourceResult = b.ok
      ? { ...base, detail: `${base.detail ?? ""}; ${b.text}` }
      : { ...base, result: "failed", error: [base.error, b.text].filter(Boolean).join("\n") };
    if (i >= 0) rows[i] = row;
    else rows.push(row);
  }
  const result = finish(s, "destroy", rows);
  if (opts.log) opts.log(`\n${summaryTable(rows)}\ndestroy ${result.ok ? "complete" : "FAILED"} in ${(result.ms / 1000).toFixed(2)}s: ${result.api.requests} API requests, ${result.api.writes} writes`);
  return result;
}
