/**
 * A custom cluster's cloud config and its machine pools (day 2). Sources: the spec's `v1CloudConfigsCustom*`
 * operations; palette-sdk-go `client/cluster_custom_cloud.go`; terraform-provider-spectrocloud
 * `resourceClusterCustomCloudUpdate` (a pool's name and size come from its YAML: `metadata.name` and
 * `spec.replicas` of the KubeadmControlPlane or MachineDeployment); librarium `create-manage-nutanix-cluster.md`
 * (a changed NutanixMachineTemplate must be renamed and triggers a repave).
 */
import { isNotFound } from "./errors";
import type { PaletteHttp } from "./http";
import { NUTANIX, path } from "./paths";
import type { V1CustomCloudConfig, V1CustomMachinePoolConfigEntity, V1CustomClusterConfig, V1Uid } from "./types";

export class CloudConfigApi {
  constructor(
    private readonly http: PaletteHttp,
    private readonly cloudType: string = NUTANIX,
  ) {}

  private base(configUid: string): string {
    return path`/v1/cloudconfigs/cloudTypes/${this.cloudType}/${configUid}`;
  }

  /** `GET /v1/cloudconfigs/cloudTypes/{cloudType}/{configUid}`; undefined on 404. */
  async get(configUid: string): Promise<V1CustomCloudConfig | undefined> {
    try {
      return (await this.http.request<never>({ method: "GET", path: this.base(configUid), scope: "project", what: `cloud config ${configUid}` })).json as V1CustomCloudConfig;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** `PUT …/{configUid}/clusterConfig` (204). */
  async updateClusterConfig(configUid: string, clusterConfig: V1CustomClusterConfig): Promise<void> {
    await this.http.request<never>({ method: "PUT", path: `${this.base(configUid)}/clusterConfig`, body: { clusterConfig }, scope: "project", what: `cloud config ${configUid}` });
  }

  /** `PUT …/{configUid}/machinePools/{name}` with the full pool entity (204): scale, or a new machine template. */
  async updatePool(configUid: string, name: string, pool: V1CustomMachinePoolConfigEntity): Promise<void> {
    await this.http.request<never>({ method: "PUT", path: `${this.base(configUid)}${path`/machinePools/${name}`}`, body: pool, scope: "project", what: `machine pool "${name}"` });
  }

  /**
   * `POST …/{configUid}/machinePools` (201 `{uid}`). `name` is the pool's name as its YAML gives it; an unknown
   * outcome is settled by reading the cloud config for a pool of that name.
   */
  async createPool(configUid: string, name: string, pool: V1CustomMachinePoolConfigEntity): Promise<{ uid?: string | undefined; created: boolean }> {
    const a = await this.http.request<{ created: boolean }>({
      method: "POST",
      path: `${this.base(configUid)}/machinePools`,
      body: pool,
      scope: "project",
      what: `machine pool "${name}"`,
      recover: async () => ((await this.get(configUid))?.spec?.machinePoolConfig?.some((p) => p.name === name) ? { created: false } : undefined),
    });
    if (a.recovered) return a.recovered;
    return { uid: (a.json as V1Uid | undefined)?.uid, created: true };
  }

  /** `DELETE …/{configUid}/machinePools/{name}` (204); false when already gone. */
  async deletePool(configUid: string, name: string): Promise<boolean> {
    try {
      await this.http.request<never>({ method: "DELETE", path: `${this.base(configUid)}${path`/machinePools/${name}`}`, scope: "project", what: `machine pool "${name}"` });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}
