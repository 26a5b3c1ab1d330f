/** Object names of a cluster's CAPX manifests. */

/** The names of a cluster's objects. */
export interface CapxNames {
  cluster: string;
  kcp: string;
  cpTemplate: string;
  secret: string;
  trustBundle: string;
  mhc: string;
  workerTemplate(pool: string): string;
  kubeadmConfigTemplate(pool: string): string;
  machineDeployment(pool: string): string;
}

/** Object names: CAPX's, with Palette's `-cp-0` control-plane template; worker objects carry the pool name. */
export function capxNames(cluster: string): CapxNames {
  return {
    cluster,
    kcp: `${cluster}-kcp`,
    cpTemplate: `${cluster}-cp-0`,
    secret: cluster,
    trustBundle: `${cluster}-pc-trusted-ca-bundle`,
    mhc: `${cluster}-mhc`,
    workerTemplate: (pool) => `${cluster}-${pool}-mt-0`,
    kubeadmConfigTemplate: (pool) => `${cluster}-${pool}-kcfg-0`,
    machineDeployment: (pool) => `${cluster}-${pool}`,
  };
}
