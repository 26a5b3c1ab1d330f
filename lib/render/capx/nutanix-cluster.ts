/** The NutanixCluster: CAPX `templates/base/nutanix-cluster.yaml`. */
import { INFRASTRUCTURE_API_GROUP } from "./api";
import type { CapxContext } from "./context";
import { resourceIdentifier } from "./identifiers";
import type { KubeObject } from "./types";

/** The NutanixCluster: Prism Central, its credentials and trust bundle, the kube-vip endpoint and any failure domains. */
export function nutanixClusterObject(c: CapxContext): KubeObject {
  const prismCentral: Record<string, unknown> = {
    address: c.account.endpoint.host,
    port: c.account.endpoint.port,
    insecure: c.account.insecure,
    credentialRef: { kind: "Secret", name: c.names.secret },
  };
  if (c.account.trustBundle) prismCentral.additionalTrustBundle = { kind: "ConfigMap", name: c.names.trustBundle };
  const spec: Record<string, unknown> = { prismCentral, controlPlaneEndpoint: { host: c.endpoint.address, port: c.endpoint.port } };
  if (c.failureDomains.size > 0) {
    // The deprecated inline field: every released CAPX (v1.4–v1.10) reads it, while NutanixFailureDomain
    // objects + controlPlaneFailureDomains exist only from CAPX v1.7. Both validate against the CRD.
    spec.failureDomains = [...c.failureDomains.values()].map((fd) => ({
      name: fd.name,
      cluster: resourceIdentifier(fd.cluster),
      subnets: fd.subnets.map(resourceIdentifier),
      controlPlane: fd.controlPlane,
    }));
  }
  return { apiVersion: `${INFRASTRUCTURE_API_GROUP}/v1beta1`, kind: "NutanixCluster", metadata: c.meta(c.names.cluster), spec };
}
