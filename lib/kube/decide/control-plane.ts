/**
 * The next single safe step for a stacked-etcd control plane, decided the way Cluster API's
 * KubeadmControlPlane decides it (`kubernetes-sigs/cluster-api` `controlplane/kubeadm/internal/controllers/`
 * `controller.go`, `scale.go`, `remediation.go`, `upgrade.go`):
 * - the `kubeadm init` machine first and alone until its node is Ready; a failed create is deleted and the
 *   init machine created again (no other machine can join a cluster that was never initialised);
 * - then one machine at a time: a new machine's node must be Ready and its etcd member present before
 *   anything else happens (concurrent control-plane joins flake: kubeadm #1646, #2005; cluster-api #2016);
 * - a roll surges one up-to-date machine, then removes one outdated machine; removal is mark → remove its
 *   etcd member → delete its Node → delete its VM, and only while every other member is healthy, so etcd
 *   never loses quorum (KCP `scaleDownControlPlane`: "etcd member removal, then machine deletion");
 * - an upgrade moves one minor at a time (patch changes free), updates the kubeadm-config ClusterConfiguration
 *   first, then rolls the machines (KCP `upgradeControlPlane`); downgrades and skipped minors are refused;
 * - an even replica count is refused (KCP's validating webhook: "cannot be an even number when etcd is stacked");
 * - when the cluster's API or etcd cannot be reached, only steps that need neither are taken.
 */
import { compareKubeVersions, lowestVersion, parseKubeVersion, versionChange } from "../version";
import { byName, type DesiredPool, type ObservedControlPlaneMachine, type Reachability, type Step } from "./types";

/** What the caller observed of the control plane. */
export interface ControlPlaneObservation {
  readonly machines: readonly ObservedControlPlaneMachine[];
  /** The cluster's Kubernetes API. */
  readonly api: Reachability;
  /** The cluster's etcd (through a member's client endpoint). */
  readonly etcd: Reachability;
  /** `kubernetesVersion` of kubeadm-config's ClusterConfiguration; undefined when not read. */
  readonly kubeadmConfigVersion?: string | undefined;
}

const isEmptyFailure = (m: ObservedControlPlaneMachine): boolean => m.vm === "failed" && m.etcdMember !== true && (m.node === "absent" || m.node === "unknown");
const healthy = (m: ObservedControlPlaneMachine): boolean => m.vm === "running" && m.node === "ready" && m.etcdMember === true;
const outdated = (m: ObservedControlPlaneMachine, d: DesiredPool): boolean => m.specHash !== d.specHash || m.kubernetesVersion !== d.kubernetesVersion;

/** The version refusal, if any: no downgrade below any machine, no minor skipped from the lowest one. */
export function controlPlaneVersionRefusal(versions: readonly string[], desired: string): string | undefined {
  if (!parseKubeVersion(desired)) return `desired version ${JSON.stringify(desired)} is not vMAJOR.MINOR.PATCH`;
  const parsed = versions.map((v) => parseKubeVersion(v)).filter((v) => v !== undefined);
  if (parsed.length === 0) return undefined;
  const highest = parsed.reduce((a, b) => (compareKubeVersions(a, b) >= 0 ? a : b));
  const lowest = lowestVersion(versions)!;
  const down = versionChange(`v${highest.major}.${highest.minor}.${highest.patch}`, desired);
  if (down.kind === "refuse") return down.reason;
  const up = versionChange(lowest, desired);
  return up.kind === "refuse" ? up.reason : undefined;
}

/** The next step for the control plane. Pure: same inputs, same step. */
export function decideControlPlane(observed: ControlPlaneObservation, desired: DesiredPool): Step {
  if (!Number.isInteger(desired.replicas) || desired.replicas < 1) {
    return { kind: "refuse", reason: `control plane replicas: expected an odd integer >= 1, got ${desired.replicas}` };
  }
  if (desired.replicas % 2 === 0) {
    return { kind: "refuse", reason: `control plane replicas: ${desired.replicas} is even; stacked etcd needs an odd count (1, 3, 5) to keep a majority through a failure` };
  }
  const machines = [...observed.machines].sort(byName);
  const live = machines.filter((m) => !isEmptyFailure(m));
  const versionRefusal = controlPlaneVersionRefusal(
    [...live.map((m) => m.kubernetesVersion), ...(observed.kubeadmConfigVersion ? [observed.kubeadmConfigVersion] : [])],
    desired.kubernetesVersion,
  );
  if (versionRefusal) return { kind: "refuse", reason: versionRefusal };

  const failed = machines.find(isEmptyFailure);
  if (failed) return { kind: "delete-vm", machine: failed.name, reason: `the create of ${failed.name} failed; it never booted and holds no Node or etcd member` };
  if (live.length === 0) return { kind: "create", role: "init", reason: "no control-plane machine exists: create the kubeadm init machine alone first" };

  const unreachable = !observed.api.reachable ? `cluster API unreachable (${observed.api.error})` : !observed.etcd.reachable ? `etcd unreachable (${observed.etcd.error})` : undefined;
  if (unreachable) {
    const only = live[0]!;
    if (live.length === 1 && only.role === "init" && !only.deleting) {
      return { kind: "wait", machine: only.name, reason: `init machine ${only.name} is bootstrapping: ${unreachable}` };
    }
    const hasInit = live.some((m) => m.role === "init");
    return {
      kind: "refuse",
      reason: `${unreachable}; nothing that needs it is done blindly${hasInit ? "" : " (and no kubeadm init machine exists: joins cannot succeed without an initialised cluster)"}`,
    };
  }

  const rest = live.filter((m) => !m.deleting);
  const deleting = live.find((m) => m.deleting);
  if (deleting) {
    if (deleting.etcdMember === true) {
      const notHealthy = rest.find((m) => !healthy(m));
      if (notHealthy) return { kind: "wait", machine: notHealthy.name, reason: `${notHealthy.name} must be Ready with an etcd member before ${deleting.name}'s member is removed` };
      const membersAfter = rest.filter((m) => m.etcdMember === true).length;
      if (membersAfter < 1) return { kind: "refuse", reason: `removing ${deleting.name}'s etcd member would leave no member` };
      return { kind: "remove-etcd-member", machine: deleting.name, reason: `${deleting.name} is being removed; ${membersAfter} healthy member(s) remain` };
    }
    if (deleting.node === "ready" || deleting.node === "not-ready") {
      return { kind: "delete-node", machine: deleting.name, reason: `${deleting.name}'s etcd member is gone; delete its Node` };
    }
    return { kind: "delete-vm", machine: deleting.name, reason: `${deleting.name} has no etcd member and no Node left` };
  }

  const waiting = rest.find((m) => !healthy(m));
  if (waiting) {
    const what = waiting.vm === "creating" ? "its VM is being created" : waiting.node !== "ready" ? `its node is ${waiting.node}` : "its etcd member is not in the member list";
    return { kind: "wait", machine: waiting.name, reason: `${waiting.name} is not up yet (${what}); one control-plane machine at a time` };
  }

  if (observed.kubeadmConfigVersion !== undefined && observed.kubeadmConfigVersion !== desired.kubernetesVersion) {
    return {
      kind: "update-kubeadm-config",
      kubernetesVersion: desired.kubernetesVersion,
      reason: `kubeadm-config says ${observed.kubeadmConfigVersion}; the upgrade to ${desired.kubernetesVersion} starts there, then rolls the machines`,
    };
  }

  const old = rest.filter((m) => outdated(m, desired));
  const total = rest.length;
  if (total < desired.replicas) return { kind: "create", role: "join", reason: `${total} of ${desired.replicas} control-plane machines: add one` };
  if (old.length > 0 && total === desired.replicas) {
    return { kind: "create", role: "join", reason: `${old.length} outdated control-plane machine(s) (${old.map((m) => m.name).join(", ")}): surge one up-to-date machine first` };
  }
  if (total > desired.replicas) {
    const victim = old[0] ?? [...rest].sort((a, b) => (a.role === b.role ? byName(a, b) : a.role === "join" ? -1 : 1))[0]!;
    return { kind: "mark-deleting", machine: victim.name, reason: `${total} control-plane machines for ${desired.replicas} replicas: remove ${victim.name}${old.includes(victim) ? " (outdated)" : ""}` };
  }
  return { kind: "done", reason: `${total} up-to-date control-plane machine(s), all Ready with etcd members` };
}
