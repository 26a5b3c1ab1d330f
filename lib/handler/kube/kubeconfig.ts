/**
 * `nutanix-handler kubeconfig --plan <file> --cluster <resource id>` (issue 14, item 3): an admin kubeconfig
 * for a cluster — a client certificate signed by the cluster CA the handler owns (read back from Prism
 * Central; reads only), valid for one hour, server `https://<VIP>:<port>`. The YAML holds a private key: the
 * CLI prints it on stdout only, never in a log.
 */
import { issueAdminCertificate } from "../../kube/pki";
import { renderKubeconfig } from "../../kube/kubeconfig";
import { loadPlan } from "../index";
import { HandlerInputError } from "../errors";
import { closeSession, openSession, type SessionOptions } from "../session";
import { HANDLER_CERT_VALIDITY_MS } from "./access";
import { clusterPki } from "./cluster-pki";
import type { RunResult } from "../types";

/** Options of {@link clusterKubeconfig}. */
export interface KubeconfigOptions extends SessionOptions {
  /** The NutanixCluster resource id (construct path). */
  cluster: string;
  /**
   * Validity of the client certificate.
   * @default one hour
   */
  validityMs?: number;
}

/** The admin kubeconfig of a cluster (reads Prism Central only). */
export async function clusterKubeconfig(opts: KubeconfigOptions): Promise<string> {
  const plan = loadPlan(opts.plan);
  const res = plan.resources.find((r) => r.id === opts.cluster);
  if (!res || res.kind !== "NutanixCluster") {
    const known = plan.resources.filter((r) => r.kind === "NutanixCluster").map((r) => r.id);
    throw new HandlerInputError(`--cluster ${opts.cluster}: expected the id of a NutanixCluster in the plan; known: ${known.join(", ") || "none"}`);
  }
  const s = openSession({ ...opts, resource: res.id }, plan, false);
  try {
    const cluster = s.services.plan.require(res.id, "NutanixCluster", res.id);
    const ep = s.services.plan.require(cluster.spec.endpoint, "KubeVipEndpoint", cluster.id).spec;
    const owned = await clusterPki(s.services, cluster);
    const cert = await issueAdminCertificate(owned.pki.ca, { kubernetesVersion: cluster.spec.kubernetesVersion, validityMs: opts.validityMs ?? HANDLER_CERT_VALIDITY_MS });
    return renderKubeconfig({ clusterName: cluster.spec.name, host: ep.address, port: ep.port, caPem: owned.pki.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem });
  } finally {
    closeSession(s);
  }
}

/**
 * The summary lines naming the kubeconfig command for each cluster an apply made ready: a directly built
 * NutanixCluster (the handler's own admin kubeconfig) and a PaletteCluster (the kubeconfig Palette serves).
 */
export function kubeconfigHints(result: Pick<RunResult, "resources">, planFile: string): string[] {
  return result.resources
    .filter((r) => (r.kind === "NutanixCluster" || r.kind === "PaletteCluster") && r.result === "ok")
    .map((r) => `kubeconfig of ${r.id}${r.kind === "PaletteCluster" ? " (from Palette)" : ""}: nutanix-handler kubeconfig --plan ${planFile} --cluster ${r.id}`);
}
