/**
 * PrivateCloudGateway.withHostCluster(): a right-sized host cluster from a few props, and the PCG rules
 * (Palette's requirements) reported at synth.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PlanTemplate, PrivateCloudGateway, Secret, ValidationError } from "../../lib";
import { stackWithAccount } from "../helpers/nutanix-fixtures";

const placement = { image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["vm-net-20"] };
const net = { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] };

test("withHostCluster builds 3 control-plane + 1 worker small nodes with kube-vip and the gateway", () => {
  const { stack, pc } = stackWithAccount();
  const gw = PrivateCloudGateway.withHostCluster(stack, "pcg", {
    name: "dc1-pcg", account: pc, palette: { apiKey: Secret.fromEnv("PALETTE_API_KEY") },
    host: { kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.10" }, placement, nodeNetwork: net },
  });
  assert.equal(gw.hostCluster.node.path, "dc1/pcg-host");
  const t = PlanTemplate.fromStack(stack);
  t.hasResource("NutanixCluster", { name: "dc1-pcg-host", kubernetesVersion: "1.30.5" });
  t.hasResource("NodePool", { clusterName: "dc1-pcg-host", name: "cp", replicas: 3, machine: { vcpuSockets: 1, vcpusPerSocket: 4, memoryMiB: 4096, systemDiskMiB: 60 * 1024 } });
  t.hasResource("NodePool", { clusterName: "dc1-pcg-host", name: "worker", replicas: 1 });
  t.hasResource("PrivateCloudGateway", { name: "dc1-pcg", hostCluster: "dc1/pcg-host", palette: { endpoint: "https://api.spectrocloud.com", project: "Default" } });
});

test("withHostCluster: size, single control plane, workers and worker placement", () => {
  const { stack, pc } = stackWithAccount();
  PrivateCloudGateway.withHostCluster(stack, "pcg", {
    name: "gw", account: pc, palette: { apiKey: Secret.fromEnv("K") },
    host: {
      name: "gw-k8s", kubernetesVersion: "v1.31.2", endpoint: { address: "10.20.0.11" }, placement, size: "medium", highAvailability: false, workers: 2,
      workerPlacement: { image: "ubuntu-2204-kube-v1.31.2", cluster: "PE-2", subnets: ["vm-net-30"] },
    },
  });
  const t = PlanTemplate.fromStack(stack);
  t.hasResource("NodePool", { clusterName: "gw-k8s", name: "cp", replicas: 1, machine: { vcpusPerSocket: 8, memoryMiB: 8192, systemDiskMiB: 100 * 1024 } });
  t.hasResource("NodePool", { clusterName: "gw-k8s", name: "worker", replicas: 2, machine: { cluster: { name: "PE-2" }, subnets: [{ name: "vm-net-30" }] } });
});

test("withHostCluster: missing host props or a bad size is a ValidationError naming the field", () => {
  const { stack, pc } = stackWithAccount();
  assert.throws(() => PrivateCloudGateway.withHostCluster(stack, "a", { name: "a", account: pc, palette: { apiKey: Secret.fromEnv("K") } } as never), /dc1\/a: host: expected the host cluster props/);
  assert.throws(
    () => PrivateCloudGateway.withHostCluster(stack, "b", { name: "b", account: pc, palette: { apiKey: Secret.fromEnv("K") }, host: { kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.12" }, placement, size: "huge" as never } }),
    (e: unknown) => e instanceof ValidationError && /dc1\/b: host\.size: expected one of small, medium, large, got "huge"/.test(e.message),
  );
});

test("PCG rules at synth: unsupported Kubernetes, too few free IPs, proxy without the VIP in noProxy", () => {
  const { stack, pc } = stackWithAccount();
  PrivateCloudGateway.withHostCluster(stack, "pcg", {
    name: "gw", account: pc, palette: { apiKey: Secret.fromEnv("K") },
    proxy: { httpsProxy: "http://proxy.corp.example:3128", noProxy: ["pc.dc1.example.com"] },
    host: {
      kubernetesVersion: "1.25.3", endpoint: { address: "10.20.0.10" }, placement, workers: 3,
      nodeNetwork: { ...net, ipPool: [{ start: "10.20.0.100", end: "10.20.0.103" }] },
    },
  });
  assert.throws(() => stack.toPlan(), (e: unknown) => {
    assert.ok(e instanceof ValidationError);
    const text = e.message;
    assert.match(text, /kubernetesVersion: .*1\.28.*1\.33/);
    assert.match(text, /ipPool/);
    assert.match(text, /noProxy.*10\.20\.0\.10/);
    assert.match(text, /noProxy.*172\.20\.0\.0\/16/);
    return true;
  });
});
