/**
 * Nutanix clusters (spec `v1SpectroClustersCustomCreate`, `…CustomValidate`, `v1SpectroClustersGet`, `…UidStatus`,
 * `v1SpectroClustersSummaryUidOverview`, `v1SpectroClustersSearchFilterSummary`, `v1SpectroClustersDelete`, the
 * kubeconfig assets, `…RepaveApproveUpdate`, `…RepaveGet`).
 *
 * Create checks what the spec requires (`cloudType`, `cloudAccountUid`, `cloudConfig.values`; each pool's
 * `cloudConfig`), and that the account is visible and every profile exists (404 otherwise); pools are derived
 * from their YAML (see pools.ts); exactly one control-plane pool (librarium: "one CP pool"; guess for the
 * message). A duplicate live name in the scope is 409 (guess). Validate answers 200 with per-pool errors
 * (`machinePools.results[].errors[]`). Kubeconfig assets answer 404 `ResourceNotFound` until the cluster is
 * Running (palette-sdk-go treats that as "not yet available"), then a YAML kubeconfig for the NutanixCluster's
 * control-plane endpoint.
 */
import { clusterHidden, clusterView, type ClusterView } from "../lifecycle";
import { controlPlaneEndpoint, derivePool } from "../pools";
import { isReply, page } from "../paging";
import { conflict, created, err, invalid, isoTime, noContent, notFound, ok, type Reply } from "../reply";
import { nextUid, type StoredCluster, type StoredPool } from "../state";
import { scopeAnnotations, visible, findAccount, type Ctx, type Route } from "../context";

interface PoolEntity {
  cloudConfig?: { values?: unknown };
  poolConfig?: { isControlPlane?: unknown; useControlPlaneAsWorker?: unknown; taints?: unknown; additionalLabels?: unknown };
}

/** One pool entity → a stored pool, or an error message. */
export function poolFrom(e: PoolEntity | undefined): StoredPool | string {
  const values = e?.cloudConfig?.values;
  if (typeof values !== "string" || values.trim() === "") return "cloudConfig.values: required (the pool's YAML)";
  const d = derivePool(values);
  if (typeof d === "string") return d;
  const pc = e?.poolConfig ?? {};
  const labels = pc.additionalLabels && typeof pc.additionalLabels === "object" ? (pc.additionalLabels as Record<string, string>) : {};
  return {
    name: d.name,
    size: d.size,
    isControlPlane: d.isControlPlane || pc.isControlPlane === true,
    useControlPlaneAsWorker: pc.useControlPlaneAsWorker === true,
    values,
    machineTemplate: d.machineTemplate,
    taints: Array.isArray(pc.taints) ? (pc.taints as StoredPool["taints"]) : [],
    additionalLabels: labels,
  };
}

type Parsed = { cluster: Omit<StoredCluster, "uid" | "configUid" | "createdAt">; poolErrors: { name: string; errors: { code: string; message: string }[] }[] };

function parse(c: Ctx): Parsed | Reply {
  const cloudType = c.params.cloudType!;
  if (!c.state.cloudTypes[cloudType]?.isCustom) return err(400, "InvalidRequest", `cloud type ${cloudType} is not a registered custom cloud`);
  const b = c.body as
    | { metadata?: { name?: unknown; labels?: unknown; annotations?: unknown }; spec?: { cloudType?: unknown; cloudAccountUid?: unknown; cloudConfig?: { values?: unknown }; machinepoolconfig?: unknown; profiles?: unknown } }
    | undefined;
  const name = b?.metadata?.name;
  if (typeof name !== "string" || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) return invalid("metadata.name: expected a DNS label");
  const s = b?.spec;
  if (!s) return invalid("spec: required");
  if (s.cloudType !== cloudType) return invalid(`spec.cloudType: required and equal to the path's cloud type ${JSON.stringify(cloudType)}, got ${JSON.stringify(s.cloudType)}`);
  if (typeof s.cloudAccountUid !== "string" || s.cloudAccountUid === "") return invalid("spec.cloudAccountUid: required");
  if (typeof s.cloudConfig?.values !== "string" || s.cloudConfig.values.trim() === "") return invalid("spec.cloudConfig.values: required (the cluster template YAML)");
  const account = findAccount(c, s.cloudAccountUid);
  if (!account) return notFound(`cloud account ${s.cloudAccountUid}`);
  const profileUids: string[] = [];
  for (const [i, p] of (Array.isArray(s.profiles) ? (s.profiles as { uid?: unknown }[]) : []).entries()) {
    if (typeof p?.uid !== "string" || !c.state.profiles.some((x) => x.uid === p.uid && visible(c, x.scope))) return notFound(`cluster profile ${JSON.stringify(p?.uid)} (spec.profiles[${i}])`);
    profileUids.push(p.uid);
  }
  const entities = Array.isArray(s.machinepoolconfig) ? (s.machinepoolconfig as PoolEntity[]) : [];
  const pools: StoredPool[] = [];
  const poolErrors: Parsed["poolErrors"] = [];
  entities.forEach((e, i) => {
    const p = poolFrom(e);
    if (typeof p === "string") poolErrors.push({ name: `machinepoolconfig[${i}]`, errors: [{ code: "InvalidMachinePool", message: p }] });
    else if (pools.some((x) => x.name === p.name)) poolErrors.push({ name: p.name, errors: [{ code: "DuplicateMachinePool", message: `two pools are named ${p.name}` }] });
    else pools.push(p);
  });
  const cps = pools.filter((p) => p.isControlPlane).length;
  if (cps !== 1) poolErrors.push({ name: "machinepoolconfig", errors: [{ code: "InvalidMachinePools", message: `expected exactly one control-plane pool (a KubeadmControlPlane), got ${cps}` }] });
  const str = (x: unknown): Record<string, string> => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).filter(([, v]) => typeof v === "string")) : {}) as Record<string, string>;
  return {
    cluster: {
      name,
      scope: c.scope,
      labels: str(b?.metadata?.labels),
      annotations: str(b?.metadata?.annotations),
      accountUid: account.uid,
      clusterConfigValues: s.cloudConfig.values,
      profileUids,
      pools,
      endpoint: controlPlaneEndpoint(s.cloudConfig.values),
    },
    poolErrors,
  };
}

/** The cluster if visible and not hidden by its lifecycle (404 just after create, and once deleted). */
function visibleCluster(c: Ctx): { cl: StoredCluster; v: ClusterView } | Reply {
  const cl = c.state.clusters[c.params.uid!];
  if (!cl || !visible(c, cl.scope)) return notFound(`cluster ${c.params.uid}`);
  const v = clusterView(cl, c.now, c.timings.stepMs);
  return clusterHidden(v) ? notFound(`cluster ${c.params.uid}`) : { cl, v };
}

function stateOf(v: ClusterView): string | undefined {
  return v.phase === "no-status" || v.phase === "absent" || v.phase === "gone" ? undefined : v.phase;
}

function metadata(c: Ctx, cl: StoredCluster): Record<string, unknown> {
  const account = c.state.accounts[cl.accountUid];
  const m: Record<string, unknown> = {
    uid: cl.uid,
    name: cl.name,
    labels: cl.labels,
    annotations: { ...cl.annotations, ...scopeAnnotations(c, cl.scope), ...(account ? { overlordUid: account.overlordUid } : {}) },
    creationTimestamp: isoTime(cl.createdAt),
    lastModifiedTimestamp: isoTime(cl.deleteAt ?? cl.repave?.at ?? cl.createdAt),
  };
  if (cl.deleteAt !== undefined) m.deletionTimestamp = isoTime(cl.deleteAt);
  return m;
}

export function clusterJson(c: Ctx, cl: StoredCluster, v: ClusterView): Record<string, unknown> {
  const out: Record<string, unknown> = {
    apiVersion: "v1",
    kind: "SpectroCluster",
    metadata: metadata(c, cl),
    spec: {
      cloudType: c.params.cloudType ?? "nutanix",
      cloudConfigRef: { kind: "CustomCloudConfig", name: `${cl.name}-config`, uid: cl.configUid },
      clusterType: "PureManage",
      clusterProfileTemplates: cl.profileUids.map((uid) => {
        const p = c.state.profiles.find((x) => x.uid === uid);
        return { uid, name: p?.name ?? "", cloudType: p?.cloudType ?? "nutanix", type: "cluster" };
      }),
    },
  };
  const state = stateOf(v);
  if (state !== undefined) {
    const status: Record<string, unknown> = { state, conditions: [] };
    if (state === "Running") status.apiEndpoints = [{ host: cl.endpoint.host, port: cl.endpoint.port }];
    if (cl.repave) status.repave = { state: cl.repave.state };
    out.status = status;
  }
  return out;
}

function health(v: ClusterView, now: number): Record<string, unknown> | undefined {
  if (v.phase !== "Running") return undefined;
  return { state: v.healthy ? "Healthy" : "UnHealthy", agentVersion: "4.8.0", lastHeartBeatTimestamp: isoTime(now) };
}

function overview(c: Ctx, cl: StoredCluster, v: ClusterView): Record<string, unknown> {
  const account = c.state.accounts[cl.accountUid];
  const status: Record<string, unknown> = {
    kubeMeta: { hasKubeConfig: v.phase === "Running", hasKubeConfigClient: v.phase === "Running", hasManifest: v.phase === "Running" },
  };
  const state = stateOf(v);
  if (state !== undefined) status.state = state;
  const h = health(v, c.now);
  if (h) status.health = h;
  return {
    metadata: metadata(c, cl),
    spec: {
      cloudConfig: {
        cloudType: "nutanix",
        uid: cl.configUid,
        machinePools: cl.pools.map((p) => ({ cloudType: "nutanix", isControlPlane: p.isControlPlane, size: p.size, healthy: v.healthy ? p.size : 0, labels: [p.name] })),
      },
      cloudaccount: { name: account?.name ?? "", uid: cl.accountUid },
    },
    status,
  };
}

type Filter = { property?: string; condition?: { string?: { operator?: string; negation?: boolean; ignoreCase?: boolean; match?: { values?: string[] } }; bool?: { value?: boolean } } };

/** Evaluates the filters the emulator knows (`clusterName` strings, `isDeleted` bools); others match (guess). */
function matches(cl: StoredCluster, filters: Filter[]): boolean {
  return filters.every((f) => {
    if (f.property === "isDeleted" && f.condition?.bool) return (cl.deleteAt !== undefined) === f.condition.bool.value;
    const sc = f.condition?.string;
    if (f.property === "clusterName" && sc) {
      const norm = (s: string): string => (sc.ignoreCase ? s.toLowerCase() : s);
      const name = norm(cl.name);
      const vals = (sc.match?.values ?? []).map(norm);
      const hit = vals.some((x) => (sc.operator === "contains" ? name.includes(x) : sc.operator === "beginsWith" ? name.startsWith(x) : name === x));
      return sc.negation ? !hit : hit;
    }
    return true;
  });
}

function kubeconfig(kind: string) {
  return (c: Ctx): Reply => {
    const r = visibleCluster(c);
    if (isReply(r)) return r;
    if (r.v.phase !== "Running") return notFound(`kubeconfig of cluster ${r.cl.name}`);
    const server = `https://${r.cl.endpoint.host.includes(":") ? `[${r.cl.endpoint.host}]` : r.cl.endpoint.host}:${r.cl.endpoint.port}`;
    const user = kind === "admin" ? `${r.cl.name}-admin` : `${r.cl.name}-user`;
    const content = [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${r.cl.name}`,
      "  cluster:",
      `    server: ${server}`,
      "    insecure-skip-tls-verify: true",
      "contexts:",
      `- name: ${user}@${r.cl.name}`,
      "  context:",
      `    cluster: ${r.cl.name}`,
      `    user: ${user}`,
      `current-context: ${user}@${r.cl.name}`,
      "users:",
      `- name: ${user}`,
      "  user:",
      `    token: emulator-${kind}-${r.cl.uid}`,
      "",
    ].join("\n");
    return { status: 200, file: { name: `${r.cl.name}.kubeconfig`, content } };
  };
}

export const clusterRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/spectroclusters/cloudTypes/{cloudType}/validate",
    handler: (c) => {
      const p = parse(c);
      if (isReply(p)) return p;
      return ok({ machinePools: { results: p.poolErrors.map((e) => ({ name: e.name, displayName: e.name, errors: e.errors })) }, profiles: [] });
    },
  },
  {
    method: "POST",
    path: "/v1/spectroclusters/cloudTypes/{cloudType}",
    handler: (c) => {
      const p = parse(c);
      if (isReply(p)) return p;
      if (p.poolErrors.length > 0) return invalid(`invalid machine pools: ${p.poolErrors.flatMap((e) => e.errors.map((x) => `${e.name}: ${x.message}`)).join("; ")}`, { machinePools: p.poolErrors });
      if (Object.values(c.state.clusters).some((x) => x.name === p.cluster.name && x.scope === c.scope && x.deleteAt === undefined)) return conflict(`a cluster named "${p.cluster.name}" already exists in this scope`);
      const uid = nextUid(c.state, "cluster");
      c.state.clusters[uid] = { uid, configUid: nextUid(c.state, "cloudconfig"), createdAt: c.now, ...p.cluster };
      return created(uid);
    },
  },
  {
    method: "GET",
    path: "/v1/spectroclusters/{uid}",
    handler: (c) => {
      const r = visibleCluster(c);
      return isReply(r) ? r : ok(clusterJson(c, r.cl, r.v));
    },
  },
  {
    method: "GET",
    path: "/v1/spectroclusters/{uid}/status",
    handler: (c) => {
      const r = visibleCluster(c);
      if (isReply(r)) return r;
      const state = stateOf(r.v);
      return ok(state === undefined ? {} : { status: { state } });
    },
  },
  {
    method: "GET",
    path: "/v1/dashboard/spectroclusters/{uid}/overview",
    handler: (c) => {
      const r = visibleCluster(c);
      return isReply(r) ? r : ok(overview(c, r.cl, r.v));
    },
  },
  {
    method: "POST",
    path: "/v1/dashboard/spectroclusters/search",
    handler: (c) => {
      const b = c.body as { filter?: { filterGroups?: { filters?: Filter[] }[] } } | undefined;
      const filters = (b?.filter?.filterGroups ?? []).flatMap((g) => g.filters ?? []);
      const all = Object.values(c.state.clusters)
        .filter((cl) => visible(c, cl.scope) && !clusterHidden(clusterView(cl, c.now, c.timings.stepMs)) && matches(cl, filters))
        .sort((a, b2) => a.createdAt - b2.createdAt)
        .map((cl) => {
          const v = clusterView(cl, c.now, c.timings.stepMs);
          const status: Record<string, unknown> = {};
          const state = stateOf(v);
          if (state !== undefined) status.state = state;
          const h = health(v, c.now);
          if (h) status.health = h;
          if (cl.repave) status.repave = { state: cl.repave.state };
          const account = c.state.accounts[cl.accountUid];
          return {
            metadata: metadata(c, cl),
            specSummary: { cloudConfig: { cloudType: "nutanix", uid: cl.configUid }, cloudAccountMeta: { name: account?.name ?? "", uid: cl.accountUid }, ...(cl.scope ? { projectMeta: { uid: cl.scope, name: c.state.projects.find((x) => x.uid === cl.scope)?.name ?? "" } } : {}) },
            status,
          };
        });
      const p = page(all, c.query);
      return isReply(p) ? p : ok(p);
    },
  },
  {
    method: "DELETE",
    path: "/v1/spectroclusters/{uid}",
    handler: (c) => {
      const r = visibleCluster(c);
      if (isReply(r)) return r;
      if (c.query.get("forceDelete") === "true") delete c.state.clusters[r.cl.uid];
      else r.cl.deleteAt ??= c.now;
      return noContent();
    },
  },
  { method: "GET", path: "/v1/spectroclusters/{uid}/assets/kubeconfigclient", handler: kubeconfig("client") },
  { method: "GET", path: "/v1/spectroclusters/{uid}/assets/adminKubeconfig", handler: kubeconfig("admin") },
  { method: "GET", path: "/v1/spectroclusters/{uid}/assets/kubeconfig", handler: kubeconfig("frp") },
  {
    method: "PATCH",
    path: "/v1/spectroclusters/{uid}/repave/approve",
    handler: (c) => {
      const r = visibleCluster(c);
      if (isReply(r)) return r;
      if (r.cl.repave?.state !== "Pending") return err(400, "InvalidRequest", `cluster ${r.cl.name} has no repave waiting for approval`);
      r.cl.repave = { state: "Approved", at: c.now };
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/v1/spectroclusters/{uid}/repave/status",
    handler: (c) => {
      const r = visibleCluster(c);
      if (isReply(r)) return r;
      const rp = r.cl.repave;
      return ok({
        metadata: { uid: r.cl.uid, name: r.cl.name },
        spec: { spectroClusterUid: r.cl.uid, reasons: rp?.state === "Pending" ? [{ code: "MachineTemplateChanged", message: "a NutanixMachineTemplate was renamed" }] : [] },
        status: rp ? { state: rp.state, repaveTransitionTime: isoTime(rp.at) } : {},
      });
    },
  },
];
