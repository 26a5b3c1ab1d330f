/**
 * NutanixCluster: ensures its `NpcCluster` category value exists and reports readiness from its parts
 * (see services/readiness.ts); with `--wait-endpoints`, waits until its kube-vip address answers.
 */
import { hostPort } from "../../net/host-port";
import type { ResourceOfKind } from "../../schema/plan";
import { ResourceApplyError } from "../errors";
import type { Services } from "../services";
import { CATEGORY_KEYS, categoryValue } from "../ownership";
import type { FieldChange } from "../types";
import { chooseReadiness, emulatorEndpointReady, tcpConnect, waitUntil } from "../endpoints";
import type { Planned, Reconciler } from "./types";

type ClusterResource = ResourceOfKind<"NutanixCluster">;

async function planCluster(s: Services, res: ClusterResource): Promise<Planned> {
  const value = categoryValue(res.spec.name);
  const changes: FieldChange[] = [];
  if (!(await s.categories.has(CATEGORY_KEYS.cluster, value))) changes.push({ field: `category ${CATEGORY_KEYS.cluster}`, to: value });
  const readiness = await s.readiness.cluster(res);
  const notes = readiness.ready ? ["all pools have their VMs"] : readiness.lines.map((l) => `not ready: ${l}`);
  if (s.features.waitEndpoints) {
    const ep = s.plan.find(res.spec.endpoint, "KubeVipEndpoint");
    if (ep) notes.push(`apply will wait until kube-vip ${ep.spec.address}:${ep.spec.port} answers (--wait-endpoints)`);
  }
  return { diff: { id: res.id, kind: res.kind, action: changes.length > 0 ? "create" : "no-change", changes, vms: [], notes, errors: [] } };
}

async function applyCluster(s: Services, res: ClusterResource, { diff }: Planned): Promise<string> {
  if (diff.changes.length > 0) await s.categories.ensure({ [CATEGORY_KEYS.cluster]: categoryValue(res.spec.name) });
  const readiness = await s.readiness.cluster(res);
  if (!readiness.ready) throw new ResourceApplyError([`cluster ${res.spec.name} is not ready:\n${readiness.lines.map((l) => `  - ${l}`).join("\n")}`]);
  const ready = `cluster ${res.spec.name} ready (${1 + res.spec.workers.length} pools)`;
  if (!s.features.waitEndpoints) return ready;
  return `${ready}; ${await waitForKubeVip(s, res)}`;
}

export const clusterReconciler: Reconciler<ClusterResource> = {
  plan: planCluster,
  apply: async (s, res, planned) => ({ detail: await applyCluster(s, res, planned) }),
  // The first failure behind the skip, e.g. its kube-vip address claimed by another stack.
  skipReason: (res, cause) => `cluster ${res.spec.name} not applied: ${cause}`,
};

/**
 * `--wait-endpoints`: waits until the cluster's kube-vip address answers on its port, through the
 * emulator's simulated readiness or a real TCP connect (see endpoints.ts), with progress lines. Throws
 * on timeout.
 */
export async function waitForKubeVip(s: Services, res: ClusterResource): Promise<string> {
  const ep = s.plan.require(res.spec.endpoint, "KubeVipEndpoint", res.id);
  const { address, port } = ep.spec;
  const f = s.features;
  const where = hostPort(address, port);
  // Every mode asks: auto to choose, emulator to insist, tcp to refuse dialling an emulator's VIP.
  const isEmulator = await s.lookups.isEmulator();
  const how = chooseReadiness(f.endpointReadiness, isEmulator, address, f.target.endpoint);
  const source = how.kind === "emulator" ? "the emulator's simulated readiness" : `TCP connect to ${where}`;
  const seconds = (f.endpointTimeoutMs / 1000).toFixed(f.endpointTimeoutMs % 1000 === 0 ? 0 : 1);
  s.progress.action(res.id, `waiting for kube-vip ${where} to answer (${source}; timeout ${seconds}s)`);
  const check = how.kind === "emulator"
    ? async () => ((await emulatorEndpointReady(f.target, address, port)) ? { ok: true, detail: "ready" } : { ok: false, detail: "the emulator reports it not ready" })
    : (remaining: number) => tcpConnect(address, port, Math.min(5000, remaining));
  const r = await waitUntil(check, { timeoutMs: f.endpointTimeoutMs, poll: f.endpointPoll, report: (line) => s.progress.action(res.id, `kube-vip ${where}: ${line}`) });
  if (!r.ok) {
    throw new ResourceApplyError([
      `kube-vip ${where} of cluster ${res.spec.name} did not answer within ${seconds}s (${r.attempts} checks by ${source}; last: ${r.last}). ` +
        `The VMs exist; check kube-vip and kubeadm on the first control-plane node (cloud-init log), that ${address} is free on the node subnet, then re-run apply`,
    ]);
  }
  s.progress.action(res.id, `kube-vip ${where} answered after ${(r.ms / 1000).toFixed(1)}s`);
  return `kube-vip ${where} answers (${(r.ms / 1000).toFixed(1)}s)`;
}
