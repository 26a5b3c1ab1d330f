/**
 * The emulated cluster's generic objects: what a manifest applied with `kubectl apply --server-side` creates
 * (Namespaces, ConfigMaps, Deployments, RBAC, CRDs and their custom resources …), with API discovery for them.
 * Sources: kubernetes.io "Server-Side Apply" (PATCH `application/apply-patch+yaml`; `fieldManager` is required;
 * the object is created when absent; with `force=true` conflicts are taken over), "Kubernetes API Concepts"
 * (discovery `/api/v1`, `/apis/{group}/{version}` as `APIResourceList`; a namespaced object in a namespace that
 * does not exist is 404 `namespaces "<ns>" not found`), and apiextensions.k8s.io/v1 CustomResourceDefinition
 * (`spec.group`, `spec.names.{plural,kind}`, `spec.scope`, `spec.versions[].served`). Simplifications [G]: an
 * apply replaces the object's fields with the patch's (one manager; no field ownership, no conflicts), no
 * defaulting or schema validation, no controllers (a Deployment never gets pods), no watch.
 */
import { randomUUID } from "node:crypto";

/** A resource the emulated API serves. */
export interface ServedResource {
  readonly group: string;
  readonly version: string;
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** A stored object. */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid: string; resourceVersion: string; creationTimestamp: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Built-in resources a PCG manifest (and most manifests) use; the kinds the Kubernetes API reference lists. */
const BUILTIN: readonly ServedResource[] = [
  { group: "", version: "v1", name: "namespaces", kind: "Namespace", namespaced: false },
  { group: "", version: "v1", name: "configmaps", kind: "ConfigMap", namespaced: true },
  { group: "", version: "v1", name: "secrets", kind: "Secret", namespaced: true },
  { group: "", version: "v1", name: "serviceaccounts", kind: "ServiceAccount", namespaced: true },
  { group: "", version: "v1", name: "services", kind: "Service", namespaced: true },
  { group: "", version: "v1", name: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true },
  { group: "apps", version: "v1", name: "deployments", kind: "Deployment", namespaced: true },
  { group: "apps", version: "v1", name: "daemonsets", kind: "DaemonSet", namespaced: true },
  { group: "apps", version: "v1", name: "statefulsets", kind: "StatefulSet", namespaced: true },
  { group: "batch", version: "v1", name: "jobs", kind: "Job", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", name: "clusterroles", kind: "ClusterRole", namespaced: false },
  { group: "rbac.authorization.k8s.io", version: "v1", name: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false },
  { group: "rbac.authorization.k8s.io", version: "v1", name: "roles", kind: "Role", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", name: "rolebindings", kind: "RoleBinding", namespaced: true },
  { group: "apiextensions.k8s.io", version: "v1", name: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false },
  { group: "admissionregistration.k8s.io", version: "v1", name: "validatingwebhookconfigurations", kind: "ValidatingWebhookConfiguration", namespaced: false },
  { group: "admissionregistration.k8s.io", version: "v1", name: "mutatingwebhookconfigurations", kind: "MutatingWebhookConfiguration", namespaced: false },
];

/** Namespaces every kubeadm cluster has. */
const INITIAL_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

const apiVersionOf = (r: ServedResource): string => (r.group === "" ? r.version : `${r.group}/${r.version}`);

/** The outcome of an apply. */
export type ApplyOutcome =
  | { result: "created" | "configured"; object: StoredObject }
  | { result: "bad-request"; message: string }
  | { result: "namespace-not-found"; namespace: string };

export class AppliedObjects {
  private readonly objects = new Map<string, StoredObject>();

  constructor(
    private readonly nextResourceVersion: () => string,
    private readonly now: () => number,
  ) {
    for (const ns of INITIAL_NAMESPACES) this.objects.set(key(BUILTIN[0]!, undefined, ns), this.fresh({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }));
  }

  private fresh(o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>): StoredObject {
    return { ...o, metadata: { ...o.metadata, uid: randomUUID(), resourceVersion: this.nextResourceVersion(), creationTimestamp: new Date(Math.floor(this.now() / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z") } };
  }

  /** Every resource served: the built-ins and those of the CRDs applied (served versions only). */
  resources(): ServedResource[] {
    const out = [...BUILTIN];
    for (const crd of this.list("apiextensions.k8s.io", "customresourcedefinitions")) {
      const spec = crd.spec as { group?: string; names?: { plural?: string; kind?: string }; scope?: string; versions?: { name?: string; served?: boolean }[] } | undefined;
      if (!spec?.group || !spec.names?.plural || !spec.names.kind) continue;
      for (const v of spec.versions ?? []) {
        if (v.name && v.served !== false) out.push({ group: spec.group, version: v.name, name: spec.names.plural, kind: spec.names.kind, namespaced: spec.scope !== "Cluster" });
      }
    }
    return out;
  }

  /** The `APIResourceList` of a group version, or undefined when nothing is served there. */
  discovery(group: string, version: string): { kind: "APIResourceList"; apiVersion: "v1"; groupVersion: string; resources: { name: string; singularName: string; namespaced: boolean; kind: string; verbs: string[] }[] } | undefined {
    const rs = this.resources().filter((r) => r.group === group && r.version === version);
    if (rs.length === 0) return undefined;
    return {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: group === "" ? version : `${group}/${version}`,
      resources: rs.map((r) => ({ name: r.name, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ["create", "delete", "get", "list", "patch", "update"] })),
    };
  }

  /** The `APIGroupList` of `/apis`. */
  groups(): { kind: "APIGroupList"; apiVersion: "v1"; groups: { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion: { groupVersion: string; version: string } }[] } {
    const by = new Map<string, Set<string>>();
    for (const r of this.resources()) if (r.group !== "") (by.get(r.group) ?? by.set(r.group, new Set()).get(r.group)!).add(r.version);
    const groups = [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, vs]) => {
      const versions = [...vs].sort().map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
      return { name, versions, preferredVersion: versions[0]! };
    });
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }

  /** The served resource at a path's group, version and plural. */
  served(group: string, version: string, plural: string): ServedResource | undefined {
    return this.resources().find((r) => r.group === group && r.version === version && r.name === plural);
  }

  get(r: ServedResource, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.objects.get(key(r, namespace, name));
  }

  list(group: string, plural: string, namespace?: string): StoredObject[] {
    const prefix = `${group}/${plural}/`;
    return [...this.objects.entries()].filter(([k, o]) => k.startsWith(prefix) && (namespace === undefined || o.metadata.namespace === namespace)).map(([, o]) => o);
  }

  /** A server-side apply of `body` at the path of resource `r` (namespace and name from the path). */
  apply(r: ServedResource, namespace: string | undefined, name: string, body: unknown): ApplyOutcome {
    const b = body as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null | undefined;
    if (typeof b !== "object" || b === null) return { result: "bad-request", message: "the body of an apply must be an object" };
    if (b.apiVersion !== apiVersionOf(r) || b.kind !== r.kind) return { result: "bad-request", message: `the apiVersion and kind of the body (${String(b.apiVersion)}, ${String(b.kind)}) do not match the path (${apiVersionOf(r)}, ${r.kind})` };
    if (b.metadata?.name !== name) return { result: "bad-request", message: "the name of the object does not match the name on the URL" };
    if (r.namespaced && b.metadata.namespace !== undefined && b.metadata.namespace !== namespace) return { result: "bad-request", message: "the namespace of the provided object does not match the namespace sent on the request" };
    if (r.namespaced && !this.objects.has(key(BUILTIN[0]!, undefined, namespace!))) return { result: "namespace-not-found", namespace: namespace! };
    const k = key(r, namespace, name);
    const old = this.objects.get(k);
    const meta = { ...(b.metadata as Record<string, unknown>), name, ...(r.namespaced ? { namespace } : {}) };
    if (!old) {
      const o = this.fresh({ ...(b as Record<string, unknown>), apiVersion: apiVersionOf(r), kind: r.kind, metadata: meta as { name: string; namespace?: string } });
      this.objects.set(k, o);
      return { result: "created", object: o };
    }
    const o: StoredObject = { ...(b as Record<string, unknown>), apiVersion: apiVersionOf(r), kind: r.kind, metadata: { ...meta, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: this.nextResourceVersion() } } as StoredObject;
    this.objects.set(k, o);
    return { result: "configured", object: o };
  }

  /** Deletes an object; false when absent. */
  delete(r: ServedResource, namespace: string | undefined, name: string): boolean {
    return this.objects.delete(key(r, namespace, name));
  }
}

function key(r: ServedResource, namespace: string | undefined, name: string): string {
  return `${r.group}/${r.name}/${r.namespaced ? (namespace ?? "") : ""}/${name}`;
}
