/**
 * The boot-time shell of the user data, run for real: every runcmd entry parses with `sh -n`, and
 * the BGP router-id script writes the source address that `ip -4 -o route get` reports (a fake `ip`
 * on PATH prints iproute2's line format) into a copy of the kube-vip manifest.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { BGP_ROUTER_ID_PLACEHOLDER, bgpRouterIdCommands, kubeVipManifestYaml, nodeUserData, superAdminPreKubeadmCommands } from "../../lib/render";
import { BGP_ENDPOINT, CLUSTER, CP_POOL, ENDPOINT, SECRETS, TRUST_BUNDLE } from "./fixtures";
import { tempDir } from "../helpers/nutanix-fixtures";

const ENDPOINT_NO_ID = { ...BGP_ENDPOINT, bgp: { ...BGP_ENDPOINT.bgp!, routerId: undefined } };

function fakeIp(dir: string, line: string): string {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "ip"), `#!/bin/sh\necho '${line}'\n`, { mode: 0o755 });
  return bin;
}

describe("boot scripts", () => {
  it("every runcmd entry of every role is valid sh", () => {
    const cluster = { ...CLUSTER, cni: { plugin: "calico" as const, version: "3.30.0" }, proxy: { httpProxy: "http://proxy.example.com:3128", noProxy: [], caCertificate: TRUST_BUNDLE } };
    for (const role of ["init", "control-plane-join"] as const) {
      const text = nodeUserData({ cluster, endpoint: ENDPOINT_NO_ID, pool: CP_POOL, vmName: "cp-0", role, secrets: { ...SECRETS, bgpPeerPasswords: ["pw"] } });
      const { runcmd } = parse(text.slice(14), { version: "1.1" }) as { runcmd: string[] };
      for (const cmd of runcmd) {
        const r = spawnSync("sh", ["-n", "-c", cmd], { encoding: "utf8" });
        assert.equal(r.status, 0, `${role}: ${cmd}\n${r.stderr}`);
      }
    }
  });

  it("writes the node's source address towards the first peer as bgp_routerid", () => {
    const dir = tempDir();
    const manifest = path.join(dir, "kube-vip.yaml");
    fs.writeFileSync(manifest, kubeVipManifestYaml(ENDPOINT_NO_ID, { bgpPeerPasswords: ["pw"] }));
    const [script] = bgpRouterIdCommands(ENDPOINT_NO_ID);
    const local = script!.replace("/etc/kubernetes/manifests/kube-vip.yaml", manifest);
    const bin = fakeIp(dir, "192.0.2.1 via 192.0.2.254 dev ens3 src 192.0.2.37 uid 0");
    execFileSync("sh", ["-c", local], { env: { PATH: `${bin}:${process.env.PATH}` } });
    const text = fs.readFileSync(manifest, "utf8");
    assert.ok(!text.includes(BGP_ROUTER_ID_PLACEHOLDER));
    assert.match(text, /name: bgp_routerid\n\s+value: 192\.0\.2\.37\n/);
  });

  it("stops the boot when no source address is found, leaving the manifest as it was", () => {
    const dir = tempDir();
    const manifest = path.join(dir, "kube-vip.yaml");
    fs.writeFileSync(manifest, kubeVipManifestYaml(ENDPOINT_NO_ID));
    const local = bgpRouterIdCommands(ENDPOINT_NO_ID)[0]!.replace("/etc/kubernetes/manifests/kube-vip.yaml", manifest);
    const r = spawnSync("sh", ["-c", local], { env: { PATH: `${fakeIp(dir, "RTNETLINK answers: Network is unreachable")}:${process.env.PATH}` }, encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no IPv4 source address towards BGP peer 192\.0\.2\.1/);
    assert.ok(fs.readFileSync(manifest, "utf8").includes(BGP_ROUTER_ID_PLACEHOLDER));
  });

  it("the super-admin swap's sort -V test is true for exactly 1.29.0 and later (real sh and sort)", () => {
    for (const v of ["1.29.0", "1.29.10", "1.30.5", "1.31.0"]) {
      const dir = tempDir();
      const [manifest, initCfg] = [path.join(dir, "kube-vip.yaml"), path.join(dir, "kubeadm.yaml")];
      fs.writeFileSync(manifest, kubeVipManifestYaml(ENDPOINT));
      fs.writeFileSync(initCfg, "");
      const [script] = superAdminPreKubeadmCommands(v);
      execFileSync("sh", ["-c", script!.replace("/etc/kubernetes/manifests/kube-vip.yaml", manifest).replace("/run/kubeadm/kubeadm.yaml", initCfg)]);
      assert.match(fs.readFileSync(manifest, "utf8"), /path: \/etc\/kubernetes\/super-admin\.conf/, v);
    }
  });

  it("renders no router-id script for ARP or a fixed routerId", () => {
    assert.deepEqual(bgpRouterIdCommands(ENDPOINT), []);
    assert.deepEqual(bgpRouterIdCommands(BGP_ENDPOINT), []);
  });
});
