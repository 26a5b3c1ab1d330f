/**
 * The palette-emulator: an HTTP server on a loopback address answering the Palette paths of the Nutanix flow
 * with the spec's shapes, persisting its state atomically after every write, with the Prism Central emulator's
 * fault model, optional token-bucket 429s, and a request log.
 *
 * Auth (spec `securityDefinitions`; librarium API intro): `ApiKey: <key>` (header names are case-insensitive), or
 * `Authorization: <token>` (the emulator accepts its one key there too: guess); anything else is 401
 * `Unauthorized`. Scope: the `ProjectUid` header; an unknown project uid is 403 `Forbidden` (guess).
 */
import * as http from "node:http";
import type * as net from "node:net";
import { MASK, SECRET_KEY } from "../palette/redact";
import type { Ctx, Route, Timings } from "./context";
import { PaletteFaults, PaletteFaultPatch, type PaletteFaultConfig } from "./faults";
import { clusterHidden, clusterView } from "./lifecycle";
import { Mutex } from "./random";
import { err, type Reply } from "./reply";
import { accountRoutes } from "./routes/accounts";
import { cloudConfigRoutes } from "./routes/cloud-configs";
import { cloudRoutes } from "./routes/clouds";
import { clusterRoutes } from "./routes/clusters";
import { dashboardRoutes } from "./routes/dashboard";
import { pcgRoutes } from "./routes/pcg";
import { defaultState, readStateFile, writeFileAtomic, type PaletteState } from "./state";

export interface PaletteEmulatorOptions {
  /** The accepted API key. */
  apiKey: string;
  /** Loopback address to bind. @default "127.0.0.1" */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** State file (JSON, written atomically); loaded when present. @default in memory only */
  statePath?: string;
  /** Length of one lifecycle step. @default 1000 */
  stepMs?: number;
  /** Faults at start. @default none */
  faults?: Partial<PaletteFaultConfig>;
  /** Token bucket per client address and resource prefix (`/v1/<first segment>`), answering 429. @default unlimited */
  rateLimit?: { perSecond: number; burst: number };
  /** Log lines (bad requests, fault changes). @default none */
  log?: (line: string) => void;
}

/** One entry of `GET /_emulator/requests`: secrets masked. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;
const SECRET_HEADERS = new Set(["apikey", "authorization", "cookie"]);

interface Compiled {
  route: Route;
  re: RegExp;
  names: string[];
}

function compile(routes: Route[]): Compiled[] {
  return routes.map((route) => {
    const names: string[] = [];
    const src = route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { route, re: new RegExp(`^${src}$`), names };
  });
}

const ROUTES = compile([...pcgRoutes, ...dashboardRoutes, ...cloudRoutes, ...accountRoutes, ...clusterRoutes, ...cloudConfigRoutes]);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A deep copy with every value under a secret-named key masked, and the API key masked in every string. */
export function maskValue(v: unknown, apiKey: string): unknown {
  if (typeof v === "string") return apiKey ? v.split(apiKey).join(MASK) : v;
  if (Array.isArray(v)) return v.map((x) => maskValue(x, apiKey));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) && typeof x === "string" ? MASK : maskValue(x, apiKey)]));
  return v;
}

export class PaletteEmulator {
  readonly faults: PaletteFaults;
  requests: LoggedRequest[] = [];
  state: PaletteState = defaultState();
  private readonly mutex = new Mutex();
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly timings: Timings;
  private readonly log: (line: string) => void;
  private boundPort = 0;

  constructor(readonly opts: PaletteEmulatorOptions) {
    if (!opts.apiKey) throw new Error("palette-emulator: an API key is required");
    const host = opts.host ?? "127.0.0.1";
    if (!LOOPBACK.test(host)) throw new Error(`palette-emulator: --host ${host} is not a loopback address (127.0.0.0/8, ::1): the emulator serves loopback only`);
    this.faults = new PaletteFaults(opts.faults);
    this.timings = { stepMs: opts.stepMs ?? 1000 };
    this.log = opts.log ?? (() => undefined);
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const h = this.opts.host ?? "127.0.0.1";
    return `http://${h.includes(":") ? `[${h}]` : h}:${this.boundPort}`;
  }

  async start(): Promise<this> {
    if (this.opts.statePath) {
      const loaded = await readStateFile(this.opts.statePath);
      if (loaded) this.state = loaded;
      else await this.persist();
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host ?? "127.0.0.1", () => resolve());
    });
    this.boundPort = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await this.mutex.run(() => undefined);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async persist(): Promise<void> {
    if (this.opts.statePath) await writeFileAtomic(this.opts.statePath, `${JSON.stringify(this.state, null, 2)}\n`);
  }

  private authorized(req: http.IncomingMessage): boolean {
    const key = req.headers.apikey ?? req.headers.authorization;
    return key === this.opts.apiKey;
  }

  private record(req: http.IncomingMessage, url: URL, raw: Buffer): void {
    const headers: Record<string, string> = {};
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      headers[name] = SECRET_HEADERS.has(name.toLowerCase()) ? MASK : req.rawHeaders[i + 1]!;
    }
    let body: unknown = undefined;
    if (raw.length > 0) {
      const text = raw.toString("utf8");
      try {
        body = /json/i.test(req.headers["content-type"] ?? "") ? JSON.parse(text) : text;
      } catch {
        body = text;
      }
    }
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: maskValue(body ?? null, this.opts.apiKey) });
  }

  private rateLimited(req: http.IncomingMessage, p: string): boolean {
    const rl = this.opts.rateLimit;
    if (!rl) return false;
    const key = `${req.socket.remoteAddress}|${p.split("/").slice(0, 3).join("/")}`;
    const now = Date.now();
    const b = this.buckets.get(key) ?? { tokens: rl.burst, at: now };
    b.tokens = Math.min(rl.burst, b.tokens + ((now - b.at) / 1000) * rl.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }

  private tooMany(): Reply {
    const r = err(429, "TooManyRequests", "too many requests");
    const ra = this.faults.config.retryAfterSeconds;
    return ra === null ? r : { ...r, headers: { "Retry-After": String(ra) } };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      return;
    }
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = (req.method ?? "GET").toUpperCase();
    if (url.pathname.startsWith("/_emulator/")) return this.send(res, await this.admin(req, method, url.pathname, raw));
    this.record(req, url, raw);
    const latency = this.faults.latency();
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    if (!this.authorized(req)) return this.send(res, err(401, "Unauthorized", "a valid ApiKey (or Authorization) header is required"));
    let match: { route: Route; params: Record<string, string> } | undefined;
    let pathKnown = false;
    for (const c of ROUTES) {
      const m = c.re.exec(url.pathname);
      if (!m) continue;
      pathKnown = true;
      if (c.route.method !== method) continue;
      match = { route: c.route, params: Object.fromEntries(c.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
      break;
    }
    if (!match) return this.send(res, pathKnown ? err(405, "MethodNotAllowed", `${method} is not allowed on ${url.pathname}`) : err(404, "ResourceNotFound", `no such path ${url.pathname}`));
    if (this.rateLimited(req, url.pathname)) return this.send(res, this.tooMany());
    const decision = this.faults.decide(method !== "GET");
    if (decision.kind === "status") return this.send(res, decision.status === 429 ? this.tooMany() : err(decision.status, decision.status === 500 ? "InternalError" : "ServiceUnavailable", "injected fault"));
    if (decision.kind === "reset-before") return void req.socket.destroy();
    let body: unknown = undefined;
    const contentType = req.headers["content-type"] ?? "";
    if (raw.length > 0 && /json/i.test(contentType)) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch (e) {
        return this.send(res, err(400, "InvalidRequest", `the body is not valid JSON: ${(e as Error).message}`));
      }
    }
    const projectHeader = req.headers.projectuid;
    const scope = typeof projectHeader === "string" ? projectHeader : "";
    if (scope !== "" && !this.state.projects.some((p) => p.uid === scope)) return this.send(res, err(403, "Forbidden", `no access to project ${scope}`));
    const route = match;
    let reply: Reply;
    try {
      reply = await this.mutex.run(async () => {
        const now = Date.now();
        const settled = this.settle(now);
        const ctx: Ctx = { state: this.state, now, timings: this.timings, scope, params: route.params, query: url.searchParams, body, raw, contentType, baseUrl: this.url };
        const r = await route.route.handler(ctx);
        if (r.wrote || settled) await this.persist();
        return r;
      });
    } catch (e) {
      this.log(`palette-emulator: ${method} ${url.pathname}: ${(e as Error).stack ?? String(e)}`);
      reply = err(500, "InternalError", (e as Error).message);
    }
    if (reply.status >= 400) this.log(`palette-emulator: ${method} ${url.pathname} → ${reply.status} ${JSON.stringify(reply.body)}`);
    if (decision.kind === "reset-after") return void req.socket.destroy();
    this.send(res, reply);
  }

  /** Drops clusters whose deletion finished; true when the state changed. */
  private settle(now: number): boolean {
    let changed = false;
    for (const c of Object.values(this.state.clusters)) {
      if (c.deleteAt !== undefined && clusterHidden(clusterView(c, now, this.timings.stepMs))) {
        delete this.state.clusters[c.uid];
        changed = true;
      }
    }
    return changed;
  }

  private async admin(req: http.IncomingMessage, method: string, p: string, raw: Buffer): Promise<Reply> {
    if (!this.authorized(req)) return err(401, "Unauthorized", "a valid ApiKey header is required");
    if (p === "/_emulator/health" && method === "GET") return { status: 200, body: { ok: true } };
    if (p === "/_emulator/requests") {
      if (method === "GET") return { status: 200, body: this.requests };
      if (method === "DELETE") {
        this.requests = [];
        return { status: 200, body: [] };
      }
    }
    if (p === "/_emulator/faults") {
      if (method === "GET") return { status: 200, body: this.faults.config };
      if (method === "PUT") {
        let j: unknown;
        try {
          j = raw.length ? JSON.parse(raw.toString("utf8")) : {};
        } catch {
          return err(400, "InvalidRequest", "the body is not valid JSON");
        }
        const parsed = PaletteFaultPatch.safeParse(j);
        if (!parsed.success) return err(400, "InvalidRequest", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
        const cfg = this.faults.apply(parsed.data);
        this.log(`palette-emulator: faults set to ${JSON.stringify(cfg)}`);
        return { status: 200, body: cfg };
      }
    }
    if (p === "/_emulator/state" && method === "GET") {
      return this.mutex.run(() => ({ status: 200, body: maskValue(this.state, this.opts.apiKey) }));
    }
    return err(404, "ResourceNotFound", `no such admin path: ${method} ${p}`);
  }

  private send(res: http.ServerResponse, r: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    let payload: string | undefined;
    if (r.file) {
      headers["Content-Type"] = "application/octet-stream";
      headers["Content-Disposition"] = `attachment; filename="${r.file.name}"`;
      payload = r.file.content;
    } else if (r.body !== undefined && r.status !== 204) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(r.body);
    }
    headers["Content-Length"] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
    res.writeHead(r.status, headers);
    res.end(payload);
  }
}

/** Starts an emulator. */
export function startPaletteEmulator(opts: PaletteEmulatorOptions): Promise<PaletteEmulator> {
  return new PaletteEmulator(opts).start();
}
