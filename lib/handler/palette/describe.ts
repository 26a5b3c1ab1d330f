/**
 * Pure: a PaletteCluster plan resource (and the PrismCentralAccount its VMs go in) → the
 * {@link PaletteClusterDescription} that `paletteTemplates` renders, and the create input and pool diff of the
 * reconciler. Palette derives a pool's name and size from its YAML (terraform-provider-spectrocloud
 * `resource_cluster_custom_cloud.go`), so the diff compares by the rendered pool name and replicas.
 */
import type { PalettePoolInput } from "../../palette";
import type { V1CustomMachinePoolConfig } from "../../palette";
import type { PaletteClusterDescription, PalettePool, PalettePoolTemplate, PaletteTemplates } from "../../render/palette";
import type { PrismCentralAccountSpec } from "../../schema/account";
import type { PaletteClusterSpec, PalettePoolSpec } from "../../schema/palette-cluster";
import type { FieldChange } from "../types";
import { machineTemplateOf } from "./repave";

function pool(p: PalettePoolSpec): PalettePool {
  const m = p.machine;
  return {
    name: p.name,
    replicas: p.replicas,
    labels: p.labels,
    taints: p.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })),
    machine: {
      cluster: m.cluster,
      subnets: m.subnets,
      image: m.image,
      vcpuSockets: m.vcpuSockets,
      vcpusPerSocket: m.vcpusPerSocket,
      memoryMiB: m.memoryMiB,
      systemDiskMiB: m.systemDiskMiB,
      bootType: m.bootType,
      ...(m.project ? { project: m.project } : {}),
      additionalCategories: m.additionalCategories,
      gpus: m.gpus,
    },
  };
}

/** The description of a cluster through Palette. */
export function describePaletteCluster(spec: PaletteClusterSpec, pc: PrismCentralAccountSpec): PaletteClusterDescription {
  return {
    name: spec.name,
    kubernetesVersion: spec.kubernetesVersion,
    endpoint: { address: spec.endpoint.address, port: spec.endpoint.port },
    prismCentral: { host: pc.endpoint.host, port: pc.endpoint.port, insecure: pc.insecure, ...(pc.trustBundle ? { trustBundle: pc.trustBundle } : {}) },
    podCidr: spec.podCidr,
    serviceCidr: spec.serviceCidr,
    controlPlane: pool(spec.controlPlane),
    workers: spec.workers.map(pool),
  };
}

/** The pool entity of a rendered template (labels and taints from the plan). */
export function poolInput(t: PalettePoolTemplate, spec: PaletteClusterSpec): PalettePoolInput {
  const p = t.isControlPlane ? spec.controlPlane : spec.workers.find((w) => w.name === t.pool);
  return {
    values: t.values,
    isControlPlane: t.isControlPlane,
    ...(t.isControlPlane ? { useControlPlaneAsWorker: spec.controlPlaneAsWorker } : {}),
    taints: (p?.taints ?? []).map((x) => ({ key: x.key, ...(x.value !== undefined ? { value: x.value } : {}), effect: x.effect })),
    additionalLabels: { ...(p?.labels ?? {}) },
  };
}

/** What day 2 does to the pools of a live cluster. */
export interface PoolDiff {
  /**
   * Pools to PUT with the full entity: the size differs, or the NutanixMachineTemplate was renamed (a machine
   * change: Palette repaves the pool; `machineTemplate` names the old and new template).
   */
  readonly scale: readonly { readonly template: PalettePoolTemplate; readonly from: number; readonly machineTemplate?: { readonly from: string; readonly to: string } }[];
  /** Pools the plan has and Palette does not. */
  readonly added: readonly PalettePoolTemplate[];
  /** Pools Palette has and the plan does not (by Palette's name). */
  readonly removed: readonly string[];
  readonly changes: readonly FieldChange[];
  /**
   * What Palette cannot do: add a second control-plane pool or remove the control-plane one (a cluster has exactly
   * one; the create rule of the spec's custom cluster entity, and the emulator's — a guess for day 2).
   */
  readonly problems: readonly string[];
}

/** Whether a diff renames a NutanixMachineTemplate (Palette then holds a repave for approval). */
export function hasRepave(d: PoolDiff): boolean {
  return d.scale.some((x) => x.machineTemplate !== undefined);
}

/**
 * Compares the rendered pools with the cloud config's (`machinePoolConfig[].name`, `.size`, and the name of the
 * NutanixMachineTemplate in `.values`: render `t` with the suffixes of repave.ts `templateSuffixes`).
 */
export function diffPools(t: PaletteTemplates, live: readonly V1CustomMachinePoolConfig[]): PoolDiff {
  const want = [t.controlPlane, ...t.workers];
  const byName = new Map(live.filter((p) => p.name).map((p) => [p.name!, p]));
  const scale: { template: PalettePoolTemplate; from: number; machineTemplate?: { from: string; to: string } }[] = [];
  const added: PalettePoolTemplate[] = [];
  const changes: FieldChange[] = [];
  for (const w of want) {
    const l = byName.get(w.name);
    if (!l) {
      added.push(w);
      changes.push({ field: `machinePools.${w.name}`, to: `${w.replicas} node(s)` });
    } else {
      const from = machineTemplateOf(l.values)?.name;
      const to = machineTemplateOf(w.values)?.name;
      const renamed = from !== undefined && to !== undefined && from !== to;
      if (l.size !== w.replicas) changes.push({ field: `machinePools.${w.name}.size`, from: l.size ?? 0, to: w.replicas });
      if (renamed) changes.push({ field: `machinePools.${w.name}.machineTemplate`, from, to: `${to} (a machine change: Palette repaves the pool)` });
      if (l.size !== w.replicas || renamed) scale.push({ template: w, from: l.size ?? 0, ...(renamed ? { machineTemplate: { from, to } } : {}) });
    }
  }
  const removed = [...byName.keys()].filter((n) => !want.some((w) => w.name === n)).sort();
  for (const r of removed) changes.push({ field: `machinePools.${r}`, from: `${byName.get(r)?.size ?? 0} node(s)` });
  const problems = [
    ...added.filter((a) => a.isControlPlane).map((a) => `machine pool ${a.name}: a cluster has one control-plane pool; Palette cannot add another`),
    ...removed.filter((r) => byName.get(r)?.isControlPlane).map((r) => `machine pool ${r}: the control-plane pool cannot be removed`),
  ];
  return { scale, added, removed, changes, problems };
}
