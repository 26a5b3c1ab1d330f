/**
 * The CNI that the init node applies after `kubeadm init`: kubectl on the node downloads the pinned
 * upstream manifest (the node dials the URL, never the handler or the synth), with retries since the
 * VIP moves once while kube-vip switches back from super-admin.conf. Pure.
 */
import type { CniSpec } from "../schema/cni";
import { ADMIN_KUBECONFIG } from "./kube-vip";

/**
 * The manifest URL of a pinned CNI release, or undefined for `none`: Calico's
 * `manifests/calico.yaml` (Calico docs, on-premises install, manifest method), Cilium's
 * `install/kubernetes/quick-install.yaml` (cilium/cilium repository; guess: the generated default
 * install, whose IPAM does not read kubeadm's podSubnet).
 */
export function cniManifestUrl(cni: CniSpec): string | undefined {
  switch (cni.plugin) {
    case "calico":
      return `https://raw.githubusercontent.com/projectcalico/calico/v${cni.version}/manifests/calico.yaml`;
    case "cilium":
      return `https://raw.githubusercontent.com/cilium/cilium/v${cni.version}/install/kubernetes/quick-install.yaml`;
    case "none":
      return undefined;
  }
}

/**
 * The init node's command that applies the CNI once kubeadm succeeded (`successFile` exists):
 * up to 30 tries 10 s apart, then a clear error on stderr. `envPrefix` carries the proxy variables.
 * Empty for `none` or no CNI.
 */
export function cniApplyCommands(cni: CniSpec | undefined, successFile: string, envPrefix = ""): string[] {
  const url = cni ? cniManifestUrl(cni) : undefined;
  if (!url) return [];
  return [
    [
      `if [ -f ${successFile} ]; then`,
      "  for i in $(seq 1 30); do",
      `    ${envPrefix}kubectl --kubeconfig ${ADMIN_KUBECONFIG} apply -f ${url} && break`,
      `    if [ "$i" = 30 ]; then echo "CNI: could not apply ${url}" >&2; fi`,
      "    sleep 10",
      "  done",
      "fi",
      "",
    ].join("\n"),
  ];
}
