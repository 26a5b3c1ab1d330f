/**
 * Private Cloud Gateway: Palette's agent on a self-hosted Kubernetes cluster inside Nutanix that lets
 * Palette reach Prism Central.
 */
import { z } from "zod";
import { DnsLabel, HttpsUrl, HttpUrl, PemCertificates } from "./net";
import { PALETTE_SAAS_ENDPOINT } from "./palette-account";
import { SecretRef } from "./refs";

export { PALETTE_SAAS_ENDPOINT };

/** PCG minimums from Palette's requirements: per node 4 vCPU, 4 GB RAM, 60 GB disk; 1 control plane + 1 worker. */
export const PCG_MIN_NODE_VCPUS = 4;
export const PCG_MIN_NODE_MEMORY_MIB = 4096;
export const PCG_MIN_NODE_DISK_GIB = 60;

/** Palette connection settings of a PCG. */
export const PaletteSettings = z.strictObject({
  endpoint: HttpsUrl.default(PALETTE_SAAS_ENDPOINT),
  project: z.string().min(1).max(256).default("Default"),
  apiKey: SecretRef,
});

/** Proxy settings of a PCG. */
export const ProxySettings = z.strictObject({
  httpProxy: HttpUrl.optional(),
  httpsProxy: HttpUrl.optional(),
  noProxy: z.array(z.string().min(1)).default([]),
  caCertificate: PemCertificates.optional(),
});

/** The data props of a PCG (account and host cluster are constructs). */
export const PrivateCloudGatewayPropsSchema = z.strictObject({
  name: DnsLabel,
  palette: PaletteSettings,
  proxy: ProxySettings.optional(),
});

/** A PCG in a plan. */
export const PrivateCloudGatewaySpec = z.strictObject({
  account: z.string(),
  hostCluster: z.string(),
  name: DnsLabel,
  /**
   * The PaletteAccount resource the gateway registers with, when its `palette` prop is one; `palette`
   * then holds a copy of that account's endpoint, project and API key reference.
   */
  paletteAccount: z.string().optional(),
  palette: z.strictObject({ endpoint: HttpsUrl, project: z.string(), apiKey: SecretRef }),
  proxy: z.strictObject({
    httpProxy: HttpUrl.optional(),
    httpsProxy: HttpUrl.optional(),
    noProxy: z.array(z.string()),
    caCertificate: PemCertificates.optional(),
  }).optional(),
});
export type PrivateCloudGatewaySpec = z.infer<typeof PrivateCloudGatewaySpec>;

/**
 * PCG host sizes from Palette's sizing table (per node: vCPUs, memory GiB, disk GiB); the number of
 * concurrent cluster deployments grows with the size.
 */
export const PCG_HOST_SIZES = {
  small: { vcpus: 4, memoryGiB: 4, diskGiB: 60 },
  medium: { vcpus: 8, memoryGiB: 8, diskGiB: 100 },
  large: { vcpus: 16, memoryGiB: 16, diskGiB: 120 },
} as const;
export type PcgHostSize = keyof typeof PCG_HOST_SIZES;
