/**
 * A cluster's proxy on its nodes (issue 14, item 9): containerd and kubelet drop-ins,
 * /etc/environment, the CA, NO_PROXY with what must bypass the proxy, all before kubeadm.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { effectiveNoProxy, nodeUserData } from "../../lib/render";
import type { NutanixClusterSpec } from "../../lib/schema/cluster";
import { CLUSTER, CP_POOL, DEFAULT_POOL, ENDPOINT, SECRETS, TRUST_BUNDLE } from "./fixtures";

interface WriteFile { path: string; permissions: string; content: string; append?: boolean }
interface CloudConfig { write_files: WriteFile[]; runcmd: string[] }

const PROXIED: NutanixClusterSpec = {
  ...CLUSTER,
  cni: { plugin: "calico", version: "3.30.0" },
  proxy: { httpProxy: "http://proxy.example.com:3128", httpsProxy: "http://proxy.example.com:3128", noProxy: ["pc.dc1.example.com", "172.20.0.0/16"], caCertificate: TRUST_BUNDLE },
};

const render = (role: "init" | "worker-join") =>
  parse(nodeUserData({ cluster: PROXIED, endpoint: ENDPOINT, pool: role === "init" ? CP_POOL : DEFAULT_POOL, vmName: "n-0", role, secrets: SECRETS }).slice(14), { version: "1.1" }) as CloudConfig;

describe("effectiveNoProxy", () => {
  it("keeps the user's entries and adds the pod, service and node CIDRs, the VIP and in-cluster names once", () => {
    assert.deepEqual(effectiveNoProxy(PROXIED, ENDPOINT), [
      "pc.dc1.example.com", "172.20.0.0/16", "172.19.0.0/16", "10.20.0.0/24", "10.20.0.10", "localhost", "127.0.0.1", ".svc", ".cluster.local",
    ]);
    const { nodeNetwork: _n, ...noNet } = PROXIED;
    assert.ok(!effectiveNoProxy(noNet, ENDPOINT).includes("10.20.0.0/24"));
  });
});

describe("proxy in user data", () => {
  for (const role of ["init", "worker-join"] as const) {
    it(`reaches containerd, the kubelet and /etc/environment of a ${role} node before kubeadm`, () => {
      const cc = render(role);
      const byPath = Object.fromEntries(cc.write_files.map((f) => [f.path, f]));
      const noProxy = effectiveNoProxy(PROXIED, ENDPOINT).join(",");
      for (const p of ["/etc/systemd/system/containerd.service.d/http-proxy.conf", "/etc/systemd/system/kubelet.service.d/http-proxy.conf"]) {
        assert.equal(byPath[p]!.content, [
          "[Service]",
          'Environment="HTTP_PROXY=http://proxy.example.com:3128"',
          'Environment="http_proxy=http://proxy.example.com:3128"',
          'Environment="HTTPS_PROXY=http://proxy.example.com:3128"',
          'Environment="https_proxy=http://proxy.example.com:3128"',
          `Environment="NO_PROXY=${noProxy}"`,
          `Environment="no_proxy=${noProxy}"`,
          "",
        ].join("\n"));
      }
      const env = byPath["/etc/environment"];
      assert.equal(env!.append, true, "appended: the image's PATH line stays");
      assert.match(env!.content, new RegExp(`^NO_PROXY="${noProxy.replace(/[.*/]/g, "\\$&")}"$`, "m"));
      assert.equal(byPath["/usr/local/share/ca-certificates/nutanix-palette-cdk-proxy-ca.crt"]!.content, `${TRUST_BUNDLE}\n`);
      const k = cc.runcmd.findIndex((c) => c.startsWith("kubeadm "));
      for (const cmd of ["update-ca-certificates", "systemctl daemon-reload", "systemctl restart containerd"]) {
        const i = cc.runcmd.indexOf(cmd);
        assert.ok(i >= 0 && i < k, `${cmd} runs before kubeadm`);
      }
    });
  }

  it("downloads the CNI manifest through the proxy", () => {
    const cmd = render("init").runcmd.find((c) => c.includes("kubectl"))!;
    assert.match(cmd, /env 'HTTP_PROXY=http:\/\/proxy\.example\.com:3128' .*'NO_PROXY=[^']*10\.20\.0\.10[^']*' .*kubectl --kubeconfig/);
  });

  it("writes nothing proxy-related without a proxy", () => {
    const text = nodeUserData({ cluster: CLUSTER, endpoint: ENDPOINT, pool: CP_POOL, vmName: "n-0", role: "init", secrets: SECRETS });
    assert.ok(!/proxy|\/etc\/environment|update-ca-certificates/i.test(text));
  });
});
