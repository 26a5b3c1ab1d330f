/**
 * The cluster create and its dry run: `POST /v1/spectroclusters/cloudTypes/nutanix[/validate]` with
 * `v1SpectroCustomClusterEntity` — `spec.cloudType`, `cloudAccountUid` and `cloudConfig.values` required (spec), the
 * pools under the lower-case `machinepoolconfig` key, each `{cloudConfig: {values}, poolConfig}` (spec
 * `v1CustomMachinePoolConfigEntity`), and the cluster profile by uid. Palette derives a pool's name and size from
 * its YAML (terraform-provider-spectrocloud `resource_cluster_custom_cloud.go`), so the body carries neither.
 * Metadata follows terraform-provider-spectrocloud `cluster_common_metadata.go` (labels; `description` annotation).
 */
import { NUTANIX, path } from "../paths";
import type { V1CustomMachinePoolConfigEntity, V1SpectroCustomClusterEntity, V1Taint } from "../types";
import { PaletteBodyError, type PaletteWrite } from "./request";

/** One pool of a create, or the pool of a pool create or update. */
export interface PalettePoolInput {
  /** The pool YAML (KubeadmControlPlane or MachineDeployment first, with its templates). */
  readonly values: string;
  readonly isControlPlane: boolean;
  /** Control plane only: also schedule workloads on it (Palette removes the control-plane taint). @default false */
  readonly useControlPlaneAsWorker?: boolean;
  /** @default [] */
  readonly taints?: readonly V1Taint[];
  /** @default {} */
  readonly additionalLabels?: Readonly<Record<string, string>>;
}

/** A cluster to create through Palette. */
export interface PaletteClusterInput {
  readonly name: string;
  readonly cloudAccountUid: string;
  /** The cluster profiles (uids), at least one: the Nutanix profile carries CNI and CSI (librarium `nutanix.md`). */
  readonly profileUids: readonly string[];
  /** The cloud config YAML. */
  readonly cloudConfig: string;
  /** The pools: exactly one control-plane pool. */
  readonly pools: readonly PalettePoolInput[];
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Shown as the cluster's description in Palette. @default none */
  readonly description?: string;
}

/** `v1CustomMachinePoolConfigEntity` of a pool. @throws PaletteBodyError when the YAML is empty. */
export function machinePoolBody(pool: PalettePoolInput, subject = "machine pool"): V1CustomMachinePoolConfigEntity {
  if (pool.values.trim() === "") throw new PaletteBodyError(subject, "cloudConfig.values", "expected the pool's YAML, got an empty string");
  return {
    cloudConfig: { values: pool.values },
    poolConfig: {
      isControlPlane: pool.isControlPlane,
      ...(pool.isControlPlane ? { useControlPlaneAsWorker: pool.useControlPlaneAsWorker ?? false } : {}),
      taints: [...(pool.taints ?? [])],
      additionalLabels: { ...(pool.additionalLabels ?? {}) },
    },
  };
}

/**
 * The `v1SpectroCustomClusterEntity` of a create or validate: the control-plane pool first (as the terraform example).
 * @throws PaletteBodyError naming the cluster and the field: no account, no profile, empty YAML, not exactly one control-plane pool.
 */
export function clusterCreateBody(input: PaletteClusterInput, cloudType: string = NUTANIX): V1SpectroCustomClusterEntity {
  const subject = `cluster ${JSON.stringify(input.name)}`;
  if (input.name.trim() === "") throw new PaletteBodyError(subject, "name", "expected a non-empty name");
  if (input.cloudAccountUid.trim() === "") throw new PaletteBodyError(subject, "cloudAccountUid", "expected the uid of the Nutanix cloud account");
  if (input.profileUids.length === 0 || input.profileUids.some((u) => u.trim() === "")) throw new PaletteBodyError(subject, "profiles", "expected at least one cluster profile uid");
  if (input.cloudConfig.trim() === "") throw new PaletteBodyError(subject, "cloudConfig.values", "expected the cloud config YAML, got an empty string");
  const cps = input.pools.filter((p) => p.isControlPlane).length;
  if (cps !== 1) throw new PaletteBodyError(subject, "machinepoolconfig", `expected exactly one control-plane pool, got ${cps}`);
  const pools = [...input.pools.filter((p) => p.isControlPlane), ...input.pools.filter((p) => !p.isControlPlane)];
  return {
    metadata: { name: input.name, labels: { ...(input.labels ?? {}) }, ...(input.description !== undefined ? { annotations: { description: input.description } } : {}) },
    spec: {
      cloudType,
      cloudAccountUid: input.cloudAccountUid,
      cloudConfig: { values: input.cloudConfig },
      machinepoolconfig: pools.map((p, i) => machinePoolBody(p, `${subject} machinepoolconfig[${i}]`)),
      profiles: input.profileUids.map((uid) => ({ uid })),
    },
  };
}

/** The create (or, with `validate`, the dry-run) request. */
export function clusterCreateRequest(input: PaletteClusterInput, opts: { validate?: boolean; cloudType?: string } = {}): PaletteWrite<V1SpectroCustomClusterEntity> {
  const cloudType = opts.cloudType ?? NUTANIX;
  const base = path`/v1/spectroclusters/cloudTypes/${cloudType}`;
  return { method: "POST", path: opts.validate ? `${base}/validate` : base, body: clusterCreateBody(input, cloudType), scope: "project", what: `cluster "${input.name}"` };
}
