/**
 * The CAPX export of a NutanixCluster: `toCapxManifests()` and `manifests/<cluster>.yaml` at synth.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { buildApp } from "../../examples/pcg-on-nutanix/main";
import { buildApp as buildWorkloads } from "../../examples/workload-clusters/main";
import { NutanixCluster } from "../../lib";
import { capxManifestsYaml } from "../../lib/render";
import { tempDir } from "../helpers/nutanix-fixtures";

function hostCluster(outdir: string): NutanixCluster {
  const { stack } = buildApp(outdir);
  const c = stack.node.findChild("pcg-host");
  assert.ok(NutanixCluster.isNutanixCluster(c));
  return c;
}

test("toCapxManifests returns the Cluster API and CAPX objects of the cluster", () => {
  const objects = hostCluster(tempDir()).toCapxManifests();
  // Templates are named <prefix>-<8 hex of their spec> (they roll when the spec changes).
  const kinds = objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name.replace(/-[0-9a-f]{8}$/, "-<hash>")}`);
  for (const expected of [
    "cluster.x-k8s.io/v1beta1/Cluster/pcg-host",
    "infrastructure.cluster.x-k8s.io/v1beta1/NutanixCluster/pcg-host",
    "controlplane.cluster.x-k8s.io/v1beta1/KubeadmControlPlane/pcg-host-kcp",
    "infrastructure.cluster.x-k8s.io/v1beta1/NutanixMachineTemplate/pcg-host-cp-<hash>",
    "cluster.x-k8s.io/v1beta1/MachineDeployment/pcg-host-default",
    "cluster.x-k8s.io/v1beta1/MachineDeployment/pcg-host-gpu",
    "cluster.x-k8s.io/v1beta1/MachineHealthCheck/pcg-host-mhc",
  ]) {
    assert.ok(kinds.includes(expected), `missing ${expected} in ${kinds.join(", ")}`);
  }
  const nc = objects.find((o) => o.kind === "NutanixCluster") as unknown as { spec: { controlPlaneEndpoint: { host: string; port: number }; prismCentral: { address: string; port: number } } };
  assert.deepEqual(nc.spec.controlPlaneEndpoint, { host: "10.20.0.10", port: 6443 });
  assert.equal(nc.spec.prismCentral.address, "pc.dc1.example.com");
  assert.equal(nc.spec.prismCentral.port, 9440);
});

test("toCapxManifests options override the cluster's capx props (v1beta2, no MHC, namespace)", () => {
  const objects = hostCluster(tempDir()).toCapxManifests({ clusterApiVersion: "v1beta2", machineHealthCheck: false, namespace: "capx" });
  assert.ok(objects.every((o) => o.metadata.namespace === "capx"));
  assert.ok(!objects.some((o) => o.kind === "MachineHealthCheck"));
  const kcp = objects.find((o) => o.kind === "KubeadmControlPlane");
  assert.equal(kcp?.apiVersion, "controlplane.cluster.x-k8s.io/v1beta2");
});

test("synth writes manifests/<cluster>.yaml beside the plan, equal to toCapxManifests()", () => {
  const outdir = tempDir();
  const { app, stack } = buildApp(outdir);
  app.synth();
  const file = path.join(outdir, "stacks", "dc1", "manifests", "pcg-host.yaml");
  const text = fs.readFileSync(file, "utf8");
  const c = stack.node.findChild("pcg-host") as NutanixCluster;
  assert.equal(text, capxManifestsYaml(c.toCapxManifests()));
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string });
  assert.ok(docs.length >= 10, `expected the full set of objects, got ${docs.length}`);
  assert.ok(!text.includes("sentinel"), "no secret values");
  assert.match(text, /\$\{NUTANIX_USER\}/);
});

test("every cluster of a stack gets its own manifest file", () => {
  const outdir = tempDir();
  buildWorkloads(outdir).app.synth();
  const files = fs.readdirSync(path.join(outdir, "stacks"));
  const dir = path.join(outdir, "stacks", files[0]!, "manifests");
  assert.deepEqual(fs.readdirSync(dir).sort(), ["ml.yaml", "web.yaml"]);
});

test("an invalid capx option is a ValidationError naming the field", () => {
  assert.throws(() => {
    const { stack } = buildApp(tempDir());
    new NutanixCluster(stack, "bad", {
      account: (stack.node.findChild("pc") as never),
      name: "bad", kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.11" },
      controlPlane: { machine: { image: "i", cluster: "PE-1", subnets: ["vm-net-20"] } },
      capx: { clusterApiVersion: "v2" as never },
    });
  }, /dc1\/bad: capx\.clusterApiVersion: expected clusterApiVersion 'v1beta1' or 'v1beta2'/);
});
