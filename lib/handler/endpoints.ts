/**
 * Waiting for a cluster's kube-vip address to answer (`--wait-endpoints`), and telling the Prism
 * Central emulator from a real Prism Central.
 *
 * Two ways to know whether `<vip>:<port>` answers:
 * - the emulator: `GET /_emulator/endpoints/<vip>:<port>` → `{ready}` (the emulator simulates the VIP
 *   coming up or not; nothing is dialled);
 * - a real Prism Central: a TCP connect to `<vip>:<port>` (opened and closed at once, nothing sent),
 *   retried with backoff until the timeout.
 *
 * Which one is used (`--endpoint-readiness`): `auto` (default) asks the target for
 * `GET /_emulator/health`; `{ok: true}` means the emulator, any other HTTP answer a real Prism Central.
 * A transport error while detecting fails the wait (it never falls back to dialling). `emulator` insists
 * on the emulator. `tcp` dials, but never against the emulator unless the VIP is loopback: the emulator's
 * VIPs are data, not machines.
 */
import * as net from "node:net";
import { hostPort } from "../net/host-port";
import { makeAgent, parseCaBundle, sendRequest } from "../prism/transport";
import { isLoopbackHost } from "../pcg/probe";

/** How endpoint readiness is learned. */
export type EndpointReadinessMode = "auto" | "emulator" | "tcp";

export const ENDPOINT_READINESS_MODES: readonly EndpointReadinessMode[] = ["auto", "emulator", "tcp"];

/** Default of `--endpoint-timeout` (seconds). */
export const DEFAULT_ENDPOINT_TIMEOUT_S = 600;

/** Polling of the wait: first delay, growing ×1.5 up to the cap. */
export interface EndpointPoll {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A "still waiting" progress line at most this often. */
  reportEveryMs: number;
}

export const DEFAULT_ENDPOINT_POLL: EndpointPoll = { initialDelayMs: 250, maxDelayMs: 5000, reportEveryMs: 10_000 };

/** The part of the target the admin requests need. */
export interface AdminTarget {
  readonly endpoint: string;
  readonly credentials: { readonly username: string; readonly password: string };
  readonly insecure: boolean;
  readonly caBundle?: string;
}

/** An admin GET to the emulator under /_emulator (basic auth, as the emulator wants). */
export async function emulatorAdminGet(target: AdminTarget, adminPath: string, timeoutMs = 10_000): Promise<{ status: number; json: unknown }> {
  const url = new URL(`/_emulator${adminPath}`, target.endpoint);
  const agent = makeAgent(url, target.caBundle ? { insecure: target.insecure, caCertificates: parseCaBundle(target.caBundle) } : { insecure: target.insecure });
  try {
    const auth = Buffer.from(`${target.credentials.username}:${target.credentials.password}`).toString("base64");
    const res = await sendRequest(url, { method: "GET", headers: { Accept: "application/json", Authorization: `Basic ${auth}` }, agent, timeoutMs });
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  } finally {
    agent.destroy();
  }
}

/**
 * Whether the target is the Prism Central emulator: `GET /_emulator/health` answers 200 `{ok: true}`.
 * Any other HTTP answer: a real Prism Central. A transport error throws (never guess "real" and dial).
 */
export async function detectEmulator(target: AdminTarget): Promise<boolean> {
  let r: { status: number; json: unknown };
  try {
    r = await emulatorAdminGet(target, "/health");
  } catch (e) {
    throw new Error(`cannot tell whether ${target.endpoint} is the Prism Central emulator (GET /_emulator/health: ${(e as Error).message}); pass --endpoint-readiness emulator or tcp`);
  }
  return r.status === 200 && typeof r.json === "object" && r.json !== null && (r.json as { ok?: unknown }).ok === true;
}

/** The emulator's simulated readiness of `address:port`. */
export async function emulatorEndpointReady(target: AdminTarget, address: string, port: number): Promise<boolean> {
  const key = hostPort(address, port);
  const r = await emulatorAdminGet(target, `/endpoints/${encodeURIComponent(key).replace(/%3A/gi, ":")}`);
  if (r.status !== 200 || typeof r.json !== "object" || r.json === null) throw new Error(`GET /_emulator/endpoints/${key}: HTTP ${r.status}`);
  return (r.json as { ready?: unknown }).ready === true;
}

/** One TCP connect attempt: opened and closed at once, nothing sent. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let done = false;
    const finish = (r: { ok: boolean; detail: string }): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once("connect", () => finish({ ok: true, detail: "connected" }));
    socket.once("error", (e: NodeJS.ErrnoException) => finish({ ok: false, detail: e.code ?? e.message }));
  });
}

/** What a wait found. */
export interface WaitResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly attempts: number;
  /** The last check's account ("not ready", "ECONNREFUSED", …). */
  readonly last: string;
}

/**
 * Calls `check` until it answers ok or `timeoutMs` has passed, sleeping with backoff in between, and
 * reports progress through `report` (at the start is the caller's job; here "still waiting" lines at
 * most every `poll.reportEveryMs`).
 */
export async function waitUntil(
  check: (remainingMs: number) => Promise<{ ok: boolean; detail: string }>,
  opts: { timeoutMs: number; poll: EndpointPoll; report: (line: string) => void; now?: () => number },
): Promise<WaitResult> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  let delay = opts.poll.initialDelayMs;
  let attempts = 0;
  let lastReport = t0;
  for (;;) {
    attempts++;
    const remaining = opts.timeoutMs - (now() - t0);
    const r = await check(Math.max(1, remaining));
    if (r.ok) return { ok: true, ms: now() - t0, attempts, last: r.detail };
    const elapsed = now() - t0;
    if (elapsed >= opts.timeoutMs) return { ok: false, ms: elapsed, attempts, last: r.detail };
    if (now() - lastReport >= opts.poll.reportEveryMs) {
      lastReport = now();
      opts.report(`still waiting (${(elapsed / 1000).toFixed(1)}s of ${(opts.timeoutMs / 1000).toFixed(0)}s, ${attempts} checks): ${r.detail}`);
    }
    await new Promise((res) => setTimeout(res, Math.min(delay, Math.max(1, opts.timeoutMs - elapsed))));
    delay = Math.min(opts.poll.maxDelayMs, Math.round(delay * 1.5));
  }
}

/** What the handler decided to use for one endpoint. */
export type ResolvedReadiness = { kind: "emulator" } | { kind: "tcp" };

/**
 * Resolves the readiness source for `address`, enforcing the safety rule: against the emulator only
 * loopback VIPs are ever dialled.
 */
export function chooseReadiness(mode: EndpointReadinessMode, isEmulator: boolean, address: string, endpoint: string): ResolvedReadiness {
  if (mode === "emulator") {
    if (!isEmulator) throw new Error(`--endpoint-readiness emulator: ${endpoint} is not the Prism Central emulator (GET /_emulator/health did not answer {ok: true})`);
    return { kind: "emulator" };
  }
  if (mode === "tcp") {
    if (isEmulator && !isLoopbackHost(address)) {
      throw new Error(`--endpoint-readiness tcp refused: ${endpoint} is the Prism Central emulator and ${address} is not a loopback address; its VIPs are data, not machines (use --endpoint-readiness auto or emulator)`);
    }
    return { kind: "tcp" };
  }
  return isEmulator ? { kind: "emulator" } : { kind: "tcp" };
}
