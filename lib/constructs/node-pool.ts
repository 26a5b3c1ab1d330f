/**
 * NodePool: a group of identical Nutanix VMs with one role in a cluster.
 */
import type { Construct, IConstruct } from "constructs";
import type { z } from "zod";
import { NodePoolPropsSchema, type NodePoolRole, type NodePoolSpec } from "../schema/node-pool";
import { checkProps, type AssertTrue, type MutuallyAssignable } from "./internal";
import type { NodeTaint, NutanixMachineProps } from "./machine";
import type { NutanixCluster } from "./nutanix-cluster";
import { NutanixResource, resourceProp } from "./resource";

/** Autoscaling bounds of a worker pool (`minReplicas ≤ replicas ≤ maxReplicas`). */
export interface AutoscalingProps {
  /** The fewest nodes. */
  readonly minReplicas: number;
  /** The most nodes. */
  readonly maxReplicas: number;
}

/** What every pool states: size, machine, labels and taints (used by `addNodePool()`). */
export interface NodePoolOptions {
  /** Number of nodes (workers 0–1000; a control plane 1, 3 or 5). */
  readonly replicas: number;
  /**
   * Cluster-autoscaler bounds (workers only).
   * @default - no autoscaling
   */
  readonly autoscaling?: AutoscalingProps;
  /** The VM of every node. */
  readonly machine: NutanixMachineProps;
  /**
   * Kubernetes labels of the nodes.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Kubernetes taints of the nodes.
   * @default []
   */
  readonly taints?: readonly NodeTaint[];
  /**
   * SSH public keys (`ssh-ed25519 AAAA… comment`) for the default user of this pool's nodes, added to
   * the cluster's `sshAuthorizedKeys` (cloud-init `ssh_authorized_keys`).
   * @default - only the cluster's keys
   */
  readonly sshAuthorizedKeys?: readonly string[];
}

/** Props of a {@link NodePool}. */
export interface NodePoolProps extends NodePoolOptions {
  /** The cluster the pool belongs to. */
  readonly cluster: NutanixCluster;
  /**
   * The pool name; VMs are named `<cluster>-<pool>-<n>`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The role of the nodes.
   * @default "worker"
   */
  readonly role?: NodePoolRole;
}

type SchemaInput = z.input<typeof NodePoolPropsSchema>;
/** Compile-time check: the Props interface and the schema's input agree. */
export type _NodePoolPropsCheck = AssertTrue<MutuallyAssignable<Omit<NodePoolProps, "cluster" | "name">, Omit<SchemaInput, "name">>>;

/** The data of a pool after validation. */
export type NodePoolData = z.output<typeof NodePoolPropsSchema>;

/**
 * A node pool of a {@link NutanixCluster}. The cluster creates its control-plane pool (`cp`) and one
 * pool per worker entry; `cluster.addNodePool()` or `new NodePool(scope, id, { cluster, … })` adds more.
 */
export class NodePool extends NutanixResource {
  /** Whether `x` is a NodePool. */
  public static isNodePool(x: unknown): x is NodePool {
    return NutanixResource.isNutanixResource(x) && x.kind === "NodePool";
  }

  public readonly kind = "NodePool" as const;
  /** The cluster of this pool. */
  public readonly cluster: NutanixCluster;
  /** The validated pool settings. */
  public readonly data: NodePoolData;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    const { data, refs } = this.checked(() =>
      checkProps(this.node.path, props, NodePoolPropsSchema, { cluster: resourceProp("NutanixCluster") }, { name: id }),
    );
    this.data = data;
    this.cluster = refs.cluster as NutanixCluster;
    this.cluster._registerPool(this);
  }

  /** The pool name. */
  public get poolName(): string {
    return this.data.name;
  }

  /** The role of the nodes. */
  public get role(): NodePoolRole {
    return this.data.role;
  }

  /** @internal */
  public _renderSpec(): NodePoolSpec {
    const d = this.data;
    return {
      account: this.cluster.account.resourceId,
      cluster: this.cluster.resourceId,
      clusterName: this.cluster.clusterName,
      kubernetesVersion: this.cluster.kubernetesVersion,
      name: d.name,
      role: d.role,
      replicas: d.replicas,
      ...(d.autoscaling ? { autoscaling: d.autoscaling } : {}),
      machine: d.machine,
      labels: d.labels,
      taints: d.taints,
      ...(d.sshAuthorizedKeys && d.sshAuthorizedKeys.length > 0 ? { sshAuthorizedKeys: d.sshAuthorizedKeys } : {}),
    };
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    return [this.cluster.account, this.cluster.endpoint];
  }
}
