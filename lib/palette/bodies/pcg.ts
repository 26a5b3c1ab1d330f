/**
 * The self-hosted PCG create: `POST /v1/pcg/selfHosted` with `v1PcgSelfHostedParams {name, cloudType}` (spec
 * `v1PcgSelfHosted`; librarium `clusters/pcg/deploy-pcg-k8s.md`: a self-hosted gateway with cloud type Nutanix).
 * Tenant-level (PCGs carry no project).
 */
import { NUTANIX } from "../paths";
import type { V1PcgSelfHostedParams } from "../types";
import { PaletteBodyError, type PaletteWrite } from "./request";

/** Palette shows PCG names as given; a DNS label keeps it usable as a Kubernetes name too (guess: no published rule). */
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `{name, cloudType: "nutanix"}`. @throws PaletteBodyError when `name` is not a DNS label. */
export function selfHostedPcgBody(name: string, cloudType: string = NUTANIX): V1PcgSelfHostedParams {
  if (!NAME.test(name)) throw new PaletteBodyError(`PCG ${JSON.stringify(name)}`, "name", "expected a lowercase RFC 1123 label (a-z, 0-9, '-'; at most 63)");
  return { name, cloudType };
}

/** The create request of {@link selfHostedPcgBody}. */
export function selfHostedPcgRequest(name: string, cloudType: string = NUTANIX): PaletteWrite<V1PcgSelfHostedParams> {
  return { method: "POST", path: "/v1/pcg/selfHosted", body: selfHostedPcgBody(name, cloudType), scope: "tenant", what: `PCG "${name}"` };
}
