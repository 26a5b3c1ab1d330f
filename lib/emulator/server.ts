/**
 * The Prism Central v3 emulator: a real HTTP(S) server with the v3 paths, envelopes, lists, tasks,
 * categories and error bodies of the reference, state persisted atomically (group commit) before each
 * write is acknowledged, and fault injection. Admin paths live under /_emulator (same basic auth, no faults).
 *
 * This module starts and stops the server and runs each request through the pipeline (body, auth,
 * counters, faults, the route under the mutex, group commit); the routes live in ./routes, the admin
 * paths in ./admin.
 */
import { promises as fsp } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { handleAdmin } from "./admin";
import { API_PATH } from "./api";
import type { EmulatorUser } from "./auth";
import { selfSignedCertificate } from "./certificate";
import type { Counters } from "./counters";
import { Emulator } from "./emulator";
import { errorReply, faultReply, internalError, invalid } from "./errors";
import { Faults, splitFaultRate, type FaultConfig } from "./faults";
import { MAX_BODY, formatUrl, readBody, send, type Reply } from "./http";
import { settle } from "./lifecycle";
import type { KubeSide } from "./kube-side";
import { routeRequest } from "./routes";
import { loadDefaultSeed, loadSeedFile, parseSeed, stateFromSeed, type SeedInput } from "./seed";
import { readStateFile, type EmulatorState } from "./state";
import { sleep } from "./util";

export type { EmulatorUser } from "./auth";
export type { Counters } from "./counters";

export interface EmulatorOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 = ephemeral. @default 0 */
  port?: number;
  /** JSON state file; loaded when present, else created from the seed. In memory when absent. */
  statePath?: string;
  /** Seed object (validated). Ignored when the state file exists. */
  seed?: SeedInput;
  /** Seed file (JSON). Ignored when the state file exists. Default: lib/emulator/default-seed.json. */
  seedPath?: string;
  /** Serve HTTPS with a self-signed certificate generated at start. */
  https?: boolean;
  /** Directory for the CA file when https; default next to the state file, else a temp directory. */
  caDir?: string;
  latencyMs?: number;
  /** Task duration. @default 200 */
  taskMs?: number;
  /** Task duration per operation type (create_vm_intentful, update_vm_intentful, delete_vm_intentful…), overriding `taskMs`. @default {} */
  taskMsByOperation?: Record<string, number>;
  /** Fault mix: 500/503 R/2, 429 R/4, resets R/4. */
  faultRate?: number;
  faultSeed?: number;
  /** Fraction of tasks ending FAILED. */
  taskFailureRate?: number;
  /** Any other fault settings. */
  faults?: Partial<FaultConfig>;
  /** @default [{ username: "admin", password: "Nutanix/4u" }] */
  users?: EmulatorUser[];
  /** Accept PUTs with a stale or missing spec_version (pc.2024.3 did). @default true */
  lenientVersions?: boolean;
  /** Refuse a stale or missing spec_version with 409/422 (older PCs). Overrides lenientVersions. @default false */
  strictVersions?: boolean;
  /** An unreserved `metadata.uuid` on POST /vms gets 202 and a failed task (pc ≥ 2022.1). @default true */
  requireReservedUuids?: boolean;
  /** A new VM's GET answers 404 while its create task is QUEUED. @default true */
  notFoundAfterCreate?: boolean;
  /** Refuse hot-remove (CPU/memory decrease, cores-per-socket change) on a running VM through a failed task. @default true */
  refuseHotRemove?: boolean;
  /** `clusters/list` ignores its filter, as seen on pc.2022.6 (terraform-provider-nutanix #542). @default true */
  looseFilters?: boolean;
  /** Refuse, through the task, a VM asking for more GPUs than its PE has UNUSED [guess]. @default false */
  gpuCapacity?: boolean;
  /**
   * A VM whose create task fails stays listed and readable in state ERROR (until deleted) instead of going away:
   * a real PC "can answer 2xx with `status.state: ERROR`" for an entity whose async create failed (PGC and TF
   * return such entities; which of the two a given PC does is not documented). @default false
   */
  keepFailedCreates?: boolean;
  /**
   * Put the guest-customization CD-ROM first in a new VM's disk list instead of after the disks sent (its position
   * on a real PC is not guaranteed: TF `structure.go` looks it up by `cloud_init_cdrom_uuid`). @default false
   */
  cdromFirst?: boolean;
  /** Milliseconds from a node VM's boot until its Kubernetes Node is Ready (kube-side.ts). @default 0 */
  nodeReadyMs?: number;
  /** Hold every new Kubernetes Node NotReady. @default false */
  nodesNeverReady?: boolean;
  requestBudget?: number;
  logger?: (line: string) => void;
}

export interface RunningEmulator {
  /** Origin, e.g. http://127.0.0.1:40123 (use it as the client endpoint). */
  url: string;
  host: string;
  port: number;
  /** PEM file of the self-signed certificate (its own CA), when https. */
  caFile?: string;
  caPem?: string;
  /** The first configured user. */
  username: string;
  password: string;
  statePath?: string;
  faults: Faults;
  /** A settled deep copy of the state. */
  snapshot(): EmulatorState;
  counters(): Counters;
  /** The clusters' Kubernetes side (tests add pods and PodDisruptionBudgets through its models). */
  kube: KubeSide;
  stop(): Promise<void>;
}

/** Starts the emulator. Always `await stop()`. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const log = options.logger ?? (() => undefined);
  const users = options.users && options.users.length > 0 ? options.users : [{ username: "admin", password: "Nutanix/4u" }];
  let state: EmulatorState | null = options.statePath ? await readStateFile(options.statePath) : null;
  const fresh = state === null;
  if (!state) {
    const seed = options.seed !== undefined ? parseSeed(options.seed) : options.seedPath !== undefined ? await loadSeedFile(options.seedPath) : await loadDefaultSeed();
    state = stateFromSeed(seed);
  }
  const faultInit: Partial<FaultConfig> = { ...(options.faultRate !== undefined ? splitFaultRate(options.faultRate) : {}) };
  if (options.latencyMs !== undefined) faultInit.latencyMs = options.latencyMs;
  if (options.faultSeed !== undefined) faultInit.seed = options.faultSeed;
  if (options.taskFailureRate !== undefined) faultInit.taskFailureRate = options.taskFailureRate;
  if (options.requestBudget !== undefined) faultInit.requestBudget = options.requestBudget;
  Object.assign(faultInit, options.faults ?? {});
  const faults = new Faults(faultInit);
  const emu = new Emulator(
    state,
    { statePath: options.statePath, taskMs: options.taskMs ?? 200, ...(options.taskMsByOperation ? { taskMsByOperation: { ...options.taskMsByOperation } } : {}), users, lenientVersions: options.strictVersions === true ? false : (options.lenientVersions ?? true),
      requireReservedUuids: options.requireReservedUuids ?? true,
      notFoundAfterCreate: options.notFoundAfterCreate ?? true,
      refuseHotRemove: options.refuseHotRemove ?? true,
      ...(options.cdromFirst === true ? { cdromFirst: true } : {}),
      ...(options.keepFailedCreates === true ? { keepFailedCreates: true } : {}),
      looseFilters: options.looseFilters ?? true,
      gpuCapacity: options.gpuCapacity === true,
      log, https: options.https === true,
      nodeReadyMs: options.nodeReadyMs ?? 0, nodesNeverReady: options.nodesNeverReady ?? false },
    faults,
  );
  if (fresh && options.statePath) {
    await fsp.mkdir(path.dirname(options.statePath), { recursive: true });
    await emu.commit.persist();
  }

  let caPem: string | undefined;
  let caFile: string | undefined;
  let tempDir: string | undefined;
  let server: http.Server;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void handle(emu, req, res).catch((e: unknown) => {
      log(`prism-emulator: internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      send(res, internalError("emulator internal error"));
    });
  };
  if (options.https) {
    const pems = await selfSignedCertificate(host);
    caPem = pems.cert;
    const dir = options.caDir ?? (options.statePath ? path.dirname(options.statePath) : (tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), "prism-emulator-"))));
    caFile = path.join(dir, options.statePath && !options.caDir ? `${path.basename(options.statePath)}.ca.pem` : "prism-emulator-ca.pem");
    await fsp.writeFile(caFile, caPem, { mode: 0o644 });
    server = https.createServer(pems, handler);
  } else {
    server = http.createServer(handler);
  }
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = formatUrl(options.https ? "https" : "http", host, port);
  emu.baseUrl = url;
  let stopped: Promise<void> | null = null;
  const running: RunningEmulator = {
    url,
    host,
    port,
    username: users[0]!.username,
    password: users[0]!.password,
    faults,
    snapshot: () => {
      settle(emu.state, Date.now());
      return structuredClone(emu.state);
    },
    counters: () => structuredClone(emu.counters),
    kube: emu.kube,
    stop: () => {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await emu.mutex.drain();
        await emu.commit.drain();
        await emu.kube.stop();
        if (tempDir) await fsp.rm(tempDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  if (caFile !== undefined) running.caFile = caFile;
  if (caPem !== undefined) running.caPem = caPem;
  if (options.statePath !== undefined) running.statePath = options.statePath;
  return running;
}

async function handle(emu: Emulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://emulator");
  const p = url.pathname;
  const log = emu.opts.log;
  const raw = await readBody(req);

  if (p === "/_emulator" || p.startsWith("/_emulator/")) {
    const r = await handleAdmin(emu, req, method, p, raw);
    if (r.status >= 400) log(`prism-emulator: ${r.status} ${method} ${p}: ${r.note ?? r.text ?? ""}`);
    send(res, r);
    return;
  }
  if (!(p === API_PATH || p.startsWith(`${API_PATH}/`))) {
    const r = errorReply(404, "INVALID_REQUEST", `no such path: ${method} ${p} (the API is under ${API_PATH})`);
    log(`prism-emulator: 404 ${method} ${p}: unknown path`);
    send(res, r);
    return;
  }
  let segs: string[];
  try {
    segs = p
      .slice(API_PATH.length)
      .split("/")
      .filter((x) => x !== "")
      .map((x) => decodeURIComponent(x));
  } catch {
    send(res, invalid({ "": ["malformed percent-encoding in the path"] }));
    return;
  }

  const c = emu.counters;
  c.total++;
  const user = emu.auth.authenticate(req);
  let body: unknown = undefined;
  let bodyError: Reply | undefined;
  if ("tooLarge" in raw) bodyError = errorReply(413, "INVALID_REQUEST", `request body larger than ${MAX_BODY} bytes`);
  else if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      bodyError = invalid({ "": [`Request body is not valid JSON: ${(e as Error).message}`] });
    }
  }
  const r = routeRequest({ emu, method, segs, body, user: user ?? "" });
  const routeKey = `${method} ${r.template}`;
  c.byRoute[routeKey] = (c.byRoute[routeKey] ?? 0) + 1;
  if (r.write) c.writes++;
  else c.reads++;

  const lat = emu.faults.latency();
  if (lat > 0) await sleep(lat);
  const d = emu.faults.decide(r.write);
  const finish = (reply: Reply): void => {
    c.byStatus[String(reply.status)] = (c.byStatus[String(reply.status)] ?? 0) + 1;
    if (reply.status >= 400 && reply.status !== 404 && reply.status !== 429 && reply.status < 500) {
      c.badRequests++;
      log(`prism-emulator: ${reply.status} ${method} ${p}: ${reply.note ?? reply.text ?? ""}`);
    }
    send(res, reply);
  };
  if (d.kind === "reset-before") {
    c.faults.reset++;
    req.socket.destroy();
    return;
  }
  if (d.kind === "status") {
    if (d.reason === "budget") c.faults.budget++;
    else c.faults[String(d.status) as "500" | "503" | "429"]++;
    finish(faultReply(d, emu.faults.config.retryAfterSeconds));
    return;
  }
  if (!user) {
    finish({ status: 401, text: "Authentication required", headers: { "WWW-Authenticate": 'Basic realm="Intent Gateway"' }, note: "bad credentials" });
    return;
  }
  if (bodyError) {
    finish(bodyError);
    return;
  }
  const reply = await emu.mutex.run(() => {
    emu.now = Date.now();
    emu.settleForPrism(emu.now);
    const out = r.run();
    if (out.wrote) emu.commit.markChanged();
    return out;
  });
  // Group commit: the answer (of a write, and of a read that may show one) waits for the flush that
  // holds every change made so far.
  await emu.commit.durable();
  if (d.kind === "reset-after" && reply.wrote) {
    c.faults.reset++;
    req.socket.destroy();
    return;
  }
  finish(reply);
}
