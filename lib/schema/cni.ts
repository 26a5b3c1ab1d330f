/**
 * The pod network (CNI) a cluster's first control-plane node installs after `kubeadm init`.
 */
import { z } from "zod";

/**
 * Calico pinned by default: its manifest-based install, `manifests/calico.yaml` of the release tag
 * (Calico docs, "Install Calico networking and network policy for on-premises deployments",
 * manifest tab). With kubeadm's `podSubnet` set, Calico takes the pod CIDR from the cluster and the
 * manifest needs no edit (same page).
 */
export const DEFAULT_CALICO_VERSION = "3.30.0";
/** Cilium pinned when `plugin: "cilium"` sets no version: `install/kubernetes/quick-install.yaml` of the tag (guess: generated from the Helm chart's defaults). */
export const DEFAULT_CILIUM_VERSION = "1.17.0";

const Version = z.string({ error: "expected a release version such as 3.30.0" }).regex(/^v?\d+\.\d+\.\d+$/, { error: "expected a release version such as 3.30.0 or v3.30.0" }).transform((s) => s.replace(/^v/, ""));

/** The CNI props: a plugin with an optional version, or `none` to bring your own. */
export const CniPropsSchema = z
  .strictObject({
    plugin: z.enum(["calico", "cilium", "none"], { error: "expected plugin 'calico', 'cilium' or 'none'" }),
    version: Version.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.plugin === "none" && c.version !== undefined) ctx.addIssue({ code: "custom", path: ["version"], message: "expected no version with plugin 'none'" });
  })
  .transform((c): CniSpec => (c.plugin === "none" ? { plugin: "none" } : { plugin: c.plugin, version: c.version ?? (c.plugin === "calico" ? DEFAULT_CALICO_VERSION : DEFAULT_CILIUM_VERSION) }));

/** The CNI of a cluster in a plan. */
export const CniSpec = z.discriminatedUnion("plugin", [
  z.strictObject({ plugin: z.literal("calico"), version: z.string().regex(/^\d+\.\d+\.\d+$/) }),
  z.strictObject({ plugin: z.literal("cilium"), version: z.string().regex(/^\d+\.\d+\.\d+$/) }),
  z.strictObject({ plugin: z.literal("none") }),
]);
export type CniSpec = z.infer<typeof CniSpec>;

/** The default CNI: Calico at {@link DEFAULT_CALICO_VERSION}. */
export const DEFAULT_CNI: CniSpec = { plugin: "calico", version: DEFAULT_CALICO_VERSION };
