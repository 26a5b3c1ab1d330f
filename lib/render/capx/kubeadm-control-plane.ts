/** The KubeadmControlPlane: CAPX `templates/base/kcp.yaml` + `ccm-patch.yaml`, Palette's `-cp-0` template and iscsid. */
import { apiServerCertSans, etcHostsCommands, extraArgs, kubeletArgs, nodeTaints, TLS_CIPHER_SUITES } from "../kubeadm";
import { KUBE_VIP_MANIFEST_PATH, kubeVipManifestYaml, superAdminPostKubeadmCommands, superAdminPreKubeadmCommands } from "../kube-vip";
import { CAPX_HOSTNAME, CONTROL_PLANE_API_GROUP } from "./api";
import type { CapxContext } from "./context";
import type { KubeObject } from "./types";

function cpRegistration(c: CapxContext): Record<string, unknown> {
  const reg: Record<string, unknown> = { kubeletExtraArgs: extraArgs(kubeletArgs(c.cp, { "cloud-provider": "external" }), c.style) };
  const taints = nodeTaints(c.cp);
  if (taints) reg.taints = taints;
  return reg;
}

/** The kubeadm configuration of the control-plane nodes: kube-vip as a static pod and the super-admin swap. */
function kubeadmConfigSpec(c: CapxContext): Record<string, unknown> {
  const tls = { "tls-cipher-suites": TLS_CIPHER_SUITES };
  const version = c.cluster.kubernetesVersion;
  return {
    clusterConfiguration: {
      apiServer: { certSANs: apiServerCertSans(c.endpoint), extraArgs: extraArgs(tls, c.style) },
      controllerManager: { extraArgs: extraArgs({ ...tls, "cloud-provider": "external" }, c.style) },
      scheduler: { extraArgs: extraArgs(tls, c.style) },
    },
    files: [{ content: kubeVipManifestYaml(c.endpoint), owner: "root:root", path: KUBE_VIP_MANIFEST_PATH }],
    initConfiguration: { nodeRegistration: cpRegistration(c) },
    joinConfiguration: { nodeRegistration: cpRegistration(c) },
    preKubeadmCommands: [
      `hostnamectl set-hostname "${CAPX_HOSTNAME}"`,
      ...etcHostsCommands(CAPX_HOSTNAME),
      ...superAdminPreKubeadmCommands(version),
      "systemctl enable --now iscsid",
    ],
    postKubeadmCommands: ["echo export KUBECONFIG=/etc/kubernetes/admin.conf >> /root/.bashrc", ...superAdminPostKubeadmCommands(version)],
  };
}

/**
 * The KubeadmControlPlane of the control-plane pool, pointing at the NutanixMachineTemplate named
 * `machineTemplate` (a new name rolls the control plane). v1beta2 moves `infrastructureRef` under
 * `machineTemplate.spec`.
 */
export function kubeadmControlPlane(c: CapxContext, machineTemplate: string): KubeObject {
  const infra = c.infraRef("NutanixMachineTemplate", machineTemplate);
  return {
    apiVersion: `${CONTROL_PLANE_API_GROUP}/${c.capi}`,
    kind: "KubeadmControlPlane",
    metadata: c.meta(c.names.kcp),
    spec: {
      replicas: c.cp.replicas,
      version: c.version,
      machineTemplate: c.capi === "v1beta2" ? { spec: { infrastructureRef: infra } } : { infrastructureRef: infra },
      kubeadmConfigSpec: kubeadmConfigSpec(c),
    },
  };
}
