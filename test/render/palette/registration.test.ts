/**
 * The registration templates: CAPX's clusterctl variables where the values go (the names of CAPX
 * `templates/cluster-template.yaml`, librarium `register-nutanix-cloud.md`), no sentinel left, Palette's edits, golden
 * text, and — with the variables filled as the terraform example fills them — objects that pass the CRDs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { paletteRegistrationTemplates } from "../../../lib/render/palette";
import { crdSchemaErrors } from "../crd-schema";
import { assertGolden } from "../golden";

/** CAPX's variables (capx-palette notes §4, from CAPX `templates/cluster-template*.yaml`). */
const CAPX_VARIABLES = new Set([
  "CLUSTER_NAME",
  "NUTANIX_ENDPOINT",
  "NUTANIX_PORT",
  "NUTANIX_INSECURE",
  "NUTANIX_USER",
  "NUTANIX_PASSWORD",
  "CONTROL_PLANE_ENDPOINT_IP",
  "CONTROL_PLANE_ENDPOINT_PORT",
  "CONTROL_PLANE_MACHINE_COUNT",
  "WORKER_MACHINE_COUNT",
  "KUBERNETES_VERSION",
  "KUBERNETES_VERSION#v",
  "NUTANIX_PRISM_ELEMENT_CLUSTER_NAME",
  "NUTANIX_MACHINE_TEMPLATE_IMAGE_NAME",
  "NUTANIX_SUBNET_NAME",
  "NUTANIX_MACHINE_BOOT_TYPE",
  "NUTANIX_MACHINE_VCPU_SOCKET",
  "NUTANIX_MACHINE_VCPU_PER_SOCKET",
  "NUTANIX_MACHINE_MEMORY_SIZE",
  "NUTANIX_SYSTEMDISK_SIZE",
]);

const VALUES: Record<string, string> = {
  CLUSTER_NAME: "wl-9",
  NUTANIX_ENDPOINT: "pc.example.test",
  NUTANIX_PORT: "9440",
  NUTANIX_INSECURE: "false",
  CONTROL_PLANE_ENDPOINT_IP: "10.0.0.60",
  CONTROL_PLANE_ENDPOINT_PORT: "6443",
  CONTROL_PLANE_MACHINE_COUNT: "3",
  WORKER_MACHINE_COUNT: "2",
  KUBERNETES_VERSION: "v1.30.4",
  "KUBERNETES_VERSION#v": "1.30.4",
  NUTANIX_PRISM_ELEMENT_CLUSTER_NAME: "pe-1",
  NUTANIX_MACHINE_TEMPLATE_IMAGE_NAME: "ubuntu-2204-kube-v1.30.4",
  NUTANIX_SUBNET_NAME: "vlan-100",
  NUTANIX_MACHINE_BOOT_TYPE: "legacy",
  NUTANIX_MACHINE_VCPU_SOCKET: "2",
  NUTANIX_MACHINE_VCPU_PER_SOCKET: "1",
  NUTANIX_MACHINE_MEMORY_SIZE: "4Gi",
  NUTANIX_SYSTEMDISK_SIZE: "40Gi",
};

const t = paletteRegistrationTemplates();
const texts = [t.clusterTemplate, t.controlPlanePoolTemplate, t.workerPoolTemplate];
const vars = (s: string): string[] => [...new Set([...s.matchAll(/\$\{([A-Z_#a-z]+)\}/g)].map((m) => m[1]!))].sort();

describe("paletteRegistrationTemplates", () => {
  it("uses only CAPX's variables, and all the sizing, endpoint and credential ones", () => {
    const used = vars(texts.join(""));
    assert.deepEqual(used.filter((v) => !CAPX_VARIABLES.has(v)), []);
    assert.deepEqual([...CAPX_VARIABLES].filter((v) => !used.includes(v)), []);
    assert.doesNotMatch(texts.join(""), /npc-sentinel|192\.0\.2\.254|65001|65002|1\.99\.99|2049Mi|20481Mi/);
  });

  it("keeps Palette's edits: no namespace, ${CLUSTER_NAME}-cp-0, providerID nutanix://${CLUSTER_NAME}-m1-cp-0, iscsid", () => {
    assert.doesNotMatch(texts.join(""), /namespace: (?!kube-system)/);
    assert.match(t.controlPlanePoolTemplate, /kind: NutanixMachineTemplate\n\s+name: \$\{CLUSTER_NAME\}-cp-0\n/);
    assert.match(t.controlPlanePoolTemplate, /providerID: nutanix:\/\/\$\{CLUSTER_NAME\}-m1-cp-0\n/);
    assert.match(t.controlPlanePoolTemplate, /- systemctl enable --now iscsid\n/);
    assert.match(t.workerPoolTemplate, /- systemctl enable --now iscsid\n/);
    assert.match(t.clusterTemplate, /"username": "\$\{NUTANIX_USER\}"/);
  });

  it("matches the golden files", () => {
    assertGolden("palette-registration-cluster-template.yaml", t.clusterTemplate);
    assertGolden("palette-registration-control-plane-pool-template.yaml", t.controlPlanePoolTemplate);
    assertGolden("palette-registration-worker-pool-template.yaml", t.workerPoolTemplate);
  });

  it("filled in, gives objects that pass the CRDs, with the values in their typed fields", () => {
    let checked = 0;
    for (const text of texts) {
      const filled = text.replace(/\$\{([A-Z_#a-z]+)\}/g, (m, v: string) => (v === "NUTANIX_USER" || v === "NUTANIX_PASSWORD" ? m : VALUES[v] ?? m));
      for (const d of parseAllDocuments(filled)) {
        const o = d.toJSON() as { apiVersion: string; kind: string; spec?: { replicas?: unknown; template?: { spec?: { vcpuSockets?: unknown } } } };
        if (o.apiVersion === "v1") continue;
        assert.deepEqual(crdSchemaErrors(o), [], o.kind);
        if (o.kind === "KubeadmControlPlane") assert.equal(o.spec?.replicas, 3);
        if (o.kind === "MachineDeployment") assert.equal(o.spec?.replicas, 2);
        if (o.kind === "NutanixMachineTemplate") assert.equal(o.spec?.template?.spec?.vcpuSockets, 2);
        checked++;
      }
    }
    assert.equal(checked, 3 + 2 + 3);
  });
});
