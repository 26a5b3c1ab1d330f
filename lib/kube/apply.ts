/**
 * Applying a manifest (a multi-document YAML file) to a cluster through its API, as `kubectl apply
 * --server-side` does: each object is sent as a server-side apply patch (kubernetes.io "Server-Side Apply":
 * `PATCH` with `Content-Type: application/apply-patch+yaml`, `fieldManager` required, `force=true` takes over
 * conflicting fields; the object is created when it does not exist). The resource path of each kind comes from
 * API discovery (`GET /api/v1`, `GET /apis/{group}/{version}` → `APIResourceList`), as kubectl's REST mapper
 * learns it; after a CustomResourceDefinition is applied discovery is read again. `-n <namespace>` is the
 * namespace of namespaced objects that name none (kubectl `--namespace`). Order: Namespaces and
 * CustomResourceDefinitions first, then the rest in file order (kubectl applies in file order and fails a custom
 * resource whose CRD it has not created yet; putting them first is this library's choice, as Helm sorts them).
 */
import { parseAllDocuments } from "yaml";
import type { KubeClient } from "./api";
import { KubeApiError, KubeError, KubeInputError } from "./errors";

/** One object of a manifest. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** A discovered resource (`APIResourceList.resources[]`). */
interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** What {@link applyManifest} did to one object. */
export interface AppliedObject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** `created` (201) or `configured` (200, the object existed), as kubectl reports. */
  readonly result: "created" | "configured";
}

/** Options of {@link applyManifest}. */
export interface ApplyManifestOptions {
  /** The field manager (kubectl's default for server-side apply is `kubectl`). */
  readonly fieldManager: string;
  /**
   * Namespace of namespaced objects that name none (`kubectl apply -n`).
   * @default "default"
   */
  readonly namespace?: string;
  /** Names the manifest in errors, e.g. "the Jet manifest of PCG pcg". */
  readonly what: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The objects of a multi-document YAML manifest: empty documents are skipped, a `kind: List` (or `*List`) is
 * flattened into its items (kubectl does the same). @throws KubeInputError naming the document and the field.
 */
export function parseManifest(text: string, what: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  const docs = parseAllDocuments(text, { version: "1.2" });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new KubeInputError(`${what}: document ${i + 1} is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
    const v: unknown = doc.toJS();
    if (v === null || v === undefined) return;
    const push = (o: unknown, where: string): void => {
      const obj = o as Partial<ManifestObject> | null;
      if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new KubeInputError(`${what}: ${where}: expected a Kubernetes object (a mapping)`);
      if (typeof obj.apiVersion !== "string" || obj.apiVersion === "") throw new KubeInputError(`${what}: ${where}: apiVersion: expected a string such as v1 or apps/v1`);
      if (typeof obj.kind !== "string" || obj.kind === "") throw new KubeInputError(`${what}: ${where}: kind: expected a string`);
      if (typeof obj.metadata?.name !== "string" || obj.metadata.name === "") throw new KubeInputError(`${what}: ${where} (${obj.kind}): metadata.name: expected a non-empty string`);
      out.push(obj as ManifestObject);
    };
    const o = v as { kind?: unknown; items?: unknown };
    if (typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) o.items.forEach((it, j) => push(it, `document ${i + 1} item ${j + 1}`));
    else push(v, `document ${i + 1}`);
  });
  return out;
}

/** Namespaces, then CustomResourceDefinitions, then everything else in file order. */
export function applyOrder(objects: readonly ManifestObject[]): ManifestObject[] {
  const rank = (o: ManifestObject): number => (o.kind === "Namespace" && o.apiVersion === "v1" ? 0 : o.kind === "CustomResourceDefinition" ? 1 : 2);
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map((x) => x.o);
}

/** The discovery path of an apiVersion: `/api/v1` for the core group, `/apis/{group}/{version}` otherwise. */
export function discoveryPath(apiVersion: string): string {
  if (!apiVersion.includes("/")) return `/api/${encodeURIComponent(apiVersion)}`;
  const [group, version] = apiVersion.split("/", 2) as [string, string];
  return `/apis/${encodeURIComponent(group)}/${encodeURIComponent(version)}`;
}

/** REST mapping from discovery, cached per apiVersion until {@link Discovery.forget}. */
class Discovery {
  private readonly cache = new Map<string, ApiResource[] | null>();
  constructor(private readonly client: KubeClient) {}

  forget(): void {
    this.cache.clear();
  }

  async resourceOf(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    let list = this.cache.get(apiVersion);
    if (list === undefined) {
      try {
        const r = await this.client.request<{ resources?: ApiResource[] }>("GET", discoveryPath(apiVersion));
        list = (r.resources ?? []).filter((x) => !x.name.includes("/"));
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
        list = null;
      }
      this.cache.set(apiVersion, list);
    }
    return list?.find((x) => x.kind === kind);
  }
}

/**
 * Applies every object of `text` (server-side apply, `force=true`). Stops at the first object the API refuses
 * and throws a KubeError naming the manifest, the object and the API's answer. Idempotent: applying the same
 * manifest again configures the same objects.
 */
export async function applyManifest(client: KubeClient, text: string, opts: ApplyManifestOptions): Promise<AppliedObject[]> {
  const defaultNs = opts.namespace ?? "default";
  if (!DNS_LABEL.test(defaultNs)) throw new KubeInputError(`${opts.what}: namespace: expected a DNS label, got ${JSON.stringify(defaultNs)}`);
  if (!/^[A-Za-z0-9][-A-Za-z0-9_.:]{0,127}$/.test(opts.fieldManager)) throw new KubeInputError(`${opts.what}: fieldManager: expected a short name, got ${JSON.stringify(opts.fieldManager)}`);
  const discovery = new Discovery(client);
  const done: AppliedObject[] = [];
  for (const o of applyOrder(parseManifest(text, opts.what))) {
    const label = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
    const r = await discovery.resourceOf(o.apiVersion, o.kind);
    if (!r) throw new KubeError(`${opts.what}: ${label}: the cluster serves no ${o.kind} in ${o.apiVersion} (API discovery ${discoveryPath(o.apiVersion)}); is its CustomResourceDefinition applied?`);
    const ns = r.namespaced ? (o.metadata.namespace ?? defaultNs) : undefined;
    const body = r.namespaced ? { ...o, metadata: { ...o.metadata, namespace: ns } } : o;
    const base = discoveryPath(o.apiVersion);
    const p = `${base}${ns ? `/namespaces/${encodeURIComponent(ns)}` : ""}/${encodeURIComponent(r.name)}/${encodeURIComponent(o.metadata.name)}?fieldManager=${encodeURIComponent(opts.fieldManager)}&force=true`;
    let created = false;
    try {
      // The answer's status tells created (201) from configured (200); KubeClient returns the body only, so ask first.
      created = (await getOrNull(client, p.split("?")[0]!)) === null;
      await client.request<unknown>("PATCH", p, body, "application/apply-patch+yaml");
    } catch (e) {
      if (e instanceof KubeApiError) throw new KubeError(`${opts.what}: ${label}: the API refused the apply: ${e.message}`, { cause: e });
      throw e;
    }
    done.push({ kind: o.kind, name: o.metadata.name, ...(ns ? { namespace: ns } : {}), result: created ? "created" : "configured" });
    if (o.kind === "CustomResourceDefinition") discovery.forget();
  }
  return done;
}

async function getOrNull(client: KubeClient, p: string): Promise<unknown> {
  try {
    return await client.request<unknown>("GET", p);
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return null;
    throw e;
  }
}
