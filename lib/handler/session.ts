/**
 * One run of the handler: the validated settings, the target, the Prism client, the services handed to
 * the reconcilers, progress; and the RunResult it ends with.
 */
import * as path from "node:path";
import { PrismClient, type RetryOptions } from "../prism/client";
import type { Plan } from "../schema/plan";
import { errorMessage, HandlerInputError } from "./errors";
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_TASK_TIMEOUT_MS, parseRunSettings, type RunSettings, type RunSettingsInput } from "./options";
import { Progress } from "./progress";
import { closePaletteConnections, setPaletteEndpoint } from "./palette/session";
import { createServices, defaultFeatures, type PollOptions, type RunFeatures, type Services } from "./services";
import { resolveTarget, type Target, type TargetOptions } from "./target";
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

export interface Session {
  readonly plan: Plan;
  readonly settings: RunSettings;
  readonly target: Target;
  readonly client: PrismClient;
  readonly services: Services;
  readonly progress: Progress;
  readonly t0: number;
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
    ...(outputDir !== undefined ? { outputDir } : {}),
  };
}

/** Opens a run: settings through the schema, the target, the client, the services. */
export function openSession(opts: SessionOptions, plan: Plan, writable: boolean, writeGate?: () => Promise<void>): Session {
  const t0 = Date.now();
  const settings = parseRunSettings(opts);
  const target = resolveTarget(plan, opts);
  const progress = new Progress({ line: opts.log ?? (() => undefined) }, opts.log ? opts.tty : undefined);
  for (const w of target.warnings) progress.note(`warning: ${w}`);
  const durationsFile = taskDurationsFileOf(opts);
  let client: PrismClient;
  try {
    client = prismClientOf(target, opts, settings, {
      ...(durationsFile !== undefined ? { taskDurationsFile: durationsFile } : {}),
      ...(writeGate !== undefined ? { writeGate } : {}),
      logger: (line) => progress.note(`  ${line}`),
    });
  } catch (e) {
    throw new HandlerInputError(errorMessage(e));
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
  return { plan, settings, target, client, services, progress, t0 };
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

/** Closes a run and builds its result. */
export function finishSession(s: Session, command: RunResult["command"], resources: ResourceResult[], extra: { noop?: string } = {}): RunResult {
  s.progress.close();
  s.client.close();
  closePaletteConnections(s.services);
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
