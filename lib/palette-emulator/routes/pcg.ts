/**
 * Self-hosted PCGs: `POST /v1/pcg/selfHosted`, the Jet/Ally manifest downloads, `GET /v1/overlords[?name=]`,
 * `GET|DELETE /v1/overlords/{uid}` (spec `v1PcgSelfHosted`, `v1PcgUid*ManifestGet`, `v1Overlords*`). The
 * kubectl commands follow the older UI's text quoted in librarium's Azure self-hosted PCG doc (`kubectl apply -f
 * <endpoint>/v1/pcg/<uid>/services/jet/manifest`, then ally with `-n cluster-<id>`); the Nutanix text is not
 * public (guess). There is no `cloudType` field on an overlord in the spec: the emulator keeps it in the
 * `cloudType` annotation (guess).
 */
import { overlordView } from "../lifecycle";
import { conflict, err, invalid, isoTime, notFound, ok, type Reply } from "../reply";
import { nextUid, type StoredOverlord } from "../state";
import type { Ctx, Route } from "../context";

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function overlordJson(c: Ctx, o: StoredOverlord): Record<string, unknown> {
  const v = overlordView(o, c.now, c.timings.stepMs);
  const bound = Object.values(c.state.accounts).find((a) => a.overlordUid === o.uid);
  const spec: Record<string, unknown> = { isSelfHosted: true, isSystem: false, tenantUid: c.state.tenantUid };
  if (bound) spec.cloudAccountUid = bound.uid;
  if (v.state === "Running") spec.spectroClusterUid = `${o.uid.slice(0, 16)}c0c0c0c0`;
  const status: Record<string, unknown> = {
    state: v.state,
    isActive: v.state === "Running",
    isReady: v.healthy,
    kubectlCommands: o.kubectlCommands,
    notifications: { isAvailable: false },
  };
  if (v.state === "Running") {
    status.health = v.healthy
      ? { state: "Healthy", agentVersion: "4.8.0", lastHeartBeatTimestamp: isoTime(c.now) }
      : { state: "UnHealthy", agentVersion: "4.8.0", lastHeartBeatTimestamp: isoTime(v.runningAt ?? c.now) };
  }
  return {
    kind: "overlord",
    metadata: {
      uid: o.uid,
      name: o.name,
      annotations: { scope: "tenant", tenantUid: c.state.tenantUid, cloudType: o.cloudType },
      labels: {},
      creationTimestamp: isoTime(o.createdAt),
      lastModifiedTimestamp: isoTime(Math.max(o.createdAt, o.jetAt ?? 0, o.allyAt ?? 0)),
    },
    spec,
    status,
  };
}

function selfHosted(c: Ctx): Reply {
  const b = c.body as { name?: unknown; cloudType?: unknown } | undefined;
  if (!b || typeof b.name !== "string" || !NAME.test(b.name)) return invalid("name: expected a DNS label (lower-case letters, digits, '-'; at most 63)");
  if (typeof b.cloudType !== "string" || b.cloudType === "") return invalid("cloudType: required");
  const ct = c.state.cloudTypes[b.cloudType];
  if (!ct) return err(400, "InvalidRequest", `cloudType "${b.cloudType}" is not registered (register the custom cloud first)`);
  if (Object.values(c.state.overlords).some((o) => o.name === b.name)) return conflict(`a private cloud gateway named "${b.name}" already exists`);
  const uid = nextUid(c.state, "overlord");
  const kubectlCommands = [`kubectl apply -f ${c.baseUrl}/v1/pcg/${uid}/services/jet/manifest`, `kubectl apply -n cluster-${uid} -f ${c.baseUrl}/v1/pcg/${uid}/services/ally/manifest`];
  c.state.overlords[uid] = { uid, name: b.name, cloudType: b.cloudType, createdAt: c.now, kubectlCommands };
  return { ...ok({ kubectlCommands, overlordUid: uid }, true), headers: { AuditUid: `audit-${uid}` } };
}

function manifest(service: "jet" | "ally") {
  return (c: Ctx): Reply => {
    const o = c.state.overlords[c.params.uid!];
    if (!o) return notFound(`private cloud gateway ${c.params.uid}`);
    const key = service === "jet" ? "jetAt" : "allyAt";
    const wrote = o[key] === undefined;
    if (wrote) o[key] = c.now;
    const ns = service === "jet" ? "jet-system" : `cluster-${o.uid}`;
    const content = [
      `# ${service} agent of private cloud gateway ${o.name} (palette-emulator)`,
      "apiVersion: v1",
      "kind: Namespace",
      "metadata:",
      `  name: ${ns}`,
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      `  name: ${service}-config`,
      `  namespace: ${ns}`,
      "data:",
      `  overlordUid: "${o.uid}"`,
      `  paletteEndpoint: "${c.baseUrl}"`,
      "",
    ].join("\n");
    return { status: 200, file: { name: `${service}-${o.uid}.yaml`, content }, wrote };
  };
}

export const pcgRoutes: Route[] = [
  { method: "POST", path: "/v1/pcg/selfHosted", handler: selfHosted },
  { method: "GET", path: "/v1/pcg/{uid}/services/jet/manifest", handler: manifest("jet") },
  { method: "GET", path: "/v1/pcg/{uid}/services/ally/manifest", handler: manifest("ally") },
  {
    method: "GET",
    path: "/v1/overlords",
    handler: (c) => {
      const name = c.query.get("name");
      const items = Object.values(c.state.overlords)
        .filter((o) => !name || o.name === name)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((o) => overlordJson(c, o));
      return ok({ items });
    },
  },
  {
    method: "GET",
    path: "/v1/overlords/{uid}",
    handler: (c) => {
      const o = c.state.overlords[c.params.uid!];
      return o ? ok(overlordJson(c, o)) : notFound(`private cloud gateway ${c.params.uid}`);
    },
  },
  {
    method: "DELETE",
    path: "/v1/overlords/{uid}",
    handler: (c) => {
      const o = c.state.overlords[c.params.uid!];
      if (!o) return notFound(`private cloud gateway ${c.params.uid}`);
      delete c.state.overlords[o.uid];
      return ok({ msg: `private cloud gateway ${o.name} deleted` }, true);
    },
  },
];
