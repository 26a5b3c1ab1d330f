import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { KUBE_VIP_IMAGE } from "../../lib/schema/kube-vip";
import {
  bgpPeersValue,
  kubeVipManifestYaml,
  kubeVipPod,
  needsSuperAdminSwap,
  superAdminPostKubeadmCommands,
  superAdminPreKubeadmCommands,
  type KubeVipPod,
} from "../../lib/render";
import { BGP_ENDPOINT, ENDPOINT } from "./fixtures";
import { assertGolden } from "./golden";
import { ValidationError } from "../../lib/schema/validation";

const envOf = (pod: KubeVipPod) => Object.fromEntries(pod.spec.containers[0].env.map((e) => [e.name, e.value]));

/** The Pod essentials the API server and kubelet insist on for a static pod. */
function assertPodEssentials(pod: unknown): void {
  const p = pod as KubeVipPod;
  assert.equal(p.apiVersion, "v1");
  assert.equal(p.kind, "Pod");
  assert.match(p.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  assert.equal(p.metadata.namespace, "kube-system");
  assert.equal(p.spec.hostNetwork, true);
  assert.equal(p.spec.containers.length, 1);
  const c = p.spec.containers[0];
  assert.equal(c.name, "kube-vip");
  assert.equal(typeof c.image, "string");
  assert.ok(["Always", "IfNotPresent", "Never"].includes(c.imagePullPolicy));
  const names = new Set<string>();
  for (const e of c.env) {
    assert.equal(typeof e.value, "string", `env ${e.name} must be a string`);
    assert.ok(!names.has(e.name), `env ${e.name} twice`);
    names.add(e.name);
  }
  const volumes = new Set(p.spec.volumes.map((v) => v.name));
  for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), `volumeMount ${m.name} has no volume`);
  for (const v of p.spec.volumes) assert.ok(["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"].includes(v.hostPath.type));
}

describe("kubeVipPod", () => {
  it("renders the ARP pod as CAPX does, with kube-vip v0.9.2 and vip_subnet", () => {
    const pod = kubeVipPod(ENDPOINT);
    assertPodEssentials(pod);
    const c = pod.spec.containers[0];
    assert.equal(c.image, KUBE_VIP_IMAGE);
    assert.equal(c.image, "ghcr.io/kube-vip/kube-vip:v0.9.2");
    assert.equal(c.imagePullPolicy, "IfNotPresent");
    assert.deepEqual(c.args, ["manager"]);
    assert.deepEqual([...c.securityContext.capabilities.add].sort(), ["NET_ADMIN", "NET_RAW", "SYS_TIME"]);
    assert.deepEqual(pod.spec.volumes, [{ name: "kubeconfig", hostPath: { type: "FileOrCreate", path: "/etc/kubernetes/admin.conf" } }]);
    assert.deepEqual(c.volumeMounts, [{ mountPath: "/etc/kubernetes/admin.conf", name: "kubeconfig" }]);
    const env = envOf(pod);
    assert.deepEqual(env, {
      vip_arp: "true",
      address: "10.20.0.10",
      port: "6443",
      vip_subnet: "32",
      vip_interface: "eth0",
      cp_enable: "true",
      cp_namespace: "kube-system",
      vip_ddns: "false",
      vip_leaderelection: "true",
      vip_leaseduration: "15",
      vip_renewdeadline: "10",
      vip_retryperiod: "2",
      svc_enable: "false",
      lb_enable: "false",
    });
    assert.ok(!("vip_cidr" in env), "vip_cidr was removed in kube-vip v0.9");
    assert.ok(!("bgp_enable" in env));
  });

  it("renders BGP settings, timings and load balancing from the spec", () => {
    const pod = kubeVipPod(BGP_ENDPOINT);
    assertPodEssentials(pod);
    const env = envOf(pod);
    assert.equal(env.vip_arp, "false");
    assert.equal(env.bgp_enable, "true");
    assert.equal(env.bgp_routerid, "192.0.2.21");
    assert.equal(env.bgp_as, "65010");
    assert.equal(env.bgp_peers, "192.0.2.1:65000:${BGP_PEER_PASSWORD}:false,192.0.2.2:65000::true");
    assert.equal(env.address, "192.0.2.10");
    assert.equal(env.port, "8443");
    assert.equal(env.vip_interface, "ens3");
    assert.equal(env.vip_subnet, "32");
    assert.deepEqual([env.vip_leaseduration, env.vip_renewdeadline, env.vip_retryperiod], ["30", "20", "4"]);
    assert.equal(env.lb_enable, "true");
    assert.equal(env.svc_enable, "false");
    assert.ok(!("vip_cidr" in env));
  });

  it("puts a resolved peer password in bgp_peers only when given, and refuses ones the format cannot carry", () => {
    assert.equal(bgpPeersValue(BGP_ENDPOINT, ["s3cret"]), "192.0.2.1:65000:s3cret:false,192.0.2.2:65000::true");
    assert.throws(() => bgpPeersValue(BGP_ENDPOINT, ["a:b"]), /may not contain/);
    const fileRef = { ...BGP_ENDPOINT, bgp: { ...BGP_ENDPOINT.bgp!, peers: [{ ...BGP_ENDPOINT.bgp!.peers[0]!, password: { source: "file" as const, path: "/x" } }] } };
    assert.equal(bgpPeersValue(fileRef), "192.0.2.1:65000:${KUBEVIP_BGP_PEER_0_PASSWORD}:false");
  });

  it("mounts super-admin.conf from the host when asked, keeping the in-pod path", () => {
    const pod = kubeVipPod(ENDPOINT, { kubeconfigPath: "/etc/kubernetes/super-admin.conf" });
    assert.equal(pod.spec.volumes[0]!.hostPath.path, "/etc/kubernetes/super-admin.conf");
    assert.equal(pod.spec.containers[0]!.volumeMounts[0]!.mountPath, "/etc/kubernetes/admin.conf");
  });

  it("renders YAML that parses back to the pod, byte-identical on every call", () => {
    const text = kubeVipManifestYaml(ENDPOINT);
    assert.deepEqual(parse(text), kubeVipPod(ENDPOINT));
    assert.equal(kubeVipManifestYaml(structuredClone(ENDPOINT)), text);
    assert.match(text, /^ +path: \/etc\/kubernetes\/admin\.conf$/m, "the line CAPX's sed rewrites");
    assertGolden("kube-vip-arp.yaml", text);
    assertGolden("kube-vip-bgp.yaml", kubeVipManifestYaml(BGP_ENDPOINT));
  });
});

describe("super-admin.conf swap", () => {
  it("applies to every version from 1.29.0 inclusive (kube-vip #684: kubeadm 1.29.0 split super-admin.conf)", () => {
    for (const v of ["1.28.15", "1.28.0", "v1.28.99", "1.0.0"]) assert.equal(needsSuperAdminSwap(v), false, v);
    for (const v of ["1.29.0", "v1.29.0", "1.29.1", "v1.30.5", "1.31.0", "1.33.2", "2.0.0"]) assert.equal(needsSuperAdminSwap(v), true, v);
    assert.equal(superAdminPreKubeadmCommands("1.29.0").length, 1);
    assert.deepEqual(superAdminPreKubeadmCommands("1.28.15"), []);
    assert.deepEqual(superAdminPostKubeadmCommands("1.28.3"), []);
    assert.throws(() => needsSuperAdminSwap("1.30"), /expected a Kubernetes version/);
  });

  it("is CAPX's script with the version filled in, guarded by the init-node config file", () => {
    const [pre] = superAdminPreKubeadmCommands("v1.30.5");
    const [post] = superAdminPostKubeadmCommands("1.30.5");
    assert.equal(
      pre,
      [
        "KUBERNETES_VERSION_NO_V=1.30.5",
        "VERSION_TO_COMPARE=1.29.0",
        `if [ "$(printf '%s\\n' "$KUBERNETES_VERSION_NO_V" "$VERSION_TO_COMPARE" | sort -V | head -n1)" = "$VERSION_TO_COMPARE" ]; then`,
        "  if [ -f /run/kubeadm/kubeadm.yaml ]; then",
        "    sed -i 's#path: /etc/kubernetes/admin.conf#path: /etc/kubernetes/super-admin.conf#' /etc/kubernetes/manifests/kube-vip.yaml;",
        "  fi",
        "fi",
        "",
      ].join("\n"),
    );
    assert.match(post!, /sed -i 's#path: \/etc\/kubernetes\/super-admin\.conf#path: \/etc\/kubernetes\/admin\.conf#'/);
  });
});

describe("kube-vip: plan problems throw ValidationError", () => {
  it("names the endpoint and `bgp` for BGP mode without settings", () => {
    const noBgp = { ...BGP_ENDPOINT, bgp: undefined };
    assert.throws(
      () => kubeVipPod(noBgp, { resourceId: "dc1/edge/endpoint" }),
      (e: unknown) => e instanceof ValidationError && e.issues.length === 1 && e.issues[0]?.path === "dc1/edge/endpoint" && e.issues[0]?.field === "bgp" && /expected bgp settings/.test(e.message),
    );
    assert.throws(() => kubeVipPod(noBgp), (e: unknown) => e instanceof ValidationError && e.issues[0]?.path === `kube-vip endpoint ${BGP_ENDPOINT.address}`);
  });

  it("names the peer's password field and never shows the password", () => {
    assert.throws(
      () => bgpPeersValue(BGP_ENDPOINT, ["s3:cret"], "dc1/edge/endpoint"),
      (e: unknown) => e instanceof ValidationError && e.issues[0]?.path === "dc1/edge/endpoint" && e.issues[0]?.field === "bgp.peers[0].password" && !e.message.includes("s3:cret"),
    );
  });
});
