/**
 * The handler's programmatic API: validatePlan, planDiff, applyPlan, destroyPlan. The CLI
 * (nutanix-handler) is a thin layer over these; tests call them directly.
 *
 * Bad input (a plan that fails the schema or its integrity checks, an unknown --resource, missing
 * credentials, a setting outside the options schema) throws HandlerInputError before any API call.
 * Everything else resolves to a RunResult whose `exitCode` is 0 (everything ok) or 1 (something failed;
 * the rows say what and why).
 *
 * The orchestrator never asks which kind a resource is: each kind's reconciler (reconcilers/index.ts)
 * plans, applies, destroys locally and explains a skip.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RetryOptions } from "../prism/client";
import { planReferences, resolveFilePaths, unresolvedReferences } from "../plan/references";
import { loadPlanFile, parsePlan } from "../plan/load";
import type { Plan, PlanResource } from "../schema/plan";
import type { VmEntity } from "../prism/types";
import { ValidationError, type ValidationIssue } from "../schema/validation";
import type { EndpointPoll, EndpointReadinessMode } from "./endpoints";
import { errorMessage, HandlerInputError, ResourceApplyError } from "./errors";
import { parseRunSettings } from "./options";
import { accountOf } from "./accounts";
import { PlanIndex } from "./plan-index";
import { orderRows, summaryActions } from "./results";
import { formatStatus, statusView, type StatusView } from "./status-view";
import { pruneReason } from "./reconcilers/node-pool/prune";
import { deleteGroup, deleteSteps, orphanGroups, orphansDestroyedWith, ownedGroups, type OwnedGroup } from "./destroy";
import { formatPlan } from "./diff/format";
import { adoptLegacy } from "./adopt";
import { APPLIED_CATEGORY_KEY, destroyDecision, forgetApplied, readApplied, recordApplied } from "./applied";
import { lockRun, type RunLock, type RunLockOptions } from "./lock";
import { CATEGORY_KEYS, resourceHash } from "./ownership";
import { checkApply, checkDestroy, FailedPlan, type ApplyCheck } from "./write-check";
import { summaryTable } from "./progress";
import { stackIdentity, VIP_CLAIM_KEY } from "./vip-claims";
import { pruneClaims, releaseClaims } from "./vip-claims-store";
import { applyResource, destroyLocally, destroysBeforeVms, planResource, skipReason, writesOnlyThroughPrism, type Applied, type Planned } from "./reconcilers";
import { runGraph, type NodeOutcome } from "./scheduler";
import { groupByServices, nameOf, servicesOfId, type PollOptions } from "./services";
import { apiOf, closeSession, endpointsText, finishSession, openSession, prismClientOf, type AccountSession, type Session } from "./session";
import type { TargetOptions } from "./target";
import type { ResourceDiff, ResourceResult, RunResult } from "./types";

export { HandlerInputError, OwnershipError, PlanReferenceError, ResourceApplyError, type VmOutcome } from "./errors";
export { resolveTarget, resolveTargets, type PrismLogin, type Target, type TargetOptions } from "./target";
export { RunSettingsSchema, parseRunSettings, type RunSettings, type RunSettingsInput } from "./options";
export type { FieldChange, ResourceAction, ResourceDiff, ResourceResult, RunResult, VmChange } from "./types";
export { formatPlan, formatResourceDiff } from "./diff/format";
export { summaryTable, formatMs, formatTable } from "./progress";
export * as ownership from "./ownership";
export { DEFAULT_ENDPOINT_TIMEOUT_S, detectEmulator, tcpConnect, waitUntil, type EndpointPoll, type EndpointReadinessMode } from "./endpoints";
export { BUNDLE_FILE_NAMES, bundleDirOf, removeBundle, writeBundle } from "./bundle-files";
export { paletteLeftovers } from "./reconcilers/private-cloud-gateway";
export { formatStatus, statusView, type StatusCluster, type StatusPool, type StatusView, type StatusVm } from "./status-view";
export { dependencyOrder, orderRows, summaryActions } from "./results";
export { LockHeldError, type RunLockOptions } from "./lock";

/** Options shared by every command. */
export interface HandlerOptions extends TargetOptions, RunLockOptions {
  /** A parsed plan, or the path of a plan file. */
  plan: Plan | string;
  /** One resource id (as the Terraform bridge calls it); all resources when absent. */
  resource?: string;
  /** Concurrent VM writes (create/update/delete including their task waits); checked by RunSettingsSchema. @default 10 */
  parallelism?: number;
  /** Progress lines (stderr in the CLI). Nothing is logged when absent. */
  log?: (line: string) => void;
  /** A TTY to draw a live progress line on. */
  tty?: { write(text: string): void };
  /** Task polling (defaults: 100 ms first delay, backoff to 1.5 s, 30 min timeout). */
  poll?: Partial<PollOptions>;
  /** HTTP retries of the client. */
  retries?: RetryOptions;
  /** `--request-timeout`: per-request timeout of the client (ms); checked by RunSettingsSchema. @default 30000 */
  requestTimeoutMs?: number;
  /** `--task-timeout`: how long one task is waited for (ms); `poll.timeoutMs` wins when both are given. @default 1800000 */
  taskTimeoutMs?: number;
  /**
   * Where learned task durations are kept between runs (per Prism Central), so each `cdktf deploy`
   * local-exec process starts warm; false keeps them in memory only.
   * @default `<outputDir>/.nutanix-task-durations.json` (outputDir as below); none for a Plan object without outputDir
   */
  taskDurationsFile?: string | false;
  /**
   * Base directory of local output: a PCG's install bundle goes to `<outputDir>/pcg/<pcg name>/` (apply
   * writes it, destroy removes it). @default the directory of the plan file; with a Plan object and no
   * outputDir no bundle is written or removed
   */
  outputDir?: string;
  /** Pause between polls of Palette in ms. @default 10000 (terraform-provider-spectrocloud's MinTimeout) */
  palettePollMs?: number;
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
  /** `--node-ready-timeout` in ms: how long a new node may take to turn Ready. @default 1200000 (20 min) */
  nodeReadyTimeoutMs?: number;
  /** `--drain-timeout` in ms. @default 600000 (10 min) */
  drainTimeoutMs?: number;
  /** Pause between polls of a cluster's API in ms. @default 500 */
  kubePollMs?: number;
  /** `--gateway-timeout` in ms: how long a PCG may take to turn Running and Healthy in Palette. @default 1800000 (30 min) */
  gatewayTimeoutMs?: number;
  /** `--approve-repave`: approve the repave a machine change of a cluster through Palette starts. @default false */
  approveRepave?: boolean;
}

/** Options of destroy. */
export interface DestroyOptions extends HandlerOptions {
  /**
   * `destroy --resource R` (R in the plan) also deletes the stack identity's orphans: VMs and kube-vip claims
   * under resource ids the plan no longer holds (a pool removed from the program before `cdktf destroy`;
   * `orphanDeletedBy` in destroy.ts says which destroy deletes which). `--no-prune` turns it off. Without a
   * resource (`--yes`) everything the stack owns goes regardless. @default true
   */
  prune?: boolean;
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

/**
 * Loads and checks a plan; any problem is a HandlerInputError listing every issue. A plan file's
 * relative file references (Credentials.fromFile, Secret.fromFile) resolve from the file's directory,
 * where synth recorded them relative to, not from the working directory (Terraform runs the handler in
 * the stack directory, a user anywhere).
 */
export function loadPlan(plan: Plan | string): Plan {
  try {
    return typeof plan === "string" ? resolveFilePaths(loadPlanFile(plan), path.dirname(path.resolve(plan))) : parsePlan(plan);
  } catch (e) {
    if (e instanceof ValidationError) throw new HandlerInputError(e.message);
    throw e;
  }
}

const readable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The references of `resources` that do not resolve (relative paths are absolute by now: loadPlan). */
function referenceIssues(resources: readonly PlanResource[], env: NodeJS.ProcessEnv | undefined): ValidationIssue[] {
  return unresolvedReferences(planReferences(resources), env ?? process.env, readable, process.cwd());
}

/**
 * Every environment variable and file the resources in scope read at apply time must resolve before the
 * first API call: a HandlerInputError names each missing variable (never a value) or unreadable file.
 * The account's credentials are left to the target (an override such as --credentials-file may replace them).
 */
function requireReferences(plan: Plan, scope: readonly PlanResource[], env: NodeJS.ProcessEnv | undefined): void {
  const issues = referenceIssues(scope.filter((r) => r.kind !== "PrismCentralAccount"), env);
  if (issues.length > 0) throw new HandlerInputError(new ValidationError(issues, `plan of stack ${plan.metadata.stack}: unresolved references`).message);
}

function scopeOf(plan: Plan, resource: string | undefined): PlanResource[] {
  if (resource === undefined) return plan.resources;
  const r = new PlanIndex(plan).get(resource);
  if (!r) {
    throw new HandlerInputError(`--resource ${resource}: no such resource in the plan of stack ${plan.metadata.stack}; known: ${plan.resources.map((x) => x.id).join(", ")}`);
  }
  return [r];
}

/**
 * Validates a plan file or object (no API call). References that do not resolve in `env` are reported as
 * warnings (validate also runs where the secrets are not, e.g. in CI); plan and apply refuse them.
 */
export function validatePlan(plan: Plan | string, env?: NodeJS.ProcessEnv): RunResult {
  const t0 = Date.now();
  const p = loadPlan(plan);
  const warnings = referenceIssues(p.resources, env).map((i) => `${i.path}: ${i.field}: ${i.message}`);
  return {
    command: "validate",
    stack: p.metadata.stack,
    ok: true,
    exitCode: 0,
    resources: p.resources.map((r) => ({ id: r.id, kind: r.kind, action: "verify", result: "ok", ms: 0, detail: `generation ${r.generation.slice(0, 12)}` })),
    ms: Date.now() - t0,
    api: { requests: 0, writes: 0, retries: 0 },
    warnings,
  };
}

/** The rows (and diffs) of what prune would delete, for `plan`. */
async function pruneDiffs(s: Session, diffs: ResourceDiff[], rows: ResourceResult[]): Promise<void> {
  for (const site of s.sites) {
    try {
      await noteStrays(s, site);
      for (const g of await orphanGroups(site.services)) {
        const d: ResourceDiff = { id: g.id, kind: "(removed from the plan)", action: "delete", changes: [], vms: deleteSteps(g, await pruneReason(site.services, g.vms)), notes: [], errors: [] };
        diffs.push(d);
        rows.push({ id: g.id, kind: d.kind, action: "prune", result: "ok", ms: 0, diff: d });
      }
    } catch (e) {
      rows.push({ id: pruneRowId(s, site), kind: "prune", action: "prune", result: "failed", ms: 0, error: errorMessage(e) });
    }
  }
}

/**
 * VMs of resources that are in the plan but sit on another account's Prism Central (a cluster moved to
 * another account, or applied before each account had its own target): never pruned — two account
 * endpoints may name one Prism Central — only reported, by `plan` and apply's prune, per Prism Central.
 */
async function noteStrays(s: Session, site: AccountSession): Promise<void> {
  if (s.sites.length < 2) return;
  const home = (r: PlanResource): string | undefined => {
    try {
      const sv = s.servicesOf(r);
      return s.accounts.find((a) => a.services === sv)?.target.endpoint;
    } catch {
      return undefined;
    }
  };
  for (const g of await ownedGroups(site.services, false)) {
    const r = s.plan.resources.find((x) => resourceHash(x.id) === g.hash);
    const at = r ? home(r) : undefined;
    if (!r || at === undefined || at === site.target.endpoint) continue;
    s.progress.note(`warning: ${g.vms.length} VM(s) of ${r.id} are on ${site.target.endpoint} (account ${site.target.account ?? "?"}), but ${r.id} is applied through account ${accountOf(r) ?? "?"} (${at}): left alone; destroy them with the plan that made them`);
  }
}

/** The row id of a failed prune: `(prune)`, with the Prism Central's account when the run has several. */
function pruneRowId(s: Session, site: AccountSession): string {
  return s.sites.length > 1 ? `(prune ${site.target.account ?? site.target.endpoint})` : "(prune)";
}

/** Compares the plan (or one resource) with Prism Central. Reads only: zero writes. */
export async function planDiff(opts: ApplyOptions): Promise<PlanResult> {
  const plan = loadPlan(opts.plan);
  const scope = scopeOf(plan, opts.resource);
  parseRunSettings(opts);
  requireReferences(plan, scope, opts.env);
  const s = openSession(opts, plan, false);
  await adopt(s, scope);
  const diffs: ResourceDiff[] = [];
  const rows: ResourceResult[] = [];
  const outcomes = await runGraph(
    scope.map((r) => ({ id: r.id, dependsOn: [] as string[], r })),
    async (n) => (await planResource(s.servicesOf(n.r), n.r)).diff,
  );
  for (const r of scope) {
    const o = outcomes.get(r.id)!;
    if (o.status === "ok") {
      diffs.push(o.value);
      rows.push({ id: r.id, kind: r.kind, action: o.value.action, result: o.value.errors.length ? "failed" : "ok", ms: o.ms, diff: o.value, ...(o.value.errors.length ? { error: o.value.errors.join("\n") } : {}) });
    } else {
      const error = o.status === "failed" ? errorMessage(o.error) : o.reason;
      diffs.push({ id: r.id, kind: r.kind, action: "no-change", changes: [], vms: [], notes: [], errors: [error] });
      rows.push({ id: r.id, kind: r.kind, action: "no-change", result: "failed", ms: o.ms, error });
    }
  }
  if (s.settings.prune) await pruneDiffs(s, diffs, rows);
  const result = finishSession(s, "plan", orderRows(rows, plan.resources));
  const ordered = orderRows(diffs, plan.resources);
  return { ...result, diffs: ordered, text: formatPlan(ordered) };
}

/** The first failure behind a skipped node, followed through "dependency X failed/was skipped". */
function rootCause(outcomes: Map<string, NodeOutcome<unknown>>, id: string, depth = 0): string {
  const o = outcomes.get(id);
  if (!o) return `${id} was not applied`;
  if (o.status === "failed") return `${id} failed: ${errorMessage(o.error).split("\n").map((l) => l.trim()).filter(Boolean).join("; ")}`;
  if (o.status === "skipped") {
    const m = /^dependency (.+) (?:failed|was skipped)$/.exec(o.reason);
    return m && depth < 50 ? rootCause(outcomes, m[1]!, depth + 1) : o.reason;
  }
  return `${id} is ok`;
}

/** One summary row of an applied resource. */
function applyRow(s: Session, r: PlanResource, o: NodeOutcome<Applied>, p: Planned | undefined, outcomes: Map<string, NodeOutcome<Applied>>): ResourceResult {
  const action = p?.diff.action ?? "no-change";
  const diff = p ? { diff: p.diff } : {};
  if (o.status === "ok") {
    const out = o.value.outcome;
    return { id: r.id, kind: r.kind, action, result: "ok", ms: o.ms, detail: o.value.detail, ...(out ? { created: [...out.created], updated: [...out.updated], deleted: [...out.deleted] } : {}), ...diff };
  }
  if (o.status === "failed") {
    const out = o.error instanceof ResourceApplyError ? o.error.outcome : undefined;
    return { id: r.id, kind: r.kind, action, result: "failed", ms: o.ms, error: errorMessage(o.error), ...(out ? { created: [...out.created], updated: [...out.updated], deleted: [...out.deleted] } : {}), ...diff };
  }
  const reason = skipReason(r, o.reason, () => rootCause(outcomes, r.id));
  s.progress.settled(r.id, `skipped: ${reason}`);
  return { id: r.id, kind: r.kind, action, result: "skipped", ms: 0, error: reason };
}

/**
 * Takes the run's local stack lock (lock/run.ts) at once; the Prism Central record waits for
 * `takeRecord`, called only by a run that is going to write (write-check.ts). The record goes through a
 * client of its own, so a run's `api` figures count the reconciliation only. On a refusal the session
 * is closed and the LockHeldError (`locked by …`) propagates: nothing was changed.
 */
async function lockSession(s: Session, opts: HandlerOptions): Promise<RunLock> {
  const held: RunLock[] = [];
  try {
    for (const site of s.sites) held.push(await lockSite(s, site, opts));
  } catch (e) {
    for (const l of held.reverse()) await l.release().catch(() => undefined);
    closeSession(s);
    throw e;
  }
  return combinedLock(held);
}

/** The lock of one Prism Central of the run (its own client for the record). */
async function lockSite(s: Session, site: AccountSession, opts: HandlerOptions): Promise<RunLock> {
  const t = site.target;
  const client = prismClientOf(t, opts, s.settings);
  try {
    const lock = await lockRun({ identity: site.services.identity, endpoint: t.endpoint, plan: s.plan, client, note: (l) => s.progress.note(s.sites.length > 1 ? `${l} (${t.account ?? t.endpoint})` : l),
      ...(opts.lockTimeoutMs !== undefined ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
      ...(opts.lockDir !== undefined ? { lockDir: opts.lockDir } : {}),
      ...(opts.lockSettleMs !== undefined ? { lockSettleMs: opts.lockSettleMs } : {}),
    });
    return { ...lock, release: () => lock.release().finally(() => client.close()) };
  } catch (e) {
    client.close();
    throw e;
  }
}

/**
 * The locks of a run's Prism Centrals as one: taken (local locks, then the records) in lock order
 * (accounts.ts lockOrder), released in reverse. A record refused on one Prism Central (`locked by …`)
 * propagates before any write; the records already taken are deleted on release.
 */
function combinedLock(locks: readonly RunLock[]): RunLock {
  if (locks.length === 1) return locks[0]!;
  return {
    localId: locks.map((l) => l.localId).join(","),
    remoteId: () => {
      const ids = locks.map((l) => l.remoteId());
      return ids.every((x) => x === undefined) ? undefined : ids.map((x) => x ?? "-").join(",");
    },
    async takeRecord(): Promise<void> {
      for (const l of locks) await l.takeRecord();
    },
    async recordWritten(): Promise<void> {
      // Every record but the last one taken (read back) in order; the last one written.
      for (const l of locks.slice(0, -1)) await l.takeRecord();
      await locks[locks.length - 1]!.recordWritten();
    },
    prepareRelease(): void {
      for (const l of locks) l.prepareRelease();
    },
    async release(): Promise<void> {
      let first: unknown;
      for (const l of [...locks].reverse()) {
        try {
          await l.release();
        } catch (e) {
          first ??= e;
        }
      }
      if (first !== undefined) throw first;
    },
  };
}

/** Closes a session that only checked, keeping its API figures to add to the run's result. */
function closeCheck(s: Session): RunResult["api"] {
  closeSession(s);
  return apiOf(s);
}

/** `result` with the API figures of the read-only check added. */
function withCheck<R extends RunResult>(result: R, check: RunResult["api"]): R {
  return { ...result, api: { requests: result.api.requests + check.requests, writes: result.api.writes + check.writes, retries: result.api.retries + check.retries } };
}

/**
 * Takes the Prism Central record for a run that is going to write (`reasons` say why) and opens a fresh
 * session once the record is written: the write decisions are made from reads taken under the lock, never
 * from the check's (nor from reads made while another plan's record was waited for). The session reads
 * while the record settles (lock/remote.ts: written, then read back after
 * `settleMs`); every write waits for `confirmed`, the read-back that found the record ours: the
 * session's Prism client gates each request that changes Prism Central on it (PrismClientOptions
 * `writeGate`) and applyLocked each resource's apply step (Kubernetes and Palette writes included).
 * Reads taken in the settle window are as good as reads taken after it: a run that could write
 * meanwhile holds a record, and the read-back would not be ours. A refusal (`locked by …`) rejects
 * `confirmed`: nothing was changed.
 */
async function underRecord(first: Session, lock: RunLock, opts: HandlerOptions, reasons: readonly string[]): Promise<{ s: Session; check: RunResult["api"]; confirmed: () => Promise<void> }> {
  first.progress.note(`going to write (${reasons.slice(0, 3).join("; ")}${reasons.length > 3 ? `; ${reasons.length - 3} more` : ""}): taking the Prism Central lock record`);
  const check = closeCheck(first);
  const taking = lock.takeRecord();
  taking.catch(() => undefined); // awaited by every write and by applyPlan
  const confirmed = (): Promise<void> => taking;
  // Made while the record is written (opening reads nothing), read from only once it is written.
  const s = openSession(opts, first.plan, true, confirmed);
  try {
    await lock.recordWritten(); // no read of the writing session before our record is written (a refusal propagates here)
  } catch (e) {
    closeSession(s);
    throw e;
  }
  return { s, check, confirmed };
}

/** Adopts the pre-identity VMs of `scope` (adopt.ts); a failure to list is noted, not fatal (the reconcilers report it). */
async function adopt(s: Session, scope: readonly PlanResource[]): Promise<void> {
  for (const g of groupByServices(s.run, scope)) {
    try {
      for (const line of await adoptLegacy(g.services, g.resources)) s.progress.note(line);
    } catch (e) {
      s.progress.note(`adopting VMs made before stack identities: ${errorMessage(e)}`);
    }
  }
}

/** Starts the one VM list of each account that prune or a pool of `scope` needs, with the first lookups. */
function prefetchInventories(s: Session, scope: readonly PlanResource[]): void {
  const need = new Set(s.settings.prune ? s.accounts.map((a) => a.services) : []);
  for (const p of s.plan.resources) if (p.kind === "NodePool" && scope.includes(p)) need.add(s.servicesOf(p));
  for (const sv of need) sv.inventory().catch(() => undefined);
}

/** Makes Prism Central match the plan (or one resource), then prunes removed resources. */
export async function applyPlan(opts: ApplyOptions): Promise<RunResult> {
  const plan = loadPlan(opts.plan);
  const scope = scopeOf(plan, opts.resource);
  parseRunSettings(opts);
  // A whole-plan apply checks every reference first; `apply --resource` (one local-exec of the bridge)
  // leaves its resource's references to that resource's reconciler, which fails the resource with the reason.
  if (opts.resource === undefined) requireReferences(plan, scope, opts.env);
  const first = openSession(opts, plan, true);
  const lock = await lockSession(first, opts);
  try {
    prefetchInventories(first, scope);
    // The record is taken from the check's first reason to write on (the rest of the check reads meanwhile).
    const check = await checkApply(first.run, scope, first.settings.prune, () => void lock.takeRecord().catch(() => undefined));
    if (check.reasons.length === 0) return applyConverged(first, opts, scope, check);
    const { s, check: api, confirmed } = await underRecord(first, lock, opts, check.reasons);
    const result = await applyLocked(s, opts, scope, confirmed, () => lock.prepareRelease());
    await confirmed(); // a refused lock (`locked by …`) propagates: nothing was written (every write waited for it)
    return withCheck(result, api);
  } finally {
    await lock.release();
  }
}

/**
 * An apply the read-only check found converged (write-check.ts): each resource's apply runs on its
 * "no-change" plan (its waits and probes, the PCG bundle) without the Prism Central record; a plan that
 * failed fails its resource and skips what depends on it, as in a normal apply. Nothing to prune.
 */
async function applyConverged(s: Session, opts: ApplyOptions, scope: PlanResource[], check: ApplyCheck): Promise<RunResult> {
  const { progress } = s;
  progress.note(`apply ${opts.resource ?? `all ${scope.length} resources`} of stack ${s.plan.metadata.stack} on ${endpointsText(s)}: converged, nothing to write`);
  progress.setTotal(scope.length);
  const planned = new Map<string, Planned>();
  const outcomes = await runGraph(scope, async (r) => {
    progress.start(r.id);
    const t0 = Date.now();
    try {
      const o = check.outcomes.get(r.id);
      if (!o || o.status === "skipped") throw new Error(`${r.id}: ${o?.reason ?? "not planned"}`);
      if (o.status === "failed" && !(o.error instanceof FailedPlan)) throw o.error;
      const p = o.status === "ok" ? o.value : (o.error as FailedPlan).planned;
      planned.set(r.id, p);
      const services = s.servicesOf(r);
      const applied = await applyResource(services, r, p); // a FailedPlan's apply rejects it, as in a normal apply
      services.readiness.markApplied(r.id);
      progress.settled(r.id, `ok: ${applied.detail}`, Date.now() - t0);
      return applied;
    } catch (e) {
      progress.settled(r.id, `FAILED: ${errorMessage(e).split("\n").join("; ")}`, Date.now() - t0);
      throw e;
    } finally {
      progress.finish(r.id);
    }
  });
  const rows = summaryActions(orderRows(scope.map((r) => applyRow(s, r, outcomes.get(r.id)!, planned.get(r.id), outcomes)), s.plan.resources), s.plan.resources);
  const result = finishSession(s, "apply", rows);
  if (opts.log) opts.log(`\n${summaryTable(rows)}\napply ${result.ok ? "complete" : "FAILED"} in ${(result.ms / 1000).toFixed(2)}s: ${result.api.requests} API requests, ${result.api.writes} writes, ${result.api.retries} retries`);
  return result;
}

/**
 * Makes Prism Central match the plan; `confirmed` (the lock record read back as ours) is awaited before each
 * resource's apply step that changes something; `resourcesDone` is told when every resource's apply ended
 * (their applied records may still be in flight), so the lock release can read its record meanwhile.
 */
async function applyLocked(s: Session, opts: ApplyOptions, scope: PlanResource[], confirmed: () => Promise<void>, resourcesDone: () => void = () => undefined): Promise<RunResult> {
  const plan = s.plan;
  const { progress } = s;
  // Each account's one VM list is needed by every pool and by prune: start it with the first lookups. With
  // pools to apply, the ownership category lists and the running creates too (reads, once per account):
  // they go out while the lock record settles instead of after the endpoint's claim.
  prefetchInventories(s, scope);
  for (const sv of new Set(s.plan.resources.filter((p) => p.kind === "NodePool" && scope.includes(p)).map((p) => s.servicesOf(p)))) {
    sv.categories.prefetch(Object.values(CATEGORY_KEYS));
    sv.runningTasks.runningCreates().catch(() => undefined);
  }
  progress.note(`apply ${opts.resource ?? `all ${scope.length} resources`} of stack ${plan.metadata.stack} on ${endpointsText(s)} (parallelism ${s.services.writes.size}${s.accounts.length > 1 ? " per Prism Central" : ""})`);
  await adopt(s, scope);
  const planned = new Map<string, Planned>();
  // Each resource's applied-generation record (applied.ts) is read while the resource is planned and
  // written after it applied, without holding back what depends on it; every write is awaited below and
  // a failed one fails its resource's row.
  const records = new Map<string, Promise<void>>();
  // Every resource's applied record is read at once (while the lock record settles), not when the resource
  // starts: the last resource of the graph (a cluster, after its pools) has only its write left at the end.
  const priors = new Map<string, Promise<string | undefined>>();
  for (const r of scope) {
    const services = s.servicesOf(r);
    const prior = readApplied(services.client, services.identity, r.id);
    prior.catch(() => undefined);
    priors.set(r.id, prior);
  }
  progress.setTotal(scope.length);
  const outcomes = await runGraph(scope, async (r) => {
    progress.start(r.id);
    const t0 = Date.now();
    try {
      const services = s.servicesOf(r);
      const prior = priors.get(r.id)!;
      const p = await planResource(services, r);
      planned.set(r.id, p);
      // Planning only reads, and so does a no-change resource's apply (its waits and probes: the converged
      // path runs them without the record); nothing else is applied before the lock record is confirmed,
      // except an apply whose every write goes through the session's gated Prism client (its reads go out
      // while the record settles, its writes wait for the record like every Prism write).
      if (p.diff.action !== "no-change" && !writesOnlyThroughPrism(r)) await confirmed();
      if (p.diff.action !== "no-change") progress.action(r.id, `${p.diff.action}: ${p.diff.vms.length} VM step(s)${p.diff.changes.length ? `, ${p.diff.changes.map((c) => c.field).join(", ")}` : ""}`);
      const applied = await applyResource(services, r, p);
      const recording = recordApplied(services.client, services.identity, r.id, r.generation, prior);
      recording.catch(() => undefined);
      records.set(r.id, recording);
      services.readiness.markApplied(r.id);
      progress.settled(r.id, `ok: ${applied.detail}`, Date.now() - t0);
      return applied;
    } catch (e) {
      progress.settled(r.id, `FAILED: ${errorMessage(e).split("\n").join("; ")}`, Date.now() - t0);
      throw e;
    } finally {
      progress.finish(r.id);
    }
  });
  resourcesDone();
  for (const [id, recording] of records) {
    const o = outcomes.get(id);
    await recording.catch((e: unknown) => {
      const error = new Error(`recording the applied generation in Prism Central (${APPLIED_CATEGORY_KEY}): ${errorMessage(e)}`);
      progress.note(`${id}: FAILED: ${error.message}`);
      if (o) outcomes.set(id, { status: "failed", error, ms: o.ms });
    });
  }
  const rows = summaryActions(orderRows(scope.map((r) => applyRow(s, r, outcomes.get(r.id)!, planned.get(r.id), outcomes)), plan.resources), plan.resources);
  if (s.settings.prune) {
    // Each Prism Central prunes what the stack owns there under resource ids the plan no longer holds.
    for (const site of s.sites) {
      const services = site.services;
      try {
        await noteStrays(s, site);
        for (const g of await orphanGroups(services)) {
          progress.action(g.id, `prune: ${g.vms.length} VM(s) of a resource no longer in the plan`);
          rows.push(await deleteGroup(services, g, "prune", "(removed from the plan)"));
        }
        for (const c of await pruneClaims(services, stackIdentity(services), new Set(plan.resources.map((r) => r.id)))) {
          progress.action(c.resource, `prune: released kube-vip claim ${VIP_CLAIM_KEY}:${c.value}`);
          rows.push({ id: c.resource, kind: "(removed from the plan)", action: "prune", result: "ok", ms: 0, detail: `released kube-vip claim ${VIP_CLAIM_KEY}:${c.value}` });
        }
      } catch (e) {
        rows.push({ id: pruneRowId(s, site), kind: "prune", action: "prune", result: "failed", ms: 0, error: errorMessage(e) });
      }
    }
  }
  const result = finishSession(s, "apply", rows);
  if (opts.log) opts.log(`\n${summaryTable(rows)}\napply ${result.ok ? "complete" : "FAILED"} in ${(result.ms / 1000).toFixed(2)}s: ${result.api.requests} API requests, ${result.api.writes} writes, ${result.api.retries} retries`);
  return result;
}

/**
 * destroy --resource R --generation G with G not R's generation in the plan file: a no-op only when
 * Prism Central records a newer generation of R as applied (applied.ts `destroyDecision`); undefined
 * when the destroy must go ahead.
 */
async function supersededNoop(s: Session, opts: DestroyOptions): Promise<RunResult | undefined> {
  if (opts.resource === undefined || opts.generation === undefined) return undefined;
  const current = s.services.plan.get(opts.resource);
  if (!current || opts.generation === current.generation) return undefined;
  const sv = s.servicesOf(current);
  const d = destroyDecision(opts.generation, current.generation, await readApplied(sv.client, sv.identity, opts.resource));
  s.progress.note(`${opts.resource}: ${d.why}`);
  if (d.action === "destroy") return undefined;
  const noop = `${opts.resource}: ${d.why}`;
  opts.log?.(noop);
  return finishSession(s, "destroy", [{ id: opts.resource, kind: current.kind, action: "destroy", result: "ok", ms: 0, detail: "superseded generation: no-op" }], { noop });
}

/** Removes the applied-generation records of the resources destroyed without failure (applied.ts). */
async function forgetDestroyed(s: Session, rows: readonly ResourceResult[], all: boolean): Promise<void> {
  const failed = new Set(rows.filter((r) => r.result !== "ok").map((r) => r.id));
  const ids = new Set([...rows.map((r) => r.id), ...(all ? s.plan.resources.map((r) => r.id) : [])].filter((id) => !failed.has(id)));
  for (const id of ids) {
    for (const sv of servicesOfId(s.run, s.services.plan, id)) {
      await forgetApplied(sv.client, sv.identity, id).catch((e: unknown) => s.progress.note(`${id}: removing its applied-generation record: ${errorMessage(e)}`));
    }
  }
}

/** Each destroyed resource's local step (its reconciler's `destroy`), merged into its row. */
async function destroyLocalSteps(s: Session, scope: readonly PlanResource[], rows: ResourceResult[]): Promise<void> {
  for (const p of scope) {
    const b = await destroyLocally(s.servicesOf(p), p);
    if (!b) continue;
    const i = rows.findIndex((x) => x.id === p.id);
    const base: ResourceResult = i >= 0 ? rows[i]! : { id: p.id, kind: p.kind, action: "destroy", result: "ok", ms: 0, detail: "nothing to delete" };
    const row: ResourceResult = b.ok ? { ...base, detail: `${base.detail ?? ""}; ${b.text}` } : { ...base, result: "failed", error: [base.error, b.text].filter(Boolean).join("\n") };
    if (i >= 0) rows[i] = row;
    else rows.push(row);
  }
}

/** destroy --resource R where R is no longer in the plan (destroy after an edit): releases R's kube-vip claims. */
async function releaseRemovedClaims(s: Session, resource: string, rows: ResourceResult[]): Promise<void> {
  try {
    const released: string[] = [];
    for (const site of s.sites) released.push(...(await releaseClaims(site.services, { stack: stackIdentity(site.services), resource })));
    if (released.length === 0) return;
    const i = rows.findIndex((x) => x.id === resource);
    const text = `released kube-vip claim ${released.map((v) => `${VIP_CLAIM_KEY}:${v}`).join(", ")}`;
    if (i >= 0) rows[i] = { ...rows[i]!, detail: `${rows[i]!.detail ?? ""}; ${text}` };
    else rows.push({ id: resource, kind: "(not in the plan)", action: "destroy", result: "ok", ms: 0, detail: text });
  } catch (e) {
    rows.push({ id: resource, kind: "(not in the plan)", action: "destroy", result: "failed", ms: 0, error: `releasing the kube-vip claim: ${errorMessage(e)}` });
  }
}

/**
 * destroy --resource R (R in the plan, prune on): the stack identity's orphans this destroy is in charge of
 * (destroy.ts `orphanDeletedBy`: a removed pool of no cluster in the plan, or of R itself when R is the
 * cluster) are deleted without a drain, and the kube-vip claims of resources no longer in the plan released,
 * as apply's prune does. The parallel destroys of one `cdktf destroy` may meet at the same orphan: deleteGroup
 * re-reads each VM and takes one already gone or being deleted as done, a claim is re-read before its DELETE.
 */
async function destroyOrphans(s: Session, site: AccountSession, one: PlanResource, groups: readonly OwnedGroup[], rows: ResourceResult[]): Promise<void> {
  const { services } = site;
  const { progress } = s;
  try {
    for (const g of orphansDestroyedWith(services, one, groups)) {
      progress.note(`destroy ${one.id}: also deleting ${g.vms.length} VM(s) of ${g.id}, no longer in the plan (${g.vms.map(nameOf).sort().join(", ")})`);
      rows.push(await deleteGroup(services, g, "prune", "(removed from the plan)", false));
    }
    for (const c of await pruneClaims(services, stackIdentity(services), new Set(s.plan.resources.map((r) => r.id)))) {
      progress.note(`destroy ${one.id}: released kube-vip claim ${VIP_CLAIM_KEY}:${c.value} of ${c.resource}, no longer in the plan`);
      rows.push({ id: c.resource, kind: "(removed from the plan)", action: "prune", result: "ok", ms: 0, detail: `released kube-vip claim ${VIP_CLAIM_KEY}:${c.value}` });
    }
  } catch (e) {
    rows.push({ id: "(prune)", kind: "prune", action: "prune", result: "failed", ms: 0, error: errorMessage(e) });
  }
}

/**
 * destroy --resource R --generation G: when R is in the plan with another generation AND Prism Central
 * records that other generation as applied last (applied.ts), this is Terraform cleaning a superseded
 * generation after create_before_destroy: the current generation keeps everything, nothing is deleted.
 * When G is current, absent, R is no longer in the plan, or the plan's newer generation was never
 * applied (`cdktf destroy` after an edit re-synthesizes first), everything R owns is deleted, and with R in
 * the plan and prune on, the orphans R's destroy is in charge of (`destroyOrphans`). Without a resource
 * (requires `yes`), everything the stack identity owns is deleted. Runs under the stack lock.
 */
export async function destroyPlan(opts: DestroyOptions): Promise<RunResult> {
  const plan = loadPlan(opts.plan);
  if (opts.resource === undefined && opts.yes !== true) {
    throw new HandlerInputError(`destroy without --resource deletes every VM of stack ${plan.metadata.stack}: pass --yes to confirm`);
  }
  parseRunSettings(opts);
  const first = openSession(opts, plan, true);
  const lock = await lockSession(first, opts);
  try {
    const noop = await supersededNoop(first, opts);
    if (noop) return noop;
    const one = opts.resource === undefined ? undefined : first.services.plan.get(opts.resource);
    const reasons = await checkDestroy(first.run, opts.resource === undefined ? plan.resources : one ? [one] : [], opts.resource, first.settings.prune);
    if (reasons.length === 0) return await destroyLocked(first, opts, false);
    const { s, check, confirmed } = await underRecord(first, lock, opts, reasons);
    try {
      await confirmed(); // a destroy starts with its deletes' reads: it simply waits for the record
    } catch (e) {
      closeCheck(s);
      throw e;
    }
    return withCheck(await destroyLocked(s, opts, true), check);
  } finally {
    await lock.release();
  }
}

/** The destroy proper; `forget`: remove the applied-generation records (false when the check found none). */
async function destroyLocked(s: Session, opts: DestroyOptions, forget: boolean): Promise<RunResult> {
  const plan = s.plan;
  const one = opts.resource === undefined ? undefined : s.services.plan.get(opts.resource);
  await adopt(s, opts.resource === undefined ? plan.resources : one ? [one] : []);
  const rows: ResourceResult[] = [];
  const scope = opts.resource === undefined ? plan.resources : one ? [one] : [];
  // What Palette deletes through a gateway goes first, clusters before their gateway (reverse plan order),
  // while the gateway's host cluster still runs; when one fails, no VM is deleted (never blind).
  const early = opts.resource === undefined ? scope.filter((r) => destroysBeforeVms(r)).reverse() : [];
  await destroyLocalSteps(s, early, rows);
  if (rows.some((r) => r.result !== "ok")) {
    rows.push({ id: "(destroy)", kind: "destroy", action: "destroy", result: "failed", ms: 0, error: "no VM deleted: the Palette steps above failed (the gateway's host cluster keeps running so that Palette can finish); fix them and destroy again" });
    const result = finishSession(s, "destroy", rows);
    if (opts.log) opts.log(`\n${summaryTable(rows)}\ndestroy FAILED in ${(result.ms / 1000).toFixed(2)}s`);
    return result;
  }
  const kindOf = (hash: string): string => plan.resources.find((r) => resourceHash(r.id) === hash)?.kind ?? "(not in the plan)";
  // Each Prism Central of the run deletes what the stack owns there (one after the other), and with R in the
  // plan and prune on, the orphans there that R's destroy is in charge of.
  for (const site of s.sites) {
    const { rows: siteRows, groups } = await destroySite(s, site, opts.resource, kindOf);
    rows.push(...siteRows);
    if (one && s.settings.prune) await destroyOrphans(s, site, one, groups, rows);
  }
  if (opts.resource !== undefined) mergeRows(rows, opts.resource);
  await destroyLocalSteps(s, scope.filter((r) => !early.includes(r)), rows);
  if (opts.resource !== undefined && !one) await releaseRemovedClaims(s, opts.resource, rows);
  if (forget) await forgetDestroyed(s, rows, opts.resource === undefined);
  const result = finishSession(s, "destroy", rows);
  if (opts.log) opts.log(`\n${summaryTable(rows)}\ndestroy ${result.ok ? "complete" : "FAILED"} in ${(result.ms / 1000).toFixed(2)}s: ${result.api.requests} API requests, ${result.api.writes} writes`);
  return result;
}

/** The deletes of one Prism Central of a destroy (`resource`: the one resource destroyed; else everything). */
async function destroySite(s: Session, site: AccountSession, resource: string | undefined, kindOf: (hash: string) => string): Promise<{ rows: ResourceResult[]; groups: OwnedGroup[] }> {
  const groups = await ownedGroups(site.services, true);
  const where = s.sites.length > 1 ? ` on ${site.target.account ?? site.target.endpoint}` : "";
  if (resource !== undefined) {
    const hash = resourceHash(resource);
    const g = groups.find((x) => x.hash === hash) ?? { hash, id: resource, vms: [] };
    g.id = resource;
    s.progress.note(`destroy ${resource}${where}: ${g.vms.length} VM(s)`);
    return { rows: [await deleteGroup(site.services, g, "destroy", kindOf(hash))], groups };
  }
  s.progress.note(`destroy stack ${s.plan.metadata.stack}${where}: ${groups.reduce((n, g) => n + g.vms.length, 0)} VM(s) of ${groups.length} resource(s)`);
  return { rows: await Promise.all(groups.map((g) => deleteGroup(site.services, g, "destroy", kindOf(g.hash)))), groups };
}

/** Merges, in place, the rows of `id` (one per Prism Central) into one: deleted VMs joined, failures kept. */
function mergeRows(rows: ResourceResult[], id: string): void {
  const mine = rows.filter((r) => r.id === id);
  if (mine.length <= 1) return;
  const deleted = mine.flatMap((r) => r.deleted ?? []);
  const failed = mine.filter((r) => r.result !== "ok");
  const merged: ResourceResult = failed.length > 0
    ? { ...failed[0]!, deleted, error: failed.map((r) => r.error).filter(Boolean).join("\n") }
    : { ...mine[0]!, deleted, ms: Math.max(...mine.map((r) => r.ms)), detail: deleted.length === 0 ? "nothing to delete" : `deleted ${deleted.length} VM(s)` };
  const i = rows.indexOf(mine[0]!);
  rows.splice(0, rows.length, ...rows.filter((r) => r.id !== id));
  rows.splice(Math.min(i, rows.length), 0, merged);
}

/** The result of `status`: the run result (reads only) plus the view. */
export interface StatusResult extends RunResult {
  readonly status: StatusView;
  /** The readable table. */
  readonly text: string;
}

/** Lists the stack's clusters, pools, VMs, their IPs and power state, as Prism Central has them. Reads only. */
export async function statusPlan(opts: HandlerOptions): Promise<StatusResult> {
  const plan = loadPlan(opts.plan);
  const s = openSession(opts, plan, false);
  try {
    const view = statusView(plan, await stackVms(s));
    const result = finishSession(s, "status", []);
    return { ...result, status: view, text: formatStatus(view) };
  } catch (e) {
    const result = finishSession(s, "status", [{ id: "(status)", kind: "status", action: "verify", result: "failed", ms: 0, error: errorMessage(e) }]);
    const view: StatusView = { stack: plan.metadata.stack, clusters: [], vmCount: 0 };
    return { ...result, status: view, text: `status FAILED: ${errorMessage(e)}` };
  }
}

/** The stack's VMs on every Prism Central of the run (one VM once, should two accounts name the same one). */
async function stackVms(s: Session): Promise<VmEntity[]> {
  const seen = new Set<string>();
  const out: VmEntity[] = [];
  for (const site of s.sites) {
    const inv = await site.services.inventory();
    for (const vm of inv.ownedByStack(site.services.identity)) {
      const key = `${site.target.endpoint} ${vm.metadata.uuid ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(vm);
    }
  }
  return out;
}

/** What `destroy` of the whole stack would delete: per resource, the names of its VMs. */
export interface DestroyPreview {
  readonly stack: string;
  readonly resources: readonly { readonly id: string; readonly kind: string; readonly vms: readonly string[] }[];
  readonly vmCount: number;
  /** The readable list. */
  readonly text: string;
}

/** Lists what `destroy --yes` would delete (reads only: the VM list and the running creates). */
export async function destroyPreview(opts: HandlerOptions): Promise<DestroyPreview> {
  const plan = loadPlan(opts.plan);
  const s = openSession(opts, plan, false);
  try {
    const groups = (await Promise.all(s.sites.map((site) => ownedGroups(site.services, true)))).flat();
    const kindOf = (hash: string): string => plan.resources.find((r) => resourceHash(r.id) === hash)?.kind ?? "(not in the plan)";
    const resources = orderRows(groups.map((g) => ({ id: g.id, kind: kindOf(g.hash), vms: g.vms.map((v) => v.spec?.name ?? v.status?.name ?? v.metadata.uuid ?? "?").sort() })), plan.resources);
    const vmCount = resources.reduce((n, r) => n + r.vms.length, 0);
    const lines = resources.map((r) => `  - ${r.id} (${r.kind}): ${r.vms.join(", ")}`);
    const text = vmCount === 0 ? `destroy: stack ${plan.metadata.stack} owns no VM in Prism Central; nothing to delete` : [`destroy would delete ${vmCount} VM(s) of stack ${plan.metadata.stack}:`, ...lines].join("\n");
    return { stack: plan.metadata.stack, resources, vmCount, text };
  } finally {
    finishSession(s, "destroy", []);
  }
}
