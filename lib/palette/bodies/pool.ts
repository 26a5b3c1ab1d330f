/**
 * Day 2 on a cluster's cloud config (spec `v1CloudConfigsCustomMachinePool*`; palette-sdk-go
 * `client/cluster_custom_cloud.go`; terraform-provider-spectrocloud `resourceClusterCustomCloudUpdate`): a scale or a
 * machine change PUTs the pool's full entity to `…/{configUid}/machinePools/{name}`, a new pool is POSTed to
 * `…/machinePools`, a removed one DELETEd. `name` is the pool's name as Palette derived it from the YAML.
 */
import { NUTANIX, path } from "../paths";
import type { V1CustomMachinePoolConfigEntity } from "../types";
import { machinePoolBody, type PalettePoolInput } from "./cluster";
import type { PaletteWrite } from "./request";

const base = (configUid: string, cloudType: string): string => path`/v1/cloudconfigs/cloudTypes/${cloudType}/${configUid}/machinePools`;

/** `PUT …/{configUid}/machinePools/{name}` with the pool's full entity. */
export function machinePoolUpdateRequest(configUid: string, name: string, pool: PalettePoolInput, cloudType: string = NUTANIX): PaletteWrite<V1CustomMachinePoolConfigEntity> {
  return { method: "PUT", path: `${base(configUid, cloudType)}${path`/${name}`}`, body: machinePoolBody(pool, `machine pool "${name}"`), scope: "project", what: `machine pool "${name}"` };
}

/** `POST …/{configUid}/machinePools`: a new pool. */
export function machinePoolCreateRequest(configUid: string, name: string, pool: PalettePoolInput, cloudType: string = NUTANIX): PaletteWrite<V1CustomMachinePoolConfigEntity> {
  return { method: "POST", path: base(configUid, cloudType), body: machinePoolBody(pool, `machine pool "${name}"`), scope: "project", what: `machine pool "${name}"` };
}

/** `DELETE …/{configUid}/machinePools/{name}`. */
export function machinePoolDeleteRequest(configUid: string, name: string, cloudType: string = NUTANIX): PaletteWrite<never> {
  return { method: "DELETE", path: `${base(configUid, cloudType)}${path`/${name}`}`, scope: "project", what: `machine pool "${name}"` };
}
