/**
 * The day-2 props of a cluster at synth (issue 14, items 8–10): CNI, SSH keys, proxy (also passed
 * from a PCG to its host cluster), and BGP passwords that kube-vip cannot carry refused at synth.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlanTemplate, PrivateCloudGateway, Secret, ValidationError } from "../../lib";
import { nodeUserData } from "../../lib/render";
import type { NutanixClusterSpec } from "../../lib/schema/cluster";
import type { KubeVipEndpointSpec } from "../../lib/schema/kube-vip";
import type { NodePoolSpec } from "../../lib/schema/node-pool";
import { addCluster, MACHINE, stackWithAccount, tempDir, validationLines } from "../helpers/nutanix-fixtures";
import { ed25519KeyLine } from "../helpers/ssh-key";

const placement = { image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["vm-net-20"] };
const CA = ["-----BEGIN CERTIFICATE-----", "MIIBszCCAVmgAwIBAgIUFakeFakeFake", "-----END CERTIFICATE-----"].join("\n");

test("cni, sshAuthorizedKeys and proxy reach the plan; calico is the default", () => {
  const { stack, pc } = stackWithAccount();
  const key = ed25519KeyLine(4);
  addCluster(stack, pc, "c1");
  addCluster(stack, pc, "c2", {
    endpoint: { address: "10.20.0.11" },
    cni: { plugin: "none" },
    sshAuthorizedKeys: [key],
    proxy: { httpsProxy: "http://proxy.example.com:3128" },
    workers: [{ name: "default", replicas: 1, machine: MACHINE, sshAuthorizedKeys: [ed25519KeyLine(5)] }],
  });
  const t = PlanTemplate.fromStack(stack);
  t.hasResource("NutanixCluster", { name: "c1", cni: { plugin: "calico", version: "3.30.0" } });
  t.hasResource("NutanixCluster", { name: "c2", cni: { plugin: "none" }, sshAuthorizedKeys: [key], proxy: { httpsProxy: "http://proxy.example.com:3128", noProxy: [] } });
  t.hasResource("NodePool", { clusterName: "c2", name: "default", sshAuthorizedKeys: [ed25519KeyLine(5)] });
});

test("a cluster's proxy is in its nodes' user data", () => {
  const { stack, pc } = stackWithAccount();
  addCluster(stack, pc, "c1", { proxy: { httpProxy: "http://proxy.example.com:3128", noProxy: ["pc.example.com"] } });
  const plan = stack.toPlan();
  const spec = (id: string) => plan.resources.find((r) => r.id === id)!.spec;
  const text = nodeUserData({
    cluster: spec("dc1/c1") as NutanixClusterSpec, endpoint: spec("dc1/c1/endpoint") as KubeVipEndpointSpec, pool: spec("dc1/c1/default") as NodePoolSpec,
    vmName: "c1-default-0", role: "worker-join", secrets: { bootstrapToken: "abcdef.0123456789abcdef", certificateKey: "" },
  });
  assert.match(text, /path: \/etc\/systemd\/system\/containerd\.service\.d\/http-proxy\.conf/);
  assert.match(text, /NO_PROXY=pc\.example\.com,172\.20\.0\.0\/16,172\.19\.0\.0\/16,10\.20\.0\.10,localhost,127\.0\.0\.1,\.svc,\.cluster\.local/);
});

test("withHostCluster passes the gateway's proxy to its host cluster", () => {
  const { stack, pc } = stackWithAccount();
  const proxy = { httpsProxy: "http://proxy.example.com:3128", noProxy: ["pc.example.com", "10.20.0.10", "172.20.0.0/16", "172.19.0.0/16"], caCertificate: CA };
  const gw = PrivateCloudGateway.withHostCluster(stack, "pcg", {
    name: "dc1-pcg", account: pc, palette: { apiKey: Secret.fromEnv("PALETTE_API_KEY") }, proxy,
    host: { kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.10" }, placement },
  });
  assert.deepEqual(gw.hostCluster.data.proxy, proxy);
  PlanTemplate.fromStack(stack).hasResource("NutanixCluster", { name: "dc1-pcg-host", proxy });
});

test("synth refuses a BGP password that bgp_peers cannot carry, naming the field and never the value", () => {
  const dir = tempDir();
  const file = path.join(dir, "bgp-pw");
  fs.writeFileSync(file, "pa:ss,word\n");
  const saved = process.env.BGP_PW_TEST;
  process.env.BGP_PW_TEST = "with:colon";
  try {
    const { stack, pc } = stackWithAccount();
    addCluster(stack, pc, "c1", {
      endpoint: {
        address: "10.20.0.10", mode: "bgp",
        bgp: { peers: [{ address: "10.20.0.1", asn: 65001, password: Secret.fromEnv("BGP_PW_TEST") }, { address: "10.20.0.2", asn: 65001, password: Secret.fromFile(file) }, { address: "10.20.0.3", asn: 65001, password: Secret.fromEnv("BGP_PW_UNSET_AT_SYNTH") }] },
      },
    });
    let err: unknown;
    try {
      stack.runAllValidations();
    } catch (e) {
      err = e;
    }
    assert.ok(ValidationError.isValidationError(err), "a ValidationError");
    const lines = (err as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.match(lines[0]!, /^dc1\/c1\/endpoint: bgp\.peers\[0\]\.password: expected a BGP password without ':', ','/);
    assert.match(lines[1]!, /^dc1\/c1\/endpoint: bgp\.peers\[1\]\.password: /);
    assert.ok(!(err as Error).message.includes("with:colon") && !(err as Error).message.includes("pa:ss"), "values never echoed");
  } finally {
    if (saved === undefined) delete process.env.BGP_PW_TEST;
    else process.env.BGP_PW_TEST = saved;
  }
});

test("props errors for the new fields name construct path and field", () => {
  const { stack, pc } = stackWithAccount();
  const lines = validationLines(() => addCluster(stack, pc, "bad", { serviceCidr: "10.0.0.0/8", podCidr: "192.168.0.0/25", sshAuthorizedKeys: ["nope"], controlPlane: { replicas: 1, machine: { ...MACHINE, vcpuSockets: 1, vcpusPerSocket: 1 }, labels: { "node-role.kubernetes.io/control-plane": "" } } }));
  for (const re of [/^dc1\/bad: serviceCidr: /, /^dc1\/bad: podCidr: /, /^dc1\/bad: sshAuthorizedKeys\[0\]: /, /^dc1\/bad: controlPlane\.machine\.vcpuSockets: /, /^dc1\/bad: controlPlane\.labels\.node-role\.kubernetes\.io\/control-plane: /]) {
    assert.ok(lines.some((l) => re.test(l)), `${re} not in\n${lines.join("\n")}`);
  }
});
