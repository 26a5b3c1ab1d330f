/**
 * The pure heart of a node pool: from what the plan wants (`DesiredPool`), what Prism Central has
 * (`ObservedMachine[]`, built by observe.ts) and how changes may be made (`PoolPolicy`), decide the
 * ordered steps. No I/O: the same inputs give the same decision, and test/handler/reconcilers/
 * node-pool-decide.test.ts checks it row by row.
 *
 * Rules (Cluster API is the reference: KubeadmControlPlane for the control plane, MachineSet /
 * MachineDeployment for workers; `kubernetes-sigs/cluster-api`):
 * - Identity is the ordinal: a pool has VMs `<cluster>-<pool>-<n>` for n = 1..replicas. A missing ordinal
 *   is created; a VM whose immutable inputs differ is replaced by `<cluster>-<pool>-<n>-<hash6>`
 *   (create the new one, then delete the old: surge, never a gap); a VM whose mutable inputs differ is
 *   updated in place; extra VMs of an ordinal (leftovers of an interrupted roll) and VMs whose names do
 *   not parse are deleted; ordinals above `replicas` are deleted (scale down).
 * - Which VMs go first when several must be deleted: Cluster API's MachineSet deletion order
 *   (`internal/controllers/machineset/machineset_deletion_order.go`, formerly `machineset_delete_policy.go`)
 *   deletes machines that must go first, then unhealthy ones, then by policy (Random / Newest / Oldest).
 *   Here names carry identity, so which ordinals go is fixed (those above `replicas`); the ORDER is:
 *   VMs that must go (name not parsing, leftovers of a roll), then unhealthy excess VMs (Prism state ERROR
 *   or not powered on), then the highest ordinal first. Newest/oldest is not used: Prism's creation time
 *   is not part of the observation, and the highest ordinal is the newest by construction.
 * - Control-plane pools change one machine at a time, as KCP does: creates/updates first, then each
 *   replacement (new VM up before the old one goes), then each deletion, each stage only after the
 *   previous one fully succeeded, stopping at the first failure. So the number of running members never
 *   falls below min(current, replicas), hence never below floor(replicas/2)+1 (etcd's quorum). These are
 *   running VMs, not etcd members: KCP also removes the old machine's etcd member before deleting it, which
 *   needs the cluster's API; kube-steps.ts adds those steps. The first VM of a new control plane runs
 *   `kubeadm init`; every other one joins. A new VM at ordinal 1 of a pool that has other VMs runs
 *   `kubeadm init` only when the cluster was never initialised, joins when it was, and is refused when
 *   that is unknown (lib/kube/decide/init-role.ts says how it is told).
 * - Worker pools change in parallel (bounded by `--parallelism`), each replacement still create-then-delete.
 *
 * Extending the model: a step is one action on one VM, and a sequence runs its steps in order, so the
 * Kubernetes day-2 steps slot into the existing sequences: a replacement becomes create → wait for the
 * node Ready → remove the old etcd member → drain → delete the old VM; a deletion becomes drain → delete
 * Node → delete VM; an update that a running VM refuses becomes power off → update → power on.
 */
import { controlPlaneCreateRole, type ClusterInitialised } from "../../../kube/decide/init-role";
import type { NodeRole } from "../../../render/cloud-init";
import { vmName, vmUuid } from "../../ownership";
import type { FieldChange, ResourceAction, VmChange } from "../../types";

/** What the plan wants of the pool. */
export interface DesiredPool {
  /** The stack identity `<project>/<stack>`: part of each VM slot's reservation key, so two programs with one stack name never share a slot. */
  readonly stack: string;
  readonly resourceId: string;
  readonly clusterName: string;
  readonly pool: string;
  readonly role: "control-plane" | "worker";
  readonly replicas: number;
  /** Hash of the resolved immutable inputs (names replacements, seeds uuids). */
  readonly specHash: string;
}

/** One VM of the pool as observed in Prism Central (and compared with the desired machine). */
export interface ObservedMachine {
  readonly uuid: string;
  readonly name: string;
  /** The ordinal of its name; undefined when the name does not follow `<cluster>-<pool>-<n>[-<hash6>]`. */
  readonly ordinal: number | undefined;
  /** In the run's VM list; false when found through a running create task (or a GET of an expected uuid). */
  readonly listed: boolean;
  /** Prism reports it PENDING (its create task is still running). */
  readonly pending: boolean;
  /** Prism state ERROR or power not ON. */
  readonly unhealthy: boolean;
  /** Immutable inputs that differ: non-empty means it must be replaced. */
  readonly rollChanges: readonly FieldChange[];
  /** Mutable inputs that differ: non-empty means an in-place update. */
  readonly inPlaceChanges: readonly FieldChange[];
}

/** How changes may be made. */
export interface PoolPolicy {
  /** Concurrent replacements of a worker pool (the run's `--parallelism`). */
  readonly parallelism: number;
}

/** A reference to an existing VM. */
export interface VmRef {
  readonly uuid: string;
  readonly name: string;
}

/** One action on one VM. */
export type PoolStep =
  | {
      readonly op: "create";
      readonly ordinal: number;
      readonly name: string;
      readonly uuid: string;
      readonly role: NodeRole;
      /**
       * A control-plane join at a missing ordinal of a pool with other VMs: a VM of this name may have existed
       * (deleted outside the handler), leaving its Node and etcd member behind; they are cleared first.
       * @default false
       */
      readonly clearStale?: boolean;
    }
  | { readonly op: "await-create"; readonly ordinal: number; readonly vm: VmRef }
  | { readonly op: "update"; readonly ordinal: number; readonly vm: VmRef; readonly changes: readonly FieldChange[] }
  | { readonly op: "delete"; readonly vm: VmRef; readonly reason: string }
  /** A create the handler cannot decide safely (the role of ordinal 1): act fails the sequence with the reason, before any write. */
  | { readonly op: "refuse"; readonly name: string; readonly reason: string }
  | KubeStep;

/**
 * Steps through the cluster's API (kube-steps.ts adds them): wait until a node is Ready, remove a
 * control-plane machine's etcd member, cordon and drain a worker, delete a Node object.
 */
export type KubeStep =
  | { readonly op: "wait-ready"; readonly vm: VmRef }
  /** Before a control-plane join reuses a name: delete a NotReady Node and remove an etcd member left by a VM of that name. */
  | { readonly op: "clear-stale"; readonly vm: VmRef }
  | { readonly op: "remove-etcd-member"; readonly vm: VmRef }
  | { readonly op: "drain"; readonly vm: VmRef }
  | { readonly op: "delete-node"; readonly vm: VmRef };

/** Steps that run in order (a failure stops the rest); `label` names it in errors. */
export interface PoolSequence {
  readonly kind: "create" | "await-create" | "update" | "replace" | "delete";
  readonly label: string;
  readonly steps: readonly PoolStep[];
  /** For a replacement: what made it necessary. @default none */
  readonly changes?: readonly FieldChange[];
}

/** A group of sequences and how they run: all at once, one after the other, or up to `parallelism` at once. */
export interface PoolStage {
  readonly name: "converge" | "roll" | "remove";
  readonly mode: "parallel" | "serial" | "bounded";
  readonly sequences: readonly PoolSequence[];
}

/** The decision: stages in order, and what `plan` shows. */
export interface PoolDecision {
  readonly stages: readonly PoolStage[];
  /** Each stage starts only after every earlier stage succeeded (control plane); else all run at once. */
  readonly gated: boolean;
  /** Bounded stages run this many sequences at once. */
  readonly parallelism: number;
  readonly action: ResourceAction;
  /** The VM lines of the diff, in the order `plan` prints them. */
  readonly vmChanges: readonly VmChange[];
  /** Names this decision would create that unowned VMs hold (the apply must fail). */
  readonly blocked: readonly string[];
  /** Running members now (listed, not being deleted). */
  readonly current: number;
}

/** A VM name and its slot key (ownership.ts vmUuid; the VM gets the uuid reserved for it). */
function slot(d: DesiredPool, ordinal: number, replacement: boolean): { name: string; uuid: string } {
  const name = vmName(d.clusterName, d.pool, ordinal, replacement ? d.specHash : undefined);
  return { name, uuid: vmUuid(d.stack, d.resourceId, name, d.specHash) };
}

function byName(a: ObservedMachine, b: ObservedMachine): number {
  return a.name.localeCompare(b.name, "en", { numeric: true });
}

function groupByOrdinal(observed: readonly ObservedMachine[]): Map<number, ObservedMachine[]> {
  const groups = new Map<number, ObservedMachine[]>();
  for (const m of observed) {
    if (m.ordinal === undefined) continue;
    const list = groups.get(m.ordinal) ?? [];
    list.push(m);
    groups.set(m.ordinal, list);
  }
  for (const list of groups.values()) list.sort(byName);
  return groups;
}

/**
 * The VMs that may exist without being in the VM list (a create still running after an interrupted run):
 * for each ordinal with no VM, its first name; for each ordinal with no up-to-date VM, its replacement.
 */
export function expectedSlots(d: DesiredPool, observed: readonly ObservedMachine[]): Array<{ ordinal: number; name: string; uuid: string }> {
  const groups = groupByOrdinal(observed);
  const out: Array<{ ordinal: number; name: string; uuid: string }> = [];
  for (let n = 1; n <= d.replicas; n++) {
    const g = groups.get(n) ?? [];
    if (g.length === 0) out.push({ ordinal: n, ...slot(d, n, false) });
    else if (!g.some((m) => m.rollChanges.length === 0)) out.push({ ordinal: n, ...slot(d, n, true) });
  }
  return out;
}

const ref = (m: ObservedMachine): VmRef => ({ uuid: m.uuid, name: m.name });
const single = (kind: PoolSequence["kind"], label: string, step: PoolStep): PoolSequence => ({ kind, label, steps: [step] });

/** What decide assumes about the cluster's initialisation when the caller did not observe it. */
export const NOT_OBSERVED: ClusterInitialised = { known: false, reason: "not observed" };

/**
 * True when a control-plane decision needs to know whether the cluster was initialised: ordinal 1 is to be
 * created (missing, or replaced) while the pool has other VMs. Callers observe it only then (pure).
 */
export function needsInitialised(d: DesiredPool, observed: readonly ObservedMachine[]): boolean {
  if (d.role !== "control-plane" || d.replicas < 1) return false;
  if (!observed.some((m) => m.listed || m.pending)) return false;
  const first = groupByOrdinal(observed).get(1) ?? [];
  return first.length === 0 || !first.some((m) => m.rollChanges.length === 0);
}

/**
 * Decides the steps of a pool (pure). `taken` holds names that VMs this pool does not own already use;
 * `initialised` is what the caller observed of the cluster's initialisation (needed when {@link needsInitialised}).
 */
export function decide(
  d: DesiredPool,
  observed: readonly ObservedMachine[],
  policy: PoolPolicy,
  taken: ReadonlySet<string> = new Set(),
  initialised: ClusterInitialised = NOT_OBSERVED,
): PoolDecision {
  const groups = groupByOrdinal(observed);
  const current = observed.filter((m) => m.listed).length;
  const awaiting = observed.filter((m) => !m.listed && m.pending);
  const existing = observed.filter((m) => m.listed || m.pending).map((m) => m.name).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  /** The role of a new VM, or the reason it is refused. */
  const roleFor = (n: number, name: string): NodeRole | { refuse: string } => {
    if (d.role === "worker") return "worker-join";
    const r = controlPlaneCreateRole({ cluster: d.clusterName, name, ordinal: n, existing, initialised });
    return r.kind === "refuse" ? { refuse: r.reason } : r.kind === "init" ? "init" : "control-plane-join";
  };
  const createStep = (n: number, s: { name: string; uuid: string }): PoolStep => {
    const role = roleFor(n, s.name);
    return typeof role === "string" ? { op: "create", ordinal: n, ...s, role } : { op: "refuse", name: s.name, reason: role.refuse };
  };

  const converge: PoolSequence[] = [];
  const roll: PoolSequence[] = [];
  // `after`: a VM whose node must be Ready before this one goes (the keeper of an interrupted roll).
  type Removal = { m: ObservedMachine; reason: string; after?: ObservedMachine };
  const mustGo: Removal[] = observed
    .filter((m) => m.ordinal === undefined)
    .map((m) => ({ m, reason: "name does not follow <cluster>-<pool>-<n>" }));
  const vmChanges: VmChange[] = [];
  const blocked: string[] = [];
  const claim = (name: string): void => {
    if (taken.has(name)) blocked.push(name);
  };

  for (let n = 1; n <= d.replicas; n++) {
    const g = groups.get(n) ?? [];
    if (g.length === 0) {
      const s = slot(d, n, false);
      claim(s.name);
      const created = createStep(n, s);
      const step: PoolStep = created.op === "create" && created.role === "control-plane-join" && existing.length > 0 ? { ...created, clearStale: true } : created;
      converge.push(single("create", `create ${s.name}`, step));
      vmChanges.push({ op: "create", name: s.name, uuid: s.uuid, changes: [], ...(step.op === "refuse" ? { reason: `refused: ${step.reason}` } : {}) });
      continue;
    }
    const keepers = g.filter((m) => m.rollChanges.length === 0);
    if (keepers.length > 0) {
      // Prefer a settled VM; the others of this ordinal are leftovers of an interrupted roll.
      const keep = keepers.find((m) => !m.pending) ?? keepers[0]!;
      if (!keep.listed && keep.pending) {
        converge.push(single("await-create", `create ${keep.name}`, { op: "await-create", ordinal: n, vm: ref(keep) }));
        vmChanges.push({ op: "wait", name: keep.name, uuid: keep.uuid, changes: [], reason: "create still running" });
      } else if (keep.inPlaceChanges.length > 0) {
        converge.push(single("update", `update ${keep.name}`, { op: "update", ordinal: n, vm: ref(keep), changes: keep.inPlaceChanges }));
        vmChanges.push({ op: "update", name: keep.name, uuid: keep.uuid, changes: keep.inPlaceChanges });
      }
      // An interrupted roll (the run was killed between the new VM's create and the old one's delete): the old
      // VM goes only once the keeper's node is Ready, as a replacement's old machine does (KCP, MachineSet).
      for (const other of g) if (other !== keep) mustGo.push({ m: other, reason: `superseded by ${keep.name}`, after: keep });
      continue;
    }
    const s = slot(d, n, true);
    claim(s.name);
    const changes = g[0]!.rollChanges;
    roll.push({
      kind: "replace",
      label: `replace ${g.map((m) => m.name).join(", ")}`,
      changes,
      steps: [createStep(n, s), ...g.map((old): PoolStep => ({ op: "delete", vm: ref(old), reason: `replaced by ${s.name}` }))],
    });
    const refusal = roll[roll.length - 1]!.steps[0]!;
    for (const old of g) {
      vmChanges.push({ op: "replace", name: old.name, uuid: old.uuid, newName: s.name, newUuid: s.uuid, changes, ...(refusal.op === "refuse" ? { reason: `refused: ${refusal.reason}` } : {}) });
    }
  }

  // Scale down: ordinals above replicas; unhealthy first, then the highest ordinal first.
  const excess = observed
    .filter((m) => m.ordinal !== undefined && m.ordinal > d.replicas)
    .sort((a, b) => Number(b.unhealthy) - Number(a.unhealthy) || b.ordinal! - a.ordinal! || byName(b, a));
  const removals: Removal[] = [...mustGo, ...excess.map((m) => ({ m, reason: `scale down to ${d.replicas}` }))];
  const remove = removals.map(({ m, reason, after }): PoolSequence => {
    const del: PoolStep = { op: "delete", vm: ref(m), reason };
    return after ? { kind: "delete", label: `delete ${m.name}`, steps: [{ op: "wait-ready", vm: ref(after) }, del] } : single("delete", `delete ${m.name}`, del);
  });
  for (const { m, reason } of removals) vmChanges.push({ op: "delete", name: m.name, uuid: m.uuid, changes: [], reason });

  const controlPlane = d.role === "control-plane";
  const stages: PoolStage[] = [
    { name: "converge", mode: "parallel", sequences: converge },
    { name: "roll", mode: controlPlane ? "serial" : "bounded", sequences: roll },
    { name: "remove", mode: controlPlane ? "serial" : "parallel", sequences: remove },
  ];
  const creates = converge.filter((q) => q.kind === "create").length;
  const updates = converge.filter((q) => q.kind === "update").length;
  const action: ResourceAction =
    current === 0 && awaiting.length === 0 && creates > 0 ? "create" : roll.length > 0 ? "replace" : creates + updates + remove.length > 0 ? "update" : "no-change";
  return { stages: stages.filter((s) => s.sequences.length > 0), gated: controlPlane, parallelism: policy.parallelism, action, vmChanges, blocked, current };
}

/** True when applying the decision writes or waits on something. */
export function hasWork(decision: PoolDecision): boolean {
  return decision.stages.length > 0;
}
