/**
 * Observe (I/O, reads only): resolve the pool's machine, list its VMs (the run's one VM list, plus creates
 * still running that the list lacks) and compare each with the desired machine.
 */
import { PrismLookupError } from "../../../prism/errors";
import type { VmEntity } from "../../../prism/types";
import { isErrorEntity, observedPowerState } from "../../../prism/vm-read";
import type { ResourceOfKind } from "../../../schema/plan";
import { PlanReferenceError } from "../../errors";
import { ownedByResource, ownershipCategories, parseVmName, vmNamePrefix } from "../../ownership";
import { isDeleting, nameOf, type Services } from "../../services";
import { bootstrapInputsHash } from "../../userdata";
import { expectedSlots, type DesiredPool, type ObservedMachine } from "./decide";
import { immutableChanges, mutableChanges, resolveMachine, specHashOf, type NodePoolResource, type ResolvedMachine } from "./machine";

/** The cluster and endpoint a pool's user data needs. */
export interface PoolParents {
  readonly cluster: ResourceOfKind<"NutanixCluster">;
  readonly endpoint: ResourceOfKind<"KubeVipEndpoint">;
}

/** What the plan wants, resolved. */
export interface PoolTarget {
  readonly parents: PoolParents;
  readonly resolved: ResolvedMachine;
  readonly bootHash: string;
  readonly specHash: string;
  /** The categories every VM of the pool carries. */
  readonly categories: Record<string, string>;
  readonly desired: DesiredPool;
}

/** What observe found. Without `target` the pool cannot be planned (see `errors`). */
export interface PoolObservation {
  readonly errors: string[];
  readonly target?: PoolTarget;
  readonly machines: ObservedMachine[];
  /** The VM entities of `machines`, by uuid (act needs their tasks). */
  readonly entities: ReadonlyMap<string, VmEntity>;
  /** VMs this pool does not own whose names start like its VMs' (name → uuids). */
  readonly foreign: ReadonlyMap<string, ReadonlyArray<string | undefined>>;
}

export function poolParents(s: Services, res: NodePoolResource): PoolParents {
  const cluster = s.plan.require(res.spec.cluster, "NutanixCluster", res.id);
  const endpoint = s.plan.require(cluster.spec.endpoint, "KubeVipEndpoint", cluster.id);
  return { cluster, endpoint };
}

function observeVm(vm: VmEntity, t: PoolTarget, res: NodePoolResource, listed: boolean, ordinal?: number): ObservedMachine {
  const state = vm.status?.state;
  const power = observedPowerState(vm);
  return {
    uuid: vm.metadata.uuid ?? "",
    name: nameOf(vm),
    ordinal: ordinal ?? parseVmName(nameOf(vm), res.spec.clusterName, res.spec.name)?.ordinal,
    listed,
    pending: state === "PENDING",
    unhealthy: isErrorEntity(vm) || power !== "ON",
    // A VM whose create failed may stay listed in state ERROR on a real PC (PGC and TF return such 2xx
    // entities): it is replaced like any VM that needs a new one, never counted as the ordinal's machine.
    rollChanges: [...(isErrorEntity(vm) ? [{ field: "state (its create failed)", from: "ERROR", to: "COMPLETE" }] : []), ...immutableChanges(vm, t.resolved, res, t.bootHash)],
    inPlaceChanges: mutableChanges(vm, res, t.categories),
  };
}

/** Resolves the desired machine; undefined plus errors when a reference is missing. */
async function target(s: Services, res: NodePoolResource, errors: string[]): Promise<PoolTarget | undefined> {
  let parents: PoolParents;
  try {
    parents = poolParents(s, res);
  } catch (e) {
    if (!(e instanceof PlanReferenceError)) throw e;
    errors.push(e.message);
    return undefined;
  }
  const spec = res.spec;
  const bootHash = bootstrapInputsHash(parents.cluster.spec, parents.endpoint.spec, spec);
  let resolved: ResolvedMachine;
  try {
    resolved = await resolveMachine(s, res);
  } catch (e) {
    if (!(e instanceof PrismLookupError)) throw e;
    errors.push(...e.issues.map((i) => i.message));
    return undefined;
  }
  const specHash = specHashOf(resolved, res, bootHash);
  const categories: Record<string, string> = {
    ...spec.machine.additionalCategories,
    ...ownershipCategories({ identity: s.identity, stack: s.stack, resourceId: res.id, clusterName: spec.clusterName, pool: spec.name, specHash, bootHash }),
  };
  const desired: DesiredPool = { stack: s.identity, resourceId: res.id, clusterName: spec.clusterName, pool: spec.name, role: spec.role, replicas: spec.replicas, specHash };
  return { parents, resolved, bootHash, specHash, categories, desired };
}

/** Observes a pool (reads only). */
export async function observe(s: Services, res: NodePoolResource): Promise<PoolObservation> {
  const errors: string[] = [];
  const t = await target(s, res, errors);
  if (!t) return { errors, machines: [], entities: new Map(), foreign: new Map() };
  // The running creates are listed alongside the run's VM list (neither waits for the other).
  void s.runningTasks.runningCreates();
  const inv = await s.inventory();
  const pending = s.runningTasks.pendingCreates();
  const entities = new Map<string, VmEntity>();
  const machines: ObservedMachine[] = [];
  for (const vm of inv.ownedByResource(s.identity, res.id)) {
    if (isDeleting(vm)) continue;
    machines.push(observeVm(vm, t, res, true));
    entities.set(vm.metadata.uuid ?? "", vm);
  }
  // VMs to create are likely: list the category keys' values now (reads).
  if (s.writable && expectedSlots(t.desired, machines).length > 0) s.categories.prefetch(Object.keys(t.categories));
  // Creates still running (an interrupted run's) are not listed yet. The run's one list of running
  // create_vm_intentful tasks names them (a hint: RunningTasks); this pool keeps the ones with its ownership
  // categories, beyond its replicas too (a scale-down after a killed scale-up deletes them once created).
  // An empty or failed task list means "unknown": every expected VM still to create is read through its
  // slot's reservation before it is created (act.ts createVm, prism/idempotent-create.ts), never made twice.
  for (const vm of (await pending) ?? []) {
    if (!ownedByResource(vm, s.identity, res.id) || inv.byUuid.has(vm.metadata.uuid ?? "")) continue;
    inv.add(vm);
    if (isDeleting(vm)) continue;
    machines.push(observeVm(vm, t, res, false));
    entities.set(vm.metadata.uuid ?? "", vm);
  }
  const prefix = vmNamePrefix(res.spec.clusterName, res.spec.name);
  const foreign = new Map<string, Array<string | undefined>>();
  for (const vm of inv.all) {
    const name = nameOf(vm);
    if (!name.startsWith(prefix) || ownedByResource(vm, s.identity, res.id) || isDeleting(vm)) continue;
    foreign.set(name, [...(foreign.get(name) ?? []), vm.metadata.uuid]);
  }
  return { errors, target: t, machines, entities, foreign };
}
