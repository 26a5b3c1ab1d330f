/**
 * One run of the handler: the validated settings, the target, the Prism client, the services handed to
 * the reconcilers, progress; and the RunResult it ends with.
 */
import * as path from "node:path";
import { PrismClient, type RetryOptions } from "../prism/client";
import type { Plan, PlanResource } from "../schema/plan";
import { errorMessage, HandlerInputError } from "./errors";
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_TASK_TIMEOUT_MS, parseRunSettings, type RunSettings, type RunSettingsInput } from "./options";
import { Progress } from "./progress";
import { closeKubeConnections } from "./kube/access";
import { closePaletteConnections, setPaletteEndpoint } from "./palette/session";
import { createServices, defaultFeatures, type PollOptions, type RunFeatures, type RunServices, type Services } from "./services";
import { accountOf, lockOrder, runAccounts } from "./accounts";
import { resolveTargets, type Target, type TargetOptions } from "./target";
import type { ResourceResult, RunResult } from "./types";

/** What a session needs from the caller's options. */
export interface SessionOptions extends TargetOptions, Partial<Record<keyof RunSettingsInput, unknown>> {
  plan: Plan | string;
  log?: (line: string) => void;
  tty?: { write(text: string): void };
  poll?: Partial<PollOptions>;
  retries?: RetryOptions;
  requestTimeoutMs?: number;
  outputDir?: string;
  /** The one resource of the run. @default every resource */
  resource?: string;
  taskDurationsFile?: string | false;
}

/** The name of the learned task durations file in the output directory (a dotfile: not part of the synth output). */
export const TASK_DURATIONS_FILE_NAME = ".nutanix-task-durations.json";

/** The local output directory: `outputDir`, else the plan file's directory; undefined for a Plan object without outputDir. */
export function outputDirOf(opts: Pick<SessionOptions, "outputDir" | "plan">): string | undefined {
  return opts.outputDir !== undefined ? path.resolve(opts.outputDir) : typeof opts.plan === "string" ? path.dirname(path.resolve(opts.plan)) : undefined;
}

/** Where learned task durations persist (see HandlerOptions.taskDurationsFile), or undefined for none. */
export function taskDurationsFileOf(opts: Pick<SessionOptions, "outputDir" | "plan" | "taskDurationsFile">): string | undefined {
  if (opts.taskDurationsFile === false) return undefined;
  if (opts.taskDurationsFile !== undefined) return path.resolve(opts.taskDurationsFile);
  const dir = outputDirOf(opts);
  return dir === undefined ? undefined : path.join(dir, TASK_DURATIONS_FILE_NAME);
}

/** One account of a run: its target, its own Prism Central client and its own services. */
export interface AccountSession {
  readonly target: Target;
  readonly client: PrismClient;
  readonly services: Services;
}

export interface Session {
  readonly plan: Plan;
  readonly settings: RunSettings;
  /** The accounts of the run (accounts.ts runAccounts), in plan order; at least one. */
  readonly accounts: readonly AccountSession[];
  /** One account per distinct Prism Central endpoint, in lock order (accounts.ts lockOrder): prune, destroy, status. */
  readonly sites: readonly AccountSession[];
  /** The first account's target, client and services (what a PaletteAccount resource runs with). */
  readonly target: Target;
  readonly client: PrismClient;
  readonly services: Services;
  readonly progress: Progress;
  readonly t0: number;
  /** The services of the account `r` is applied through (accounts.ts accountOf). */
  servicesOf(r: PlanResource): Services;
  /** servicesOf and the sites' services, for write-check.ts and destroy.ts. */
  readonly run: RunServices;
}

function featuresOf(settings: RunSettings, opts: SessionOptions, target: Target): RunFeatures {
  const admin = { endpoint: target.endpoint, credentials: target.credentials, insecure: target.insecure, ...(target.caBundle !== undefined ? { caBundle: target.caBundle } : {}) };
  const outputDir = outputDirOf(opts);
  return {
    ...defaultFeatures(admin),
    waitEndpoints: settings.waitEndpoints,
    endpointTimeoutMs: settings.endpointTimeoutMs,
    endpointReadiness: settings.endpointReadiness,
    endpointPoll: settings.endpointPoll,
    checkReachability: settings.checkReachability,
    allowExternalProbes: settings.allowExternalProbes,
    probeTimeoutMs: settings.probeTimeoutMs,
    nodeReadyTimeoutMs: settings.nodeReadyTimeoutMs,
    drainTimeoutMs: settings.drainTimeoutMs,
    kubePollMs: settings.kubePollMs,
    gatewayTimeoutMs: settings.gatewayTimeoutMs,
    palettePollMs: settings.palettePollMs,
    approveRepave: settings.approveRepave,
    ...(outputDir !== undefined ? { outputDir } : {}),
  };
}

/** One account's client and services; `writeGate` (the lock's read-back) holds every write of its client. */
function openAccount(opts: SessionOptions, plan: Plan, writable: boolean, settings: RunSettings, target: Target, progress: Progress, writeGate?: () => Promise<void>): AccountSession {
  const durationsFile = taskDurationsFileOf(opts);
  let client: PrismClient;
  try {
    client = prismClientOf(target, opts, settings, {
      ...(durationsFile !== undefined ? { taskDurationsFile: durationsFile } : {}),
      ...(writeGate !== undefined ? { writeGate } : {}),
      logger: (line) => progress.note(`  ${line}`),
    });
  } catch (e) {
    throw new HandlerInputError(`${target.account ?? "the target"}: ${errorMessage(e)}`);
  }
  const services = createServices({
    plan,
    client,
    login: target.credentials,
    env: opts.env ?? process.env,
    parallelism: settings.parallelism,
    progress,
    writable,
    features: featuresOf(settings, opts, target),
    poll: { timeoutMs: settings.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS, ...opts.poll },
    ...(opts.resource !== undefined ? { resource: opts.resource } : {}),
  });
  if (opts.paletteEndpoint !== undefined) setPaletteEndpoint(services, opts.paletteEndpoint);
  return { target, client, services };
}

/**
 * Opens a run: settings through the schema, then for each account of the run (accounts.ts runAccounts)
 * its target, its own client and its own services (session and login, inventory, running tasks, task
 * durations per Prism Central). Every account's target is resolved before any client is made.
 */
export function openSession(opts: SessionOptions, plan: Plan, writable: boolean, writeGate?: () => Promise<void>): Session {
  const t0 = Date.now();
  const settings = parseRunSettings(opts);
  const targets = resolveTargets(plan, opts, runAccounts(plan, opts.resource));
  const progress = new Progress({ line: opts.log ?? (() => undefined) }, opts.log ? opts.tty : undefined);
  for (const w of targets.flatMap((t) => t.warnings)) progress.note(`warning: ${w}`);
  const accounts: AccountSession[] = [];
  try {
    for (const t of targets) accounts.push(openAccount(opts, plan, writable, settings, t, progress, writeGate));
  } catch (e) {
    for (const a of accounts) a.client.close();
    progress.close();
    throw e;
  }
  const first = accounts[0]!;
  const byAccount = new Map(accounts.map((a) => [a.target.account, a.services]));
  const servicesOf = (r: PlanResource): Services => {
    const id = accountOf(r);
    if (id === undefined) return first.services;
    const found = byAccount.get(id);
    if (!found) throw new Error(`${r.id}: its account ${id} is not part of this run`);
    return found;
  };
  const sites = lockOrder(accounts.map((a) => a.target.endpoint)).map((i) => accounts[i]!);
  const run: RunServices = { servicesOf, sites: sites.map((a) => a.services) };
  return { plan, settings, accounts, sites, target: first.target, client: first.client, services: first.services, progress, t0, servicesOf, run };
}

/** The endpoints of a run, for progress lines: `<url>`, or `<account>=<url>, …` with several accounts. */
export function endpointsText(s: Pick<Session, "accounts">): string {
  if (s.accounts.length === 1) return s.accounts[0]!.target.endpoint;
  return s.accounts.map((a) => `${a.target.account ?? "?"}=${a.target.endpoint}`).join(", ");
}

/** The API figures of a run's clients, summed. */
export function apiOf(s: Pick<Session, "accounts">): RunResult["api"] {
  const sum = (k: "requests" | "writes" | "retries"): number => s.accounts.reduce((n, a) => n + a.client.stats[k], 0);
  return { requests: sum("requests"), writes: sum("writes"), retries: sum("retries") };
}

/** Closes every client of a run (and its Palette connections). */
export function closeSession(s: Pick<Session, "accounts" | "progress">): void {
  s.progress.close();
  for (const a of s.accounts) {
    a.client.close();
    closePaletteConnections(a.services);
    closeKubeConnections(a.services);
  }
}

/**
 * A Prism Central client for the run's target: its endpoint, login, TLS settings, retries and request
 * timeout (the session's client, and the lock record's own client, are both made here).
 */
export function prismClientOf(
  target: Target,
  opts: { readonly retries?: RetryOptions | undefined },
  settings: Pick<RunSettings, "requestTimeoutMs">,
  extra: Pick<ConstructorParameters<typeof PrismClient>[0], "taskDurationsFile" | "logger" | "writeGate"> = {},
): PrismClient {
  return new PrismClient({
    endpoint: target.endpoint,
    username: target.credentials.username,
    password: target.credentials.password,
    insecure: target.insecure,
    ...(target.caBundle !== undefined ? { caBundle: target.caBundle } : {}),
    ...(opts.retries ? { retries: opts.retries } : {}),
    timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...extra,
  });
}

/** Closes a run and builds its result (`endpoints` per account when the run has several). */
export function finishSession(s: Session, command: RunResult["command"], resources: ResourceResult[], extra: { noop?: string } = {}): RunResult {
  closeSession(s);
  const ok = resources.every((r) => r.result === "ok");
  return {
    command,
    stack: s.plan.metadata.stack,
    ok,
    exitCode: ok ? 0 : 1,
    resources,
    ms: Date.now() - s.t0,
    api: apiOf(s),
    endpoint: s.target.endpoint,
    ...(s.accounts.length > 1 ? { endpoints: Object.fromEntries(s.accounts.map((a) => [a.target.account ?? "", a.target.endpoint])) } : {}),
    warnings: s.accounts.flatMap((a) => a.target.warnings),
    ...(extra.noop ? { noop: extra.noop } : {}),
  };
}
