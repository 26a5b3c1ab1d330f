/**
 * Rules that kubeadm and the kubelet enforce on a node or a cluster, checked at synth so that a
 * plan never reaches a node that would refuse it. Pure functions; each names its source.
 */
import { z } from "zod";
import type { MachineSpec } from "./node-pool";

/**
 * kubeadm's largest service subnet: at most 20 host bits, so an IPv4 prefix of /12 or longer
 * (kubernetes `cmd/kubeadm/app/constants/constants.go` `MaximumBitsForServiceSubnet = 20`, checked by
 * `ValidateServiceSubnetSize` in `cmd/kubeadm/app/apis/kubeadm/validation/validation.go`).
 */
export const MIN_SERVICE_CIDR_PREFIX = 12;
/**
 * The per-node pod CIDR mask kube-controller-manager hands out by default for IPv4
 * (`--node-cidr-mask-size` 24; kubeadm `ValidatePodSubnetNodeMask` compares with it).
 */
export const NODE_CIDR_MASK_SIZE = 24;
/** kubeadm's largest gap between the pod subnet mask and the node mask (`PodSubnetNodeMaskMaxDiff = 16`). */
export const POD_SUBNET_NODE_MASK_MAX_DIFF = 16;
/** kubeadm preflight: a control-plane node needs at least 2 CPUs (`ControlPlaneNumCPU`). */
export const MIN_CONTROL_PLANE_VCPUS = 2;
/** kubeadm preflight: a control-plane node needs at least 1700 MB of memory (`ControlPlaneMem`, compared in MiB). */
export const MIN_CONTROL_PLANE_MEMORY_MIB = 1700;
/**
 * The most nodes one pool may ask for. Our bound (a guess at a sane limit): Kubernetes is tested up
 * to 5000 nodes per cluster (kubernetes.io, "Considerations for large clusters"), and each node is
 * one Prism Central VM create.
 */
export const MAX_POOL_REPLICAS = 1000;

const prefixOf = (cidr: string) => Number(cidr.split("/")[1]);

/** Messages for a service CIDR kubeadm refuses (too many host bits). */
export function serviceCidrIssues(cidr: string): string[] {
  const bits = prefixOf(cidr);
  return bits < MIN_SERVICE_CIDR_PREFIX
    ? [`expected a service CIDR of /${MIN_SERVICE_CIDR_PREFIX} or smaller (kubeadm allows at most 20 host bits), got ${cidr}`]
    : [];
}

/**
 * Messages for a pod CIDR that cannot hold per-node /24 blocks for more than one node, or is more
 * than 16 bits wider than the node mask (kubeadm `ValidatePodSubnetNodeMask`).
 */
export function podCidrIssues(cidr: string): string[] {
  const bits = prefixOf(cidr);
  if (bits >= NODE_CIDR_MASK_SIZE) {
    return [`expected a pod CIDR larger than the per-node /${NODE_CIDR_MASK_SIZE} (a prefix shorter than /${NODE_CIDR_MASK_SIZE}, e.g. /16) so every node gets its own /${NODE_CIDR_MASK_SIZE}, got ${cidr}`];
  }
  if (NODE_CIDR_MASK_SIZE - bits > POD_SUBNET_NODE_MASK_MAX_DIFF) {
    return [`expected a pod CIDR of /${NODE_CIDR_MASK_SIZE - POD_SUBNET_NODE_MASK_MAX_DIFF} or smaller (kubeadm allows the node mask at most ${POD_SUBNET_NODE_MASK_MAX_DIFF} bits longer), got ${cidr}`];
  }
  return [];
}

/** An issue relative to the machine: its field path and message. */
export interface MachineIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/** kubeadm's preflight minimums for a control-plane machine (`NumCPUCheck`, `MemCheck` in `cmd/kubeadm/app/preflight/checks.go`). */
export function controlPlaneMachineIssues(m: Pick<MachineSpec, "vcpuSockets" | "vcpusPerSocket" | "memoryMiB">): MachineIssue[] {
  const out: MachineIssue[] = [];
  const vcpus = m.vcpuSockets * m.vcpusPerSocket;
  if (vcpus < MIN_CONTROL_PLANE_VCPUS) {
    out.push({ path: ["vcpuSockets"], message: `expected at least ${MIN_CONTROL_PLANE_VCPUS} vCPUs (vcpuSockets × vcpusPerSocket) on a control-plane node (kubeadm preflight NumCPU), got ${vcpus}` });
  }
  if (m.memoryMiB < MIN_CONTROL_PLANE_MEMORY_MIB) {
    out.push({ path: ["memoryMiB"], message: `expected at least ${MIN_CONTROL_PLANE_MEMORY_MIB} MiB of memory on a control-plane node (kubeadm preflight Mem), got ${m.memoryMiB} MiB` });
  }
  return out;
}

/** Replicas of a pool: a whole number from 0 to {@link MAX_POOL_REPLICAS}. */
export const PoolReplicas = z
  .number({ error: "expected replicas as a whole number" })
  .int({ error: "expected replicas as a whole number" })
  .min(0, { error: "expected replicas ≥ 0" })
  .max(MAX_POOL_REPLICAS, { error: `expected replicas ≤ ${MAX_POOL_REPLICAS} per pool` });
