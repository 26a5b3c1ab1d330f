/**
 * NodePool: exactly `replicas` VMs named `<cluster>-<pool>-<n>`, with the machine spec, owned through
 * categories. observe (reads) → decide (pure, decide.ts states the rules) → act (writes).
 */
import { CATEGORY_KEYS, categoriesOf, categoryValue } from "../../ownership";
import { cloneSourceOf } from "../../clones";
import type { Inventory } from "../../services";
import { ResourceApplyError } from "../../errors";
import type { FieldChange, ResourceDiff } from "../../types";
import type { Planned, Reconciler } from "../types";
import { act } from "./act";
import { secretsFor } from "./body";
import { heldForControlPlaneUpgrade, withKubeSteps } from "./kube-steps";
import { versionGuard } from "../../kube/version-guard";
import { awaitControlPlaneVersion, upgradeKubeadmConfig } from "../../kube/upgrade";
import { observeInitialised } from "../../kube/initialised";
import { endpointGuard } from "../../kube/endpoint-guard";
import { cniNote } from "../../kube/cni-note";
import { decide, hasWork, needsInitialised, type PoolDecision } from "./decide";
import type { NodePoolResource } from "./machine";
import { observe, type PoolObservation } from "./observe";

/** A pool's diff plus the observation and decision apply carries out. */
export interface PoolPlanned extends Planned {
  readonly observation: PoolObservation;
  readonly decision?: PoolDecision;
}

/** Who a foreign VM belongs to, for the collision message: another stack identity's, a pre-identity stack's, or nobody's. */
function ownerOf(inv: Inventory, uuid: string | undefined): string {
  const vm = uuid ? inv.byUuid.get(uuid) : undefined;
  const c: Record<string, string> = vm ? categoriesOf(vm) : {};
  if (c[CATEGORY_KEYS.identity]) return `it belongs to stack identity ${c[CATEGORY_KEYS.identity]}`;
  if (c[CATEGORY_KEYS.stack]) return `it belongs to stack ${c[CATEGORY_KEYS.stack]} (made before stack identities) and was not adopted`;
  return "it carries no ownership categories";
}

function collisionErrors(s: { identity: string }, res: NodePoolResource, o: PoolObservation, blocked: readonly string[], inv: Inventory): string[] {
  return blocked.flatMap((name) =>
    (o.foreign.get(name) ?? []).map(
      (uuid) =>
        `VM name ${name} is taken by VM ${uuid} that ${res.id} does not own (${ownerOf(inv, uuid)}; this stack is ${CATEGORY_KEYS.identity}=${categoryValue(s.identity)}); refusing to adopt, modify or delete it: rename or remove that VM, or rename the pool`,
    ),
  );
}

export const nodePoolReconciler: Reconciler<NodePoolResource, PoolPlanned> = {
  async plan(s, res) {
    const o = await observe(s, res);
    const empty: ResourceDiff = { id: res.id, kind: res.kind, action: "no-change", changes: [], vms: [], notes: [], errors: o.errors };
    if (!o.target) return { diff: empty, observation: o };
    const t = o.target;
    const taken = new Set(o.foreign.keys());
    const initialised = needsInitialised(t.desired, o.machines) ? await observeInitialised(s, t.parents.cluster) : undefined;
    const decision = decide(t.desired, o.machines, { parallelism: s.writes.size }, taken, initialised);
    const spec = res.spec;
    const m = spec.machine;
    const notes = [
      `${spec.replicas} × ${m.vcpuSockets}×${m.vcpusPerSocket} vCPU, ${m.memoryMiB} MiB, ${m.systemDiskMiB} MiB disk from ${t.resolved.imageName} on ${t.resolved.clusterName}/${t.resolved.subnets.map((x) => x.name).join(",")}; spec ${t.specHash.slice(0, 12)}`,
    ];
    if (initialised) notes.push(initialised.known ? `ordinal 1's role: ${initialised.evidence}` : `ordinal 1's role cannot be decided: ${initialised.reason}`);
    const changes: FieldChange[] = decision.current !== spec.replicas ? [{ field: "replicas", from: decision.current, to: spec.replicas }] : [];
    const errors = [...o.errors, ...collisionErrors(s, res, o, decision.blocked, await s.inventory())];
    const moved = await endpointGuard(s, t.parents.cluster);
    if (moved) errors.push(moved);
    const cni = res.spec.role === "control-plane" && o.machines.length > 0 ? await cniNote(s, t.parents.cluster) : undefined;
    if (cni) {
      notes.push(cni);
      s.progress.note(`warning: ${cni}`);
    }
    for (const c of (await s.inventory()).clonesOf(s.identity, res.id)) {
      const line = `VM ${c.spec?.name ?? ""} (${c.metadata.uuid ?? ""}) carries ${res.id}'s categories but is a copy of VM ${cloneSourceOf(c) ?? ""} (a clone made in Prism?): reported, never modified or deleted`;
      notes.push(line);
      s.progress.note(`warning: ${line}`);
    }
    if (o.machines.length > 0) {
      const g = await versionGuard(s, t.parents.cluster).catch((e: unknown) => ({ note: `version change not checked: ${e instanceof Error ? e.message : String(e)}` }));
      if ("error" in g) errors.push(g.error);
      if ("note" in g) notes.push(g.note);
    }
    return { diff: { id: res.id, kind: res.kind, action: decision.action, changes, vms: decision.vmChanges, notes, errors }, observation: o, decision };
  },

  async apply(s, res, planned) {
    const { diff, observation: o, decision } = planned;
    if (diff.errors.length > 0) throw new ResourceApplyError([diff.errors.join("\n")]);
    const none = `${res.spec.replicas} VM(s), no change`;
    if (!decision || !o.target || !hasWork(decision)) return { detail: none, outcome: { created: [], updated: [], deleted: [] } };
    const steps = decision.stages.flatMap((st) => st.sequences.flatMap((q) => q.steps));
    if (steps.some((x) => x.op === "create" || x.op === "update")) await s.categories.ensure(o.target.categories);
    const t = o.target;
    // A refused create (decide.ts: the init ordinal's role unknown) counts: the upgrade step before it refuses too.
    const creates = steps.some((x) => x.op === "create" || x.op === "refuse");
    const cluster = t.parents.cluster;
    const failedControlPlane = (e: unknown): never => {
      // Pools of the same cluster waiting for its API in this run stop waiting.
      if (res.spec.role === "control-plane") s.cache.set(`control-plane-failed:${res.spec.cluster}`, Promise.resolve(`its control-plane pool ${res.id} failed in this run`));
      throw e;
    };
    // Upgrades (kube/upgrade.ts): the control plane's kubeadm-config first; worker creates and in-place updates only after every control-plane node.
    if (creates && o.machines.length > 0 && res.spec.role === "control-plane") await upgradeKubeadmConfig(s, cluster, res.id).catch(failedControlPlane);
    if (heldForControlPlaneUpgrade(decision, res.spec.role)) await awaitControlPlaneVersion(s, cluster, res.id, o.machines.length > 0);
    const outcome = await act(s, { res, target: t, entities: o.entities, secretsFor: (role) => secretsFor(s, t, role) }, withKubeSteps(decision, res.spec.role)).catch(failedControlPlane);
    const parts = [
      outcome.created.length ? `created ${outcome.created.length}` : "",
      outcome.updated.length ? `updated ${outcome.updated.length}` : "",
      outcome.deleted.length ? `deleted ${outcome.deleted.length}` : "",
    ].filter(Boolean);
    return { detail: parts.length ? `${parts.join(", ")} VM(s); ${res.spec.replicas} running` : none, outcome };
  },
};
