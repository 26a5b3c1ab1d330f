/**
 * kube-vip as a static pod in front of the Kubernetes API servers, rendered the way the CAPX
 * templates (v1.7 → main, kube-vip v0.9.2) embed it, plus the Kubernetes ≥ 1.29.0 `super-admin.conf`
 * swap that CAPX runs around `kubeadm init`.
 */
import { bgpPasswordProblem, KUBE_VIP_IMAGE, type KubeVipEndpointSpec } from "../schema/kube-vip";
import type { SecretRef } from "../schema/refs";
import { ValidationError } from "../schema/validation";
import { toYaml } from "./yaml";

/** Where kubeadm writes the static pod manifests; kube-vip's file lives here on control-plane nodes. */
export const KUBE_VIP_MANIFEST_PATH = "/etc/kubernetes/manifests/kube-vip.yaml";
/** The kubeconfig kube-vip reads (mounted from the host at this path). */
export const ADMIN_KUBECONFIG = "/etc/kubernetes/admin.conf";
/** The `system:masters` kubeconfig kubeadm ≥ 1.29 writes on the init node only. */
export const SUPER_ADMIN_KUBECONFIG = "/etc/kubernetes/super-admin.conf";
/** The file CAPI's bootstrap writes the init configuration to: it exists on the init node only. */
export const KUBEADM_INIT_CONFIG_PATH = "/run/kubeadm/kubeadm.yaml";

/** A container environment variable. */
export interface EnvVar {
  name: string;
  value: string;
}

/** The subset of a Kubernetes v1 Pod that the kube-vip static pod uses. */
export interface KubeVipPod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: { name: "kube-vip"; namespace: "kube-system" };
  spec: {
    containers: [
      {
        name: "kube-vip";
        image: string;
        imagePullPolicy: "IfNotPresent";
        args: ["manager"];
        env: EnvVar[];
        securityContext: { capabilities: { add: string[] } };
        volumeMounts: { mountPath: string; name: string }[];
      },
    ];
    hostNetwork: true;
    volumes: { name: string; hostPath: { type: "FileOrCreate"; path: string } }[];
  };
}

/** Options of {@link kubeVipPod}. */
export interface KubeVipPodOptions {
  /**
   * The host kubeconfig mounted into the pod. CAPX mounts `admin.conf` and swaps it for
   * `super-admin.conf` with a `sed` around `kubeadm init` (see {@link superAdminPreKubeadmCommands});
   * pass `super-admin.conf` to render the init node's manifest already swapped.
   * @default "/etc/kubernetes/admin.conf"
   */
  kubeconfigPath?: typeof ADMIN_KUBECONFIG | typeof SUPER_ADMIN_KUBECONFIG;
  /**
   * Resolved BGP peer passwords, by peer index, for peers whose `password` is a SecretRef. The handler
   * reads them at apply time. A peer with a password reference and no value here is rendered with an
   * envsubst placeholder (`${ENV}` for `Secret.fromEnv(ENV)`, else `${KUBEVIP_BGP_PEER_<i>_PASSWORD}`),
   * which `clusterctl generate` or Palette's macros replace: a password value never comes from the plan.
   */
  bgpPeerPasswords?: readonly (string | undefined)[] | undefined;
  /**
   * The plan resource id of the endpoint, named in the ValidationError of a plan problem.
   * @default - "kube-vip endpoint <address>"
   */
  resourceId?: string;
}

const HEADING = "cannot render kube-vip";

function endpointPath(endpoint: KubeVipEndpointSpec, resourceId: string | undefined): string {
  return resourceId ?? `kube-vip endpoint ${endpoint.address}`;
}

/** The envsubst placeholder rendered for the password of BGP peer `index` when no value is given. */
export function bgpPeerPasswordPlaceholder(ref: SecretRef, index: number): string {
  return ref.source === "env" ? `\${${ref.env}}` : `\${KUBEVIP_BGP_PEER_${index}_PASSWORD}`;
}

/**
 * kube-vip's `bgp_peers` value: `addr:AS:password:multihop`, comma-separated (kube-vip v0.9.2).
 * A password may not contain `:` or `,`, which the format cannot escape.
 * @throws ValidationError naming `resourceId` and `bgp.peers[i].password` for such a password (never its value).
 */
export function bgpPeersValue(endpoint: KubeVipEndpointSpec, passwords?: readonly (string | undefined)[], resourceId?: string): string {
  const peers = endpoint.bgp?.peers ?? [];
  return peers
    .map((p, i) => {
      let pass = "";
      if (p.password) {
        const given = passwords?.[i];
        if (given !== undefined) {
          const problem = bgpPasswordProblem(given);
          if (problem) {
            const message = `BGP peer ${p.address}: ${problem}; it may not contain them`;
            throw new ValidationError([{ path: endpointPath(endpoint, resourceId), field: `bgp.peers[${i}].password`, message }], HEADING);
          }
          pass = given;
        } else {
          pass = bgpPeerPasswordPlaceholder(p.password, i);
        }
      }
      return `${p.address}:${p.asn}:${pass}:${p.multihop ? "true" : "false"}`;
    })
    .join(",");
}

/**
 * The value rendered for `bgp_routerid` when the endpoint sets no `routerId`: the command of
 * {@link bgpRouterIdCommands} replaces it on each node at boot, before kubeadm starts the kubelet.
 */
export const BGP_ROUTER_ID_PLACEHOLDER = "__KUBE_VIP_BGP_ROUTER_ID__";

/**
 * The kube-vip environment for an endpoint, in the order of the CAPX template: mode settings
 * (`vip_arp`, or `bgp_enable`/`bgp_routerid`/`bgp_as`/`bgp_peers`), `address`, `port` (the API
 * server's bind port, which kube-vip dials as `kubernetes:<port>`: kube-vip `pkg/manager/manager.go`),
 * `vip_subnet` "32" (kube-vip v0.9 removed `vip_cidr`), `vip_interface` only when the endpoint sets an
 * interface (unset, kube-vip takes the default route's: kube-vip `cmd/kube-vip.go`; a missing name
 * makes it exit: kube-vip #559, CAPV #1374), control-plane and leader-election settings, `svc_enable`
 * false, `lb_enable` from the spec. `bgp_routerid` is the endpoint's `routerId` or, without one,
 * {@link BGP_ROUTER_ID_PLACEHOLDER}, filled per node at boot. CAPX's `enableServicesElection` is left
 * out: kube-vip v0.9.2 does not read it from the environment.
 * @throws ValidationError naming the endpoint and `bgp` when mode is `bgp` without bgp settings.
 */
export function kubeVipEnv(endpoint: KubeVipEndpointSpec, opts: KubeVipPodOptions = {}): EnvVar[] {
  const env: EnvVar[] = [];
  const add = (name: string, value: string | number | boolean) => env.push({ name, value: String(value) });
  if (endpoint.mode === "bgp") {
    if (!endpoint.bgp) {
      const message = "expected bgp settings (routerId, localAsn, peers) when mode is 'bgp', got none";
      throw new ValidationError([{ path: endpointPath(endpoint, opts.resourceId), field: "bgp", message }], HEADING);
    }
    add("vip_arp", false);
    add("bgp_enable", true);
    add("bgp_routerid", endpoint.bgp.routerId ?? BGP_ROUTER_ID_PLACEHOLDER);
    add("bgp_as", endpoint.bgp.localAsn);
    add("bgp_peers", bgpPeersValue(endpoint, opts.bgpPeerPasswords, opts.resourceId));
  } else {
    add("vip_arp", true);
  }
  add("address", endpoint.address);
  add("port", endpoint.port);
  add("vip_subnet", "32");
  if (endpoint.interface !== undefined) add("vip_interface", endpoint.interface);
  add("cp_enable", true);
  add("cp_namespace", "kube-system");
  add("vip_ddns", false);
  add("vip_leaderelection", true);
  add("vip_leaseduration", endpoint.leaderElection.leaseDurationSeconds);
  add("vip_renewdeadline", endpoint.leaderElection.renewDeadlineSeconds);
  add("vip_retryperiod", endpoint.leaderElection.retryPeriodSeconds);
  add("svc_enable", false);
  add("lb_enable", endpoint.loadBalancer);
  return env;
}

/**
 * The kube-vip static pod for a control-plane endpoint: `hostNetwork`, args `["manager"]`,
 * capabilities NET_ADMIN/SYS_TIME/NET_RAW, the env of {@link kubeVipEnv}, the image pinned to
 * {@link KUBE_VIP_IMAGE} and the host kubeconfig mounted at `/etc/kubernetes/admin.conf` from a
 * `FileOrCreate` hostPath. Pure: the same endpoint gives the same object.
 */
export function kubeVipPod(endpoint: KubeVipEndpointSpec, opts: KubeVipPodOptions = {}): KubeVipPod {
  const hostPath = opts.kubeconfigPath ?? ADMIN_KUBECONFIG;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "kube-vip", namespace: "kube-system" },
    spec: {
      containers: [
        {
          name: "kube-vip",
          image: KUBE_VIP_IMAGE,
          imagePullPolicy: "IfNotPresent",
          args: ["manager"],
          env: kubeVipEnv(endpoint, opts),
          securityContext: { capabilities: { add: ["NET_ADMIN", "SYS_TIME", "NET_RAW"] } },
          volumeMounts: [{ mountPath: ADMIN_KUBECONFIG, name: "kubeconfig" }],
        },
      ],
      hostNetwork: true,
      volumes: [{ name: "kubeconfig", hostPath: { type: "FileOrCreate", path: hostPath } }],
    },
  };
}

/** {@link kubeVipPod} as the YAML text of `/etc/kubernetes/manifests/kube-vip.yaml`. */
export function kubeVipManifestYaml(endpoint: KubeVipEndpointSpec, opts: KubeVipPodOptions = {}): string {
  return toYaml(kubeVipPod(endpoint, opts));
}

function parseVersion(version: string): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new Error(`expected a Kubernetes version such as 1.30.5, got ${JSON.stringify(version)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Whether kube-vip needs `super-admin.conf` during `kubeadm init`: every version from 1.29.0
 * inclusive. kubeadm v1.29.0 is the release that split `admin.conf` (RBAC, useless before the API
 * server runs) from `super-admin.conf` (`system:masters`), so kube-vip cannot win its lease on the
 * init node with `admin.conf` (kube-vip #684). CAPX's template test (`templates/base/kcp.yaml`,
 * commit aec5951) compares with `!=` and so skips exactly 1.29.0; here 1.29.0 is patched too.
 */
export function needsSuperAdminSwap(version: string): boolean {
  const [a, b] = parseVersion(version);
  return a !== 1 ? a > 1 : b >= 29;
}

function swapScript(version: string, from: string, to: string): string {
  const v = version.replace(/^v/, "");
  parseVersion(v);
  // CAPX's script (templates/base/kcp.yaml, commit aec5951) with the version filled in instead of
  // `${KUBERNETES_VERSION#v}` and the test made inclusive: true when 1.29.0 sorts first, i.e. the
  // version is 1.29.0 or later (CAPX's `!= $KUBERNETES_VERSION_NO_V` left 1.29.0 itself out).
  return [
    `KUBERNETES_VERSION_NO_V=${v}`,
    "VERSION_TO_COMPARE=1.29.0",
    String.raw`if [ "$(printf '%s\n' "$KUBERNETES_VERSION_NO_V" "$VERSION_TO_COMPARE" | sort -V | head -n1)" = "$VERSION_TO_COMPARE" ]; then`,
    `  if [ -f ${KUBEADM_INIT_CONFIG_PATH} ]; then`,
    `    sed -i 's#path: ${from}#path: ${to}#' ${KUBE_VIP_MANIFEST_PATH};`,
    "  fi",
    "fi",
    "",
  ].join("\n");
}

/**
 * The command run before kubeadm on control-plane nodes of Kubernetes ≥ 1.29.0: on the init node
 * (where `/run/kubeadm/kubeadm.yaml` exists) it points kube-vip's hostPath at `super-admin.conf`, so
 * kube-vip can win its lease before RBAC for `admin.conf` exists. Empty before 1.29.0.
 */
export function superAdminPreKubeadmCommands(version: string): string[] {
  return needsSuperAdminSwap(version) ? [swapScript(version, ADMIN_KUBECONFIG, SUPER_ADMIN_KUBECONFIG)] : [];
}

/** The command run after kubeadm that points kube-vip back at `admin.conf`. Empty before 1.29.0. */
export function superAdminPostKubeadmCommands(version: string): string[] {
  return needsSuperAdminSwap(version) ? [swapScript(version, SUPER_ADMIN_KUBECONFIG, ADMIN_KUBECONFIG)] : [];
}

/**
 * The command, run before kubeadm on a BGP control-plane node whose endpoint sets no `routerId`,
 * that writes the node's own router id into the kube-vip manifest: the IPv4 source address the node
 * uses towards the first BGP peer (`ip -4 -o route get <peer>` prints `... src <address> ...`,
 * iproute2 ip-route(8)), the address its BGP session comes from. It fails the boot (before kubeadm)
 * when no address is found rather than start kube-vip with a shared or empty id. Empty otherwise.
 * Chosen over kube-vip's `bgp_routerinterface`, which needs an interface name the plan may not know.
 */
export function bgpRouterIdCommands(endpoint: KubeVipEndpointSpec): string[] {
  if (endpoint.mode !== "bgp" || !endpoint.bgp || endpoint.bgp.routerId !== undefined) return [];
  const peer = endpoint.bgp.peers[0]?.address;
  if (!peer) return [];
  return [
    [
      `KUBE_VIP_ROUTER_ID="$(ip -4 -o route get ${peer} | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p')"`,
      `if [ -z "$KUBE_VIP_ROUTER_ID" ]; then echo "kube-vip: no IPv4 source address towards BGP peer ${peer}" >&2; exit 1; fi`,
      `sed -i "s#${BGP_ROUTER_ID_PLACEHOLDER}#$KUBE_VIP_ROUTER_ID#" ${KUBE_VIP_MANIFEST_PATH}`,
      "",
    ].join("\n"),
  ];
}
