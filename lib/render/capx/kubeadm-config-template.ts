/** The KubeadmConfigTemplate of a worker pool: CAPX `templates/base/md.yaml` (the bootstrap part) + `ccm-patch.yaml`. */
import type { NodePoolSpec } from "../../schema/node-pool";
import { extraArgs, kubeletArgs, nodeTaints } from "../kubeadm";
import { BOOTSTRAP_API_GROUP, CAPX_HOSTNAME } from "./api";
import type { CapxContext } from "./context";
import { templateName } from "./names";
import type { KubeObject } from "./types";

/** The KubeadmConfigTemplate of worker pool `w`: its kubelet arguments, labels and taints; named `<cluster>-<pool>-kcfg-<8 hex of its spec>`. */
export function kubeadmConfigTemplate(c: CapxContext, w: NodePoolSpec): KubeObject {
  const reg: Record<string, unknown> = { kubeletExtraArgs: extraArgs(kubeletArgs(w, { "cloud-provider": "external" }), c.style) };
  const taints = nodeTaints(w);
  if (taints) reg.taints = taints;
  const body = {
    template: {
      spec: {
        joinConfiguration: { nodeRegistration: reg },
        preKubeadmCommands: [`hostnamectl set-hostname "${CAPX_HOSTNAME}"`, "systemctl enable --now iscsid"],
      },
    },
  };
  // The API version is part of the hash: a v1beta1 and a v1beta2 template are different objects.
  const apiVersion = `${BOOTSTRAP_API_GROUP}/${c.capi}`;
  return { apiVersion, kind: "KubeadmConfigTemplate", metadata: c.meta(templateName(c.names.kubeadmConfigTemplate(w.name), { apiVersion, ...body })), spec: body };
}
