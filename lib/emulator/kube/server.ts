/**
 * The HTTPS API server of one emulated cluster, on loopback: a serving certificate from the cluster CA,
 * client certificates verified against it (kube-apiserver's x509 authenticator: an unknown or missing
 * certificate is 401 Unauthorized; a group without rights is 403 Forbidden), the paths `lib/kube`'s clients
 * use with the Kubernetes API reference's shapes and `metav1.Status` errors, and, when the etcd CA is known,
 * the etcd gateway paths for the member list (clients with a certificate from another CA are cut off, as
 * etcd's `--client-cert-auth` fails their TLS handshake).
 */
import * as https from "node:https";
import type * as http from "node:http";
import type { TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import { isIssuedBy, issueCertificate, type CertificateAuthority } from "../../kube/pki";
import type { ConfigMap, Secret, Status } from "../../kube/types";
import type { KubeClusterModel } from "./model";

/** Options of {@link serveKubeApi}. */
export interface KubeApiServerOptions {
  /** The model this server shows. */
  readonly model: KubeClusterModel;
  /** The cluster CA (with key: it signs the serving certificate). */
  readonly ca: CertificateAuthority;
  /**
   * The etcd CA; when given, `/v3/cluster/member/*` and `/health` are served for clients it signed.
   * @default no etcd paths
   */
  readonly etcdCa?: { certPem: string };
  /**
   * Listen host (loopback only).
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * Listen port (0: any free port).
   * @default 0
   */
  readonly port?: number;
  /**
   * Called before each request is answered (the emulator brings the model up to date with the VMs that
   * booted since: kube-side.ts defers that work out of Prism Central's answers).
   * @default nothing
   */
  readonly beforeRequest?: () => void;
}

/** A running server. */
export interface RunningKubeApi {
  readonly host: string;
  readonly port: number;
  /** The CA that signed the serving certificate (what a client pins). */
  readonly caPem: string;
  /** Requests served, `METHOD path-without-query` → count (for tests). */
  readonly counts: Map<string, number>;
  stop(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const ADMIN_GROUPS = new Set(["system:masters", "kubeadm:cluster-admins"]);

function status(code: number, reason: string, message: string, details?: Status["details"]): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: code < 300 ? "Success" : "Failure", message, reason, ...(details ? { details } : {}), code };
}

function send(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const notFound = (kind: string, name: string, group = ""): Status => status(404, "NotFound", `${kind}${group ? `.${group}` : ""} "${name}" not found`, { name, kind });

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : JSON.parse(text);
}

/** The subject organizations of a client certificate (Kubernetes groups). */
function groupsOf(certPem: string): string[] {
  const subject = new X509Certificate(certPem).subject;
  return subject.split("\n").filter((l) => l.startsWith("O=")).map((l) => l.slice(2));
}

function toPem(raw: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${raw.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

/** The etcd v3 JSON gateway paths the handler's etcd client uses. */
async function etcd(model: KubeClusterModel, method: string, p: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const header = { cluster_id: "14841639068965178418", member_id: model.etcdMembers()[0]?.ID ?? "0", raft_term: "2" };
  if (method === "GET" && p === "/health") return send(res, 200, { health: model.etcdMembers().length > 0 ? "true" : "false" });
  if (method !== "POST") return send(res, 405, { error: "Method Not Allowed", code: 12, message: "Method Not Allowed" });
  const body = ((await readBody(req)) ?? {}) as { ID?: string | number };
  if (p === "/v3/cluster/member/list") return send(res, 200, { header, members: model.etcdMembers() });
  if (p === "/v3/cluster/member/remove") {
    const r = model.removeEtcdMember(String(body.ID ?? ""));
    if (r === "not-found") return send(res, 404, { error: "etcdserver: member not found", code: 5, message: "etcdserver: member not found" });
    if (r === "last-member") {
      const m = "etcdserver: re-configuration failed due to not enough started members";
      return send(res, 412, { error: m, code: 9, message: m });
    }
    if (r === "unhealthy") {
      // etcd's ErrGRPCUnhealthy is codes.Unavailable (14), which grpc-gateway maps to 503.
      const m = "etcdserver: unhealthy cluster";
      return send(res, 503, { error: m, code: 14, message: m });
    }
    return send(res, 200, { header, members: model.etcdMembers() });
  }
  return send(res, 404, { error: "Not Found", code: 5, message: "Not Found" });
}

/** The Kubernetes API paths the handler's client uses. */
async function kube(model: KubeClusterModel, method: string, p: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let m: RegExpExecArray | null;
  if (p === "/readyz" || p === "/healthz" || p === "/livez") {
    res.writeHead(200, { "content-type": "text/plain" });
    return void res.end("ok");
  }
  if (p === "/api/v1/nodes" && method === "GET") return send(res, 200, { apiVersion: "v1", kind: "NodeList", metadata: { resourceVersion: model.nextResourceVersion() }, items: model.listNodes() });
  if ((m = /^\/api\/v1\/nodes\/([^/]+)$/.exec(p))) {
    const name = decodeURIComponent(m[1]!);
    if (method === "GET") {
      const n = model.getNode(name);
      return n ? send(res, 200, n) : send(res, 404, notFound("nodes", name));
    }
    if (method === "PATCH") {
      const ct = req.headers["content-type"] ?? "";
      if (!/^application\/(strategic-merge-patch|merge-patch)\+json/.test(ct)) return send(res, 415, status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`));
      const body = (await readBody(req)) as { spec?: { unschedulable?: boolean | null } } | undefined;
      const u = body?.spec?.unschedulable;
      if (u !== undefined && u !== null && typeof u !== "boolean") return send(res, 400, status(400, "BadRequest", "spec.unschedulable: expected a boolean"));
      const n = model.getNode(name) ? model.setUnschedulable(name, u === true) : undefined;
      return n ? send(res, 200, n) : send(res, 404, notFound("nodes", name));
    }
    if (method === "DELETE") {
      return model.deleteNode(name) ? send(res, 200, status(200, "", "")) : send(res, 404, notFound("nodes", name));
    }
  }
  if (p === "/api/v1/pods" && method === "GET") {
    const sel = url.searchParams.get("fieldSelector");
    let nodeName: string | undefined;
    if (sel !== null) {
      const fm = /^spec\.nodeName=(.+)$/.exec(sel);
      if (!fm) return send(res, 400, status(400, "BadRequest", `unable to parse requirement: field label not supported: ${sel}`));
      nodeName = fm[1];
    }
    return send(res, 200, { apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: model.nextResourceVersion() }, items: model.podsOnNode(nodeName) });
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/eviction)?$/.exec(p))) {
    const ns = decodeURIComponent(m[1]!);
    const name = decodeURIComponent(m[2]!);
    if (m[3] && method === "POST") {
      const body = (await readBody(req)) as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | undefined;
      if (body?.kind !== "Eviction" || !/^policy\/v1(beta1)?$/.test(body.apiVersion ?? "") || body.metadata?.name !== name) {
        return send(res, 400, status(400, "BadRequest", "expected a policy/v1 Eviction whose metadata.name is the pod's name"));
      }
      const r = model.evict(ns, name);
      if (r.result === "not-found") return send(res, 404, notFound("pods", name));
      if (r.result === "blocked") {
        return send(res, 429, status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ reason: "DisruptionBudget", message: r.message }] }));
      }
      return send(res, 201, status(201, "", ""));
    }
    if (!m[3] && method === "GET") {
      const pod = model.getPod(ns, name);
      return pod ? send(res, 200, pod) : send(res, 404, notFound("pods", name));
    }
    if (!m[3] && method === "DELETE") {
      const pod = model.getPod(ns, name);
      return pod && model.deletePod(ns, name) ? send(res, 200, pod) : send(res, 404, notFound("pods", name));
    }
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(p))) {
    const ns = decodeURIComponent(m[1]!);
    if (!m[2] && method === "POST") {
      const body = (await readBody(req)) as Secret | undefined;
      if (!body || body.kind !== "Secret" || typeof body.metadata?.name !== "string" || body.metadata.name === "") return send(res, 400, status(400, "BadRequest", "expected a v1 Secret with metadata.name"));
      if (body.metadata.namespace !== undefined && body.metadata.namespace !== ns) return send(res, 400, status(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request"));
      const created = model.createSecret({ ...body, metadata: { ...body.metadata, namespace: ns } });
      if (!created) return send(res, 409, status(409, "AlreadyExists", `secrets "${body.metadata.name}" already exists`, { name: body.metadata.name, kind: "secrets" }));
      return send(res, 201, created);
    }
    if (m[2] && method === "GET") {
      const name = decodeURIComponent(m[2]);
      // A Secret from the model (bootstrap tokens) or one applied with a manifest (objects.ts).
      const secrets = model.objects.served("", "v1", "secrets");
      const s = model.getSecret(ns, name) ?? (secrets ? model.objects.get(secrets, ns, name) : undefined);
      return s ? send(res, 200, s) : send(res, 404, notFound("secrets", name));
    }
  }
  if (p === "/api/v1/namespaces/kube-system/configmaps/kubeadm-config") {
    if (method === "GET") {
      const cm = model.getKubeadmConfig();
      return cm ? send(res, 200, cm) : send(res, 404, notFound("configmaps", "kubeadm-config"));
    }
    if (method === "PUT") {
      const body = (await readBody(req)) as ConfigMap | undefined;
      if (!body || body.kind !== "ConfigMap" || body.metadata?.name !== "kubeadm-config") return send(res, 400, status(400, "BadRequest", "expected the kubeadm-config ConfigMap"));
      const r = model.putKubeadmConfig(body);
      if (r.result === "not-found") return send(res, 404, notFound("configmaps", "kubeadm-config"));
      if (r.result === "conflict") {
        return send(res, 409, status(409, "Conflict", `Operation cannot be fulfilled on configmaps "kubeadm-config": the object has been modified; please apply your changes to the latest version and try again`, { name: "kubeadm-config", kind: "configmaps" }));
      }
      return send(res, 200, r.configMap);
    }
  }
  return objects(model, method, p, url, req, res);
}

/**
 * Discovery and the generic objects of objects.ts: `GET /api`, `/api/v1`, `/apis`, `/apis/{g}/{v}`; `PATCH` with
 * `application/apply-patch+yaml` (server-side apply; `fieldManager` required) and `GET`/`DELETE` of one object.
 */
async function objects(model: KubeClusterModel, method: string, p: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const store = model.objects;
  if (method === "GET" && p === "/api") return send(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
  if (method === "GET" && p === "/apis") return send(res, 200, store.groups());
  let m = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  if (m && method === "GET") {
    const d = m[1] ? store.discovery("", m[1]) : store.discovery(decodeURIComponent(m[2]!), decodeURIComponent(m[3]!));
    return d ? send(res, 200, d) : send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
  }
  m = /^(?:\/api\/(v1)|\/apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)\/([^/]+)$/.exec(p);
  const served = m ? (m[1] ? store.served("", m[1], decodeURIComponent(m[5]!)) : store.served(decodeURIComponent(m[2]!), decodeURIComponent(m[3]!), decodeURIComponent(m[5]!))) : undefined;
  if (!m || !served || served.namespaced !== (m[4] !== undefined)) return send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
  const ns = m[4] === undefined ? undefined : decodeURIComponent(m[4]);
  const name = decodeURIComponent(m[6]!);
  if (method === "GET") {
    const o = store.get(served, ns, name);
    return o ? send(res, 200, o) : send(res, 404, notFound(served.name, name, served.group));
  }
  if (method === "DELETE") {
    return store.delete(served, ns, name) ? send(res, 200, status(200, "", "")) : send(res, 404, notFound(served.name, name, served.group));
  }
  if (method === "PATCH") {
    const ct = req.headers["content-type"] ?? "";
    if (!/^application\/apply-patch\+yaml/.test(ct)) return send(res, 415, status(415, "UnsupportedMediaType", `the emulator takes server-side apply (application/apply-patch+yaml) for ${served.name}, got ${ct || "no content type"}`));
    const manager = url.searchParams.get("fieldManager");
    if (!manager) return send(res, 400, status(400, "BadRequest", "PATCH, with an apply patch, requires a fieldManager: fieldManager is required for apply requests"));
    let body: unknown;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 400, status(400, "BadRequest", "the body of an apply patch is not valid JSON (the emulator reads YAML's JSON subset)"));
    }
    const r = store.apply(served, ns, name, body);
    if (r.result === "bad-request") return send(res, 400, status(400, "BadRequest", r.message));
    if (r.result === "namespace-not-found") return send(res, 404, notFound("namespaces", r.namespace));
    return send(res, r.result === "created" ? 201 : 200, r.object);
  }
  return send(res, 405, status(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`));
}

/** Starts the API server of one emulated cluster on its own loopback port. */
export async function serveKubeApi(opts: KubeApiServerOptions): Promise<RunningKubeApi> {
  const host = opts.host ?? "127.0.0.1";
  if (!LOOPBACK.test(host)) throw new Error(`host: the emulated cluster API listens on loopback only, got ${JSON.stringify(host)}`);
  const serving = await issueCertificate(opts.ca, {
    commonName: "kube-apiserver",
    usage: "server",
    dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
    ipAddresses: ["127.0.0.1", "::1"],
    validityMs: 7 * 24 * 3600_000,
  });
  const counts = new Map<string, number>();
  const model = opts.model;
  const server = https.createServer(
    { key: serving.keyPem, cert: serving.certPem, ca: [opts.ca.certPem, ...(opts.etcdCa ? [opts.etcdCa.certPem] : [])], requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      void handle(req, res).catch((e: unknown) => send(res, 500, status(500, "InternalError", `emulator: ${e instanceof Error ? e.message : String(e)}`)));
    },
  );

  /**
   * The client certificate of a connection, checked once per connection and CA (a kept-alive connection
   * carries the same certificate for its life; checking it on every request cost a signature check each).
   */
  const peers = new WeakMap<TLSSocket, { certPem: string | undefined; groups: string[]; etcdClient: () => boolean; apiClient: () => boolean }>();
  function peerOf(socket: TLSSocket) {
    let p = peers.get(socket);
    if (!p) {
      const raw = socket.getPeerCertificate();
      const certPem = raw && raw.raw ? toPem(raw.raw) : undefined;
      const once = (caPem: string | undefined): (() => boolean) => {
        let ok: boolean | undefined;
        let until = 0;
        return () => {
          // isIssuedBy checks the validity window too: re-checked once the certificate's notAfter passed.
          if (ok === undefined || (ok && Date.now() > until)) {
            ok = certPem !== undefined && caPem !== undefined && isIssuedBy(certPem, caPem);
            until = ok ? new Date(new X509Certificate(certPem!).validTo).getTime() : 0;
          }
          return ok;
        };
      };
      p = { certPem, groups: certPem ? groupsOf(certPem) : [], etcdClient: once(opts.etcdCa?.certPem), apiClient: once(opts.ca.certPem) };
      peers.set(socket, p);
    }
    return p;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    opts.beforeRequest?.();
    const url = new URL(req.url ?? "/", "https://emulated");
    const method = req.method ?? "GET";
    const p = url.pathname;
    counts.set(`${method} ${p}`, (counts.get(`${method} ${p}`) ?? 0) + 1);
    const peer = peerOf(req.socket as TLSSocket);

    if (p.startsWith("/v3/") || p === "/health") {
      if (!peer.etcdClient()) {
        req.socket.destroy();
        return;
      }
      return etcd(model, method, p, req, res);
    }
    if (!peer.apiClient()) return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    if (!peer.groups.some((g) => ADMIN_GROUPS.has(g))) {
      const cn = /CN=([^\n]*)/.exec(new X509Certificate(peer.certPem!).subject)?.[1] ?? "";
      return send(res, 403, status(403, "Forbidden", `User "${cn}" cannot ${method.toLowerCase()} resource at ${p}`));
    }
    return kube(model, method, p, url, req, res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    caPem: opts.ca.certPem,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
