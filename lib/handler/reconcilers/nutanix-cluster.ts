/**
 * NutanixCluster: ensures its `NpcCluster` category value exists and reports readiness from its parts:
 * every pool has exactly `replicas` VMs of this stack (pools applied in this run count by their outcome).
 */
import { hostPort } from "../../net/host-port";
import type { ResourceOfKind } from "../../schema/plan";
import { isDeleting, type RunContext } from "../context";
import { CATEGORY_KEYS, categoryValue } from "../ownership";
import type { FieldChange, ResourceDiff } from "../types";
import { chooseReadiness, emulatorEndpointReady, tcpConnect, waitUntil } from "../endpoints";

type ClusterResource = ResourceOfKind<"NutanixCluster">;

/** Whether a category value exists (a read: the run's one list of the key's values). */
export async function categoryExists(ctx: RunContext, key: string, value: string): Promise<boolean> {
  return ctx.hasCategoryValue(key, value);
}

/** Readiness of a cluster's pools: one line per pool that is not ready. */
export async function clusterReadiness(ctx: RunContext, cluster: ClusterResource): Promise<{ ready: boolean; lines: string[] }> {
  const lines: string[] = [];
  const inv = await ctx.inventory();
  for (const poolId of [cluster.spec.controlPlane, ...cluster.spec.workers]) {
    const pool = ctx.resource(poolId);
    if (!pool || pool.kind !== "NodePool") {
      lines.push(`pool ${poolId} is not in the plan`);
      continue;
    }
    if (ctx.applied.has(poolId)) continue;
    const n = inv.ownedByResource(ctx.stack, poolId).filter((v) => !isDeleting(v) && v.status?.state !== "PENDING").length;
    if (n !== pool.spec.replicas) lines.push(`pool ${poolId} has ${n} of ${pool.spec.replicas} VMs`);
  }
  return { ready: lines.length === 0, lines };
}

export async function planCluster(ctx: RunContext, res: ClusterResource): Promise<ResourceDiff> {
  const value = categoryValue(res.spec.name);
  const changes: FieldChange[] = [];
  if (!(await categoryExists(ctx, CATEGORY_KEYS.cluster, value))) changes.push({ field: `category ${CATEGORY_KEYS.cluster}`, to: value });
  const readiness = await clusterReadiness(ctx, res);
  const notes = readiness.ready ? ["all pools have their VMs"] : readiness.lines.map((l) => `not ready: ${l}`);
  if (ctx.features.waitEndpoints) {
    const ep = ctx.resource(res.spec.endpoint);
    if (ep?.kind === "KubeVipEndpoint") notes.push(`apply will wait until kube-vip ${ep.spec.address}:${ep.spec.port} answers (--wait-endpoints)`);
  }
  return { id: res.id, kind: res.kind, action: changes.length > 0 ? "create" : "no-change", changes, vms: [], notes, errors: [] };
}

export async function applyCluster(ctx: RunContext, res: ClusterResource, diff: ResourceDiff): Promise<string> {
  if (diff.changes.length > 0) await ctx.ensureCategory(CATEGORY_KEYS.cluster, categoryValue(res.spec.name));
  const readiness = await clusterReadiness(ctx, res);
  if (!readiness.ready) throw new Error(`cluster ${res.spec.name} is not ready:\n${readiness.lines.map((l) => `  - ${l}`).join("\n")}`);
  const ready = `cluster ${res.spec.name} ready (${1 + res.spec.workers.length} pools)`;
  if (!ctx.features.waitEndpoints) return ready;
  return `${ready}; ${await waitForKubeVip(ctx, res)}`;
}

/**
 * `--wait-endpoints`: waits until the cluster's kube-vip address answers on its port, through the
 * emulator's simulated readiness or a real TCP connect (see endpoints.ts), with progress lines. Throws
 * on timeout.
 */
export async function waitForKubeVip(ctx: RunContext, res: ClusterResource): Promise<string> {
  const ep = ctx.resourceOfKind(res.spec.endpoint, "KubeVipEndpoint", res.id);
  const { address, port } = ep.spec;
  const f = ctx.features;
  const where = hostPort(address, port);
  // Every mode asks: auto to choose, emulator to insist, tcp to refuse dialling an emulator's VIP.
  const isEmulator = await ctx.isEmulator();
  const how = chooseReadiness(f.endpointReadiness, isEmulator, address, f.target.endpoint);
  const source = how.kind === "emulator" ? "the emulator's simulated readiness" : `TCP connect to ${where}`;
  const seconds = (f.endpointTimeoutMs / 1000).toFixed(f.endpointTimeoutMs % 1000 === 0 ? 0 : 1);
  ctx.progress.action(res.id, `waiting for kube-vip ${where} to answer (${source}; timeout ${seconds}s)`);
  const check = how.kind === "emulator"
    ? async () => ((await emulatorEndpointReady(f.target, address, port)) ? { ok: true, detail: "ready" } : { ok: false, detail: "the emulator reports it not ready" })
    : (remaining: number) => tcpConnect(address, port, Math.min(5000, remaining));
  const r = await waitUntil(check, { timeoutMs: f.endpointTimeoutMs, poll: f.endpointPoll, report: (line) => ctx.progress.action(res.id, `kube-vip ${where}: ${line}`) });
  if (!r.ok) {
    throw new Error(
      `kube-vip ${where} of cluster ${res.spec.name} did not answer within ${seconds}s (${r.attempts} checks by ${source}; last: ${r.last}). ` +
        `The VMs exist; check kube-vip and kubeadm on the first control-plane node (cloud-init log), that ${address} is free on the node subnet, then re-run apply`,
    );
  }
  ctx.progress.action(res.id, `kube-vip ${where} answered after ${(r.ms / 1000).toFixed(1)}s`);
  return `kube-vip ${where} answers (${(r.ms / 1000).toFixed(1)}s)`;
}
