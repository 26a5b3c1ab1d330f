/**
 * The next single safe step for a pool of workers, as a MachineDeployment with `maxSurge: 1`,
 * `maxUnavailable: 0` rolls (`kubernetes-sigs/cluster-api` `internal/controllers/machinedeployment/
 * machinedeployment_rolling.go`), and as the machine controller deletes a machine: cordon, drain
 * (evictions honouring PodDisruptionBudgets, `nodeDrainTimeout`), delete the Node, then the VM
 * (`internal/controllers/machine/machine_controller.go` reconcileDelete). Version skew
 * (kubernetes.io "Version Skew Policy"): a kubelet is never newer than kube-apiserver and at most three
 * minors older (two before 1.28); no downgrades.
 */
import { compareKubeVersions, parseKubeVersion } from "../version";
import { byName, type DesiredPool, type ObservedWorkerMachine, type Reachability, type Step } from "./types";

/** What the caller observed of a worker pool. */
export interface WorkerObservation {
  readonly machines: readonly ObservedWorkerMachine[];
  readonly api: Reachability;
  /** The lowest kube-apiserver / control-plane kubelet version; undefined when not known. */
  readonly controlPlaneVersion?: string;
}

const isEmptyFailure = (m: ObservedWorkerMachine): boolean => m.vm === "failed" && (m.node === "absent" || m.node === "unknown");
const ready = (m: ObservedWorkerMachine): boolean => m.vm === "running" && m.node === "ready";

/** The version refusal for workers, if any. */
export function workerVersionRefusal(machineVersions: readonly string[], desired: string, controlPlaneVersion: string | undefined): string | undefined {
  const d = parseKubeVersion(desired);
  if (!d) return `desired version ${JSON.stringify(desired)} is not vMAJOR.MINOR.PATCH`;
  for (const v of machineVersions) {
    const p = parseKubeVersion(v);
    if (p && compareKubeVersions(d, p) < 0) return `downgrade of workers from ${v} to ${desired} is not supported (Kubernetes version skew policy: no downgrades)`;
  }
  const cp = controlPlaneVersion === undefined ? undefined : parseKubeVersion(controlPlaneVersion);
  if (cp) {
    if (compareKubeVersions(d, cp) > 0) return `workers at ${desired} would be newer than the control plane at ${controlPlaneVersion}; upgrade the control plane first (a kubelet is never newer than kube-apiserver)`;
    const maxBehind = cp.major === 1 && cp.minor >= 28 ? 3 : 2;
    if (d.major !== cp.major || cp.minor - d.minor > maxBehind) return `workers at ${desired} would be more than ${maxBehind} minor versions behind the control plane at ${controlPlaneVersion}`;
  }
  return undefined;
}

/** The next step for a worker pool. Pure: same inputs, same step. */
export function decideWorkers(observed: WorkerObservation, desired: DesiredPool): Step {
  if (!Number.isInteger(desired.replicas) || desired.replicas < 0) return { kind: "refuse", reason: `worker replicas: expected an integer >= 0, got ${desired.replicas}` };
  const machines = [...observed.machines].sort(byName);
  const live = machines.filter((m) => !isEmptyFailure(m));
  const refusal = workerVersionRefusal(live.map((m) => m.kubernetesVersion), desired.kubernetesVersion, observed.controlPlaneVersion);
  if (refusal) return { kind: "refuse", reason: refusal };
  const failed = machines.find(isEmptyFailure);
  if (failed) return { kind: "delete-vm", machine: failed.name, reason: `the create of ${failed.name} failed; it never booted and holds no Node` };
  if (!observed.api.reachable) {
    return { kind: "refuse", reason: `cluster API unreachable (${observed.api.error}); workers are neither joined (no bootstrap token) nor removed (no drain) blindly` };
  }
  const deleting = live.find((m) => m.deleting);
  if (deleting) {
    const hasNode = deleting.node === "ready" || deleting.node === "not-ready";
    if (hasNode && !deleting.cordoned) return { kind: "cordon", machine: deleting.name, reason: `${deleting.name} is being removed: cordon its node` };
    if (hasNode && deleting.podsToDrain !== 0) return { kind: "drain", machine: deleting.name, reason: `${deleting.name} is being removed: drain its node (evictions honour PodDisruptionBudgets)` };
    if (hasNode) return { kind: "delete-node", machine: deleting.name, reason: `${deleting.name} is drained: delete its Node` };
    return { kind: "delete-vm", machine: deleting.name, reason: `${deleting.name} has no Node left` };
  }
  const rest = live.filter((m) => !m.deleting);
  const waiting = rest.find((m) => !ready(m));
  if (waiting) return { kind: "wait", machine: waiting.name, reason: `${waiting.name} is not Ready yet (${waiting.vm === "creating" ? "its VM is being created" : `its node is ${waiting.node}`}); surge is one machine` };
  const isOld = (m: ObservedWorkerMachine): boolean => m.specHash !== desired.specHash || m.kubernetesVersion !== desired.kubernetesVersion;
  const old = rest.filter(isOld);
  const upToDate = rest.length - old.length;
  if (upToDate < desired.replicas && rest.length < desired.replicas + 1) {
    return {
      kind: "create",
      role: "worker",
      reason: rest.length < desired.replicas ? `${rest.length} of ${desired.replicas} workers: add one` : `${old.length} outdated worker(s): surge one up-to-date worker first`,
    };
  }
  if (rest.length > desired.replicas) {
    const victim = old[0] ?? rest[rest.length - 1]!;
    return { kind: "mark-deleting", machine: victim.name, reason: `${rest.length} workers for ${desired.replicas} replicas: remove ${victim.name}${old.includes(victim) ? " (outdated)" : ""}` };
  }
  return { kind: "done", reason: `${rest.length} up-to-date worker(s), all Ready` };
}
