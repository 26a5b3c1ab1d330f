/**
 * Object names of a cluster's CAPX manifests. Machine and bootstrap templates carry a short hash of
 * their spec: Cluster API treats templates as immutable, and a change is rolled out by creating a new
 * template and pointing the KubeadmControlPlane / MachineDeployment at it (cluster-api book, "Changing
 * infrastructure machine templates"; KCP and MachineDeployments roll when the referenced template
 * name changes). So a changed spec gives a new name, and the same spec always gives the same name.
 */
import { generationOf } from "../../plan/canonical";

/** Hex digits of the spec hash in a template name. */
export const TEMPLATE_HASH_LENGTH = 8;

/** The first {@link TEMPLATE_HASH_LENGTH} hex of the SHA-256 of the canonical JSON of `spec`. */
export function specHash(spec: unknown): string {
  return generationOf(spec).slice(0, TEMPLATE_HASH_LENGTH);
}

/** A template's name: its prefix (from {@link CapxNames}), `-`, and the hash of its `spec`. */
export function templateName(prefix: string, spec: unknown): string {
  return `${prefix}-${specHash(spec)}`;
}

/** The names of a cluster's objects; template entries are name prefixes (see {@link templateName}). */
export interface CapxNames {
  cluster: string;
  kcp: string;
  /** Prefix of the control-plane NutanixMachineTemplate: `<cluster>-cp`. */
  cpTemplate: string;
  secret: string;
  trustBundle: string;
  mhc: string;
  /** Prefix of a worker pool's NutanixMachineTemplate: `<cluster>-<pool>-mt`. */
  workerTemplate(pool: string): string;
  /** Prefix of a worker pool's KubeadmConfigTemplate: `<cluster>-<pool>-kcfg`. */
  kubeadmConfigTemplate(pool: string): string;
  machineDeployment(pool: string): string;
}

/** Object names: CAPX's and Palette's; worker objects carry the pool name, templates a spec hash. */
export function capxNames(cluster: string): CapxNames {
  return {
    cluster,
    kcp: `${cluster}-kcp`,
    cpTemplate: `${cluster}-cp`,
    secret: cluster,
    trustBundle: `${cluster}-pc-trusted-ca-bundle`,
    mhc: `${cluster}-mhc`,
    workerTemplate: (pool) => `${cluster}-${pool}-mt`,
    kubeadmConfigTemplate: (pool) => `${cluster}-${pool}-kcfg`,
    machineDeployment: (pool) => `${cluster}-${pool}`,
  };
}
