import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { capxManifests, capxManifestsYaml, redactUserData, type CapxOptions, type KubeObject } from "../../lib/render";
import { crdSchemaErrors, identifierProblems } from "./crd-schema";
import { EDGE_PLAN, PLAN, SECRETS, TRUST_BUNDLE } from "./fixtures";
import { assertGolden } from "./golden";
import { ValidationError } from "../../lib/schema/validation";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = KubeObject & { spec: any; stringData?: any; binaryData?: any };

const CASES = [
  { plan: PLAN, id: "dc1/pcg-host" },
  { plan: EDGE_PLAN, id: "dc2/edge" },
] as const;
const MODES: NonNullable<CapxOptions["clusterApiVersion"]>[] = ["v1beta1", "v1beta2"];

const render = (opts: CapxOptions = {}, c: (typeof CASES)[number] = CASES[0]) => capxManifests(c.plan, c.id, opts) as Obj[];
const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const one = (objs: Obj[], kind: string, name?: string) => {
  const found = byKind(objs, kind).filter((o) => name === undefined || o.metadata.name === name);
  assert.equal(found.length, 1, `expected one ${kind}${name ? ` ${name}` : ""}`);
  return found[0]!;
};
/** The one `kind` named `<prefix>-<8 hex>` (templates carry a hash of their spec). */
const template = (objs: Obj[], kind: string, prefix: string) => {
  const found = byKind(objs, kind).filter((o) => new RegExp(`^${prefix}-[0-9a-f]{8}$`).test(o.metadata.name));
  assert.equal(found.length, 1, `expected one ${kind} ${prefix}-<8 hex>`);
  return found[0]!;
};

describe("capxManifests: schema", () => {
  for (const mode of MODES) {
    for (const c of CASES) {
      it(`validates every ${mode} object of ${c.id} against its CRD`, () => {
        const objs = capxManifests(c.plan, c.id, { clusterApiVersion: mode });
        let checked = 0;
        for (const o of objs) {
          if (o.apiVersion === "v1") continue;
          assert.deepEqual(crdSchemaErrors(o), [], `${o.kind} ${o.metadata.name}`);
          assert.deepEqual(identifierProblems(o), [], `${o.kind} ${o.metadata.name}`);
          checked++;
        }
        assert.ok(byKind(objs as Obj[], "MachineHealthCheck").length === 1, "MHC included and validated");
        assert.ok(checked >= 5);
      });
    }
  }

  it("catches a wrong-version shape (the validator is not vacuous)", () => {
    const kcp = structuredClone(one(render(), "KubeadmControlPlane"));
    kcp!.apiVersion = "controlplane.cluster.x-k8s.io/v1beta2";
    assert.ok(crdSchemaErrors(kcp!).length > 0);
    const nmt = structuredClone(template(render(), "NutanixMachineTemplate", "pcg-host-cp"));
    nmt!.spec.template.spec.subnets = nmt!.spec.template.spec.subnet;
    assert.ok(crdSchemaErrors(nmt!).some((e) => e.includes("subnets")));
  });
});

describe("capxManifests: content", () => {
  it("emits the objects in apply order with CAPX and Palette names", () => {
    assert.deepEqual(
      render().map((o) => `${o.kind}/${o.metadata.name.replace(/-[0-9a-f]{8}$/, "-<hash>")}`),
      [
        "Secret/pcg-host",
        "ConfigMap/pcg-host-pc-trusted-ca-bundle",
        "Cluster/pcg-host",
        "NutanixCluster/pcg-host",
        "KubeadmControlPlane/pcg-host-kcp",
        "NutanixMachineTemplate/pcg-host-cp-<hash>",
        "NutanixMachineTemplate/pcg-host-default-mt-<hash>",
        "KubeadmConfigTemplate/pcg-host-default-kcfg-<hash>",
        "MachineDeployment/pcg-host-default",
        "NutanixMachineTemplate/pcg-host-gpu-mt-<hash>",
        "KubeadmConfigTemplate/pcg-host-gpu-kcfg-<hash>",
        "MachineDeployment/pcg-host-gpu",
        "MachineHealthCheck/pcg-host-mhc",
      ],
    );
    for (const o of render({ namespace: "capx-test" })) {
      assert.equal(o.metadata.namespace, "capx-test");
      assert.equal(o.metadata.labels["cluster.x-k8s.io/cluster-name"], "pcg-host");
    }
    assert.equal(byKind(render({ machineHealthCheck: false }), "MachineHealthCheck").length, 0);
    assert.throws(() => capxManifests(PLAN, "dc1/nope"), /not in the plan/);
    assert.throws(() => capxManifests(PLAN, "dc1/pcg-host/cp"), /to be a NutanixCluster, it is a NodePool/);
  });

  it("puts credential placeholders in the Secret and the base64 trust bundle in the ConfigMap", () => {
    const objs = render();
    const secret = one(objs, "Secret");
    assert.equal(secret!.apiVersion, "v1");
    assert.deepEqual(Object.keys(secret!.stringData), ["credentials"]);
    assert.deepEqual(JSON.parse(secret!.stringData.credentials), [
      { type: "basic_auth", data: { prismCentral: { username: "${NUTANIX_USER}", password: "${NUTANIX_PASSWORD}" }, prismElements: null } },
    ]);
    const cm = one(objs, "ConfigMap");
    assert.equal(cm!.apiVersion, "v1");
    assert.doesNotMatch(cm!.binaryData["ca.crt"], /\s/);
    assert.equal(Buffer.from(cm!.binaryData["ca.crt"], "base64").toString("utf8"), TRUST_BUNDLE);
    const pc = one(objs, "NutanixCluster").spec.prismCentral;
    assert.deepEqual(pc, {
      address: "pc.dc1.example.com",
      port: 9440,
      insecure: false,
      credentialRef: { kind: "Secret", name: "pcg-host" },
      additionalTrustBundle: { kind: "ConfigMap", name: "pcg-host-pc-trusted-ca-bundle" },
    });
    const edge = render({}, CASES[1]);
    assert.equal(byKind(edge, "ConfigMap").length, 0);
    assert.equal(one(edge, "NutanixCluster").spec.prismCentral.additionalTrustBundle, undefined);
    assert.equal(one(edge, "NutanixCluster").spec.prismCentral.insecure, true);
  });

  it("wires Cluster, KubeadmControlPlane, templates and MachineDeployments together (v1beta1)", () => {
    const objs = render();
    const cluster = one(objs, "Cluster");
    assert.equal(cluster!.apiVersion, "cluster.x-k8s.io/v1beta1");
    assert.deepEqual(cluster!.spec.controlPlaneRef, { apiVersion: "controlplane.cluster.x-k8s.io/v1beta1", kind: "KubeadmControlPlane", name: "pcg-host-kcp" });
    assert.deepEqual(cluster!.spec.infrastructureRef, { apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "NutanixCluster", name: "pcg-host" });
    assert.deepEqual(cluster!.spec.clusterNetwork.pods.cidrBlocks, ["172.20.0.0/16"]);
    assert.deepEqual(one(objs, "NutanixCluster").spec.controlPlaneEndpoint, { host: "10.20.0.10", port: 6443 });

    const kcp = one(objs, "KubeadmControlPlane").spec;
    assert.equal(kcp.replicas, 3);
    assert.equal(kcp.version, "v1.30.5");
    const cpTemplate = template(objs, "NutanixMachineTemplate", "pcg-host-cp").metadata.name;
    assert.deepEqual(kcp.machineTemplate.infrastructureRef, { apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "NutanixMachineTemplate", name: cpTemplate });
    const vip = kcp.kubeadmConfigSpec.files.find((f: any) => f.path === "/etc/kubernetes/manifests/kube-vip.yaml");
    assert.equal(vip.owner, "root:root");
    assert.ok(parse(vip.content).spec.containers[0].env.some((e: any) => e.name === "address" && e.value === "10.20.0.10"));
    assert.ok(kcp.kubeadmConfigSpec.preKubeadmCommands.includes("systemctl enable --now iscsid"));
    assert.ok(kcp.kubeadmConfigSpec.preKubeadmCommands.some((c: string) => c.includes("super-admin.conf#' ")));
    assert.ok(kcp.kubeadmConfigSpec.postKubeadmCommands.some((c: string) => c.includes("#path: /etc/kubernetes/admin.conf#")));
    assert.equal(kcp.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs["cloud-provider"], "external");
    assert.ok(kcp.kubeadmConfigSpec.clusterConfiguration.apiServer.certSANs.includes("10.20.0.10"));

    const cpNmt = template(objs, "NutanixMachineTemplate", "pcg-host-cp").spec.template.spec;
    assert.equal(cpNmt.providerID, "nutanix://pcg-host-m1-cp-0");
    assert.deepEqual([cpNmt.memorySize, cpNmt.systemDiskSize, cpNmt.vcpuSockets, cpNmt.vcpusPerSocket, cpNmt.bootType], ["8192Mi", "40Gi", 2, 2, "legacy"]);

    const gpu = template(objs, "NutanixMachineTemplate", "pcg-host-gpu-mt").spec.template.spec;
    assert.equal(gpu.providerID, "nutanix://pcg-host-m1-gpu-mt-0");
    assert.deepEqual(gpu.image, { type: "uuid", uuid: "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a" });
    assert.deepEqual(gpu.subnet, [{ type: "uuid", uuid: "7a8b9c0d-aaaa-bbbb-cccc-ddddeeeeffff" }, { type: "name", name: "storage-net" }]);
    assert.deepEqual(gpu.project, { type: "name", name: "ml-team" });
    assert.deepEqual(gpu.additionalCategories, [{ key: "AppType", value: "Kubernetes" }, { key: "CostCenter", value: "ml" }]);
    assert.deepEqual(gpu.gpus, [{ type: "name", name: "Tesla T4" }, { type: "deviceID", deviceID: 7864 }]);
    assert.equal(gpu.bootType, "uefi");

    for (const md of byKind(objs, "MachineDeployment")) {
      const s = md.spec;
      assert.equal(s.clusterName, "pcg-host");
      assert.deepEqual(s.template.metadata.labels, s.selector.matchLabels, "selector matches the template labels");
      assert.equal(s.selector.matchLabels["cluster.x-k8s.io/cluster-name"], "pcg-host");
      assert.equal(s.template.spec.version, "v1.30.5");
      const kct = one(objs, "KubeadmConfigTemplate", s.template.spec.bootstrap.configRef.name);
      assert.equal(s.template.spec.bootstrap.configRef.apiVersion, kct!.apiVersion);
      one(objs, "NutanixMachineTemplate", s.template.spec.infrastructureRef.name);
    }
    const gpuMd = one(objs, "MachineDeployment", "pcg-host-gpu");
    assert.equal(gpuMd!.spec.replicas, 1);
    assert.equal(gpuMd!.metadata.annotations?.["cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size"], "3");
    const gpuKct = template(objs, "KubeadmConfigTemplate", "pcg-host-gpu-kcfg").spec.template.spec;
    assert.deepEqual(gpuKct.joinConfiguration.nodeRegistration.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
    assert.equal(gpuKct.joinConfiguration.nodeRegistration.kubeletExtraArgs["node-labels"], "node.kubernetes.io/pool=gpu,nvidia.com/gpu.present=true");
    assert.ok(gpuKct.preKubeadmCommands.includes("systemctl enable --now iscsid"));

    const mhc = one(objs, "MachineHealthCheck").spec;
    assert.equal(mhc.maxUnhealthy, "40%");
    assert.equal(mhc.nodeStartupTimeout, "10m0s");
  });

  it("uses failure domains only when pools span several Prism Element clusters", () => {
    const objs = render();
    const fds = one(objs, "NutanixCluster").spec.failureDomains;
    assert.deepEqual(fds.map((f: any) => [f.name, f.controlPlane]), [["pe-a", true], ["pe-00061c2e", false]]);
    assert.deepEqual(fds[0].cluster, { type: "name", name: "pe-a" });
    assert.equal(one(objs, "MachineDeployment", "pcg-host-gpu").spec.template.spec.failureDomain, "pe-00061c2e");
    assert.equal(one(objs, "MachineDeployment", "pcg-host-default").spec.template.spec.failureDomain, "pe-a");
    assert.equal(one(objs, "NutanixCluster").spec.controlPlaneFailureDomains, undefined);
    assert.equal(one(render({}, CASES[1]), "NutanixCluster").spec.failureDomains, undefined);
  });

  it("uses v1beta2 shapes for the Cluster API kinds and keeps the CAPX kinds at v1beta1", () => {
    const objs = render({ clusterApiVersion: "v1beta2" });
    for (const o of objs) {
      if (o.apiVersion.startsWith("infrastructure.")) assert.equal(o.apiVersion, "infrastructure.cluster.x-k8s.io/v1beta1");
      else if (o.apiVersion !== "v1") assert.match(o.apiVersion, /\/v1beta2$/, o.kind);
    }
    const cluster = one(objs, "Cluster").spec;
    assert.deepEqual(cluster.controlPlaneRef, { apiGroup: "controlplane.cluster.x-k8s.io", kind: "KubeadmControlPlane", name: "pcg-host-kcp" });
    const kcp = one(objs, "KubeadmControlPlane").spec;
    assert.deepEqual(kcp.machineTemplate.spec.infrastructureRef, { apiGroup: "infrastructure.cluster.x-k8s.io", kind: "NutanixMachineTemplate", name: template(objs, "NutanixMachineTemplate", "pcg-host-cp").metadata.name });
    const args = kcp.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs;
    assert.ok(Array.isArray(args) && args.some((a: any) => a.name === "cloud-provider" && a.value === "external"));
    assert.ok(Array.isArray(kcp.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs));
    const md = one(objs, "MachineDeployment", "pcg-host-default").spec.template.spec;
    assert.deepEqual(md.bootstrap.configRef, { apiGroup: "bootstrap.cluster.x-k8s.io", kind: "KubeadmConfigTemplate", name: template(objs, "KubeadmConfigTemplate", "pcg-host-default-kcfg").metadata.name });
    const mhc = one(objs, "MachineHealthCheck").spec;
    assert.equal(mhc.checks.nodeStartupTimeoutSeconds, 600);
    assert.equal(mhc.remediation.triggerIf.unhealthyLessThanOrEqualTo, "40%");
  });

  it("puts the super-admin swap around init for exactly 1.29.0 (kube-vip #684) and renders BGP passwords as placeholders", () => {
    const objs = render({}, CASES[1]);
    const kcp = one(objs, "KubeadmControlPlane").spec.kubeadmConfigSpec;
    assert.ok(JSON.stringify(kcp.preKubeadmCommands).includes("super-admin"), "1.29.0 is patched too");
    assert.ok(kcp.files[0].content.includes("192.0.2.1:65000:${BGP_PEER_PASSWORD}:false"));
    assert.deepEqual(kcp.initConfiguration.nodeRegistration.taints[0], { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" });
  });
});

describe("capxManifestsYaml", () => {
  it("never contains a secret from the environment or a token-shaped value (sentinel)", () => {
    const sentinels = { NUTANIX_USERNAME: "sentinel-user-7f3a", NUTANIX_PASSWORD: "sentinel-pass-91c2", NUTANIX_USER: "sentinel-user2-5d1e", BGP_PEER_PASSWORD: "sentinel-bgp-c0de" };
    const saved = Object.fromEntries(Object.keys(sentinels).map((k) => [k, process.env[k]]));
    Object.assign(process.env, sentinels);
    try {
      for (const mode of MODES) {
        for (const c of CASES) {
          const text = capxManifestsYaml(capxManifests(c.plan, c.id, { clusterApiVersion: mode }));
          for (const s of [...Object.values(sentinels), SECRETS.bootstrapToken, SECRETS.certificateKey]) assert.ok(!text.includes(s), `${s} leaked`);
          assert.equal(redactUserData(text), text, "nothing token- or key-shaped");
        }
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("is one multi-document YAML that parses back, byte-identical on every call", () => {
    for (const mode of MODES) {
      const objs = capxManifests(PLAN, "dc1/pcg-host", { clusterApiVersion: mode });
      const text = capxManifestsYaml(objs);
      assert.equal(capxManifestsYaml(capxManifests(structuredClone(PLAN), "dc1/pcg-host", { clusterApiVersion: mode })), text);
      assert.deepEqual(parseAllDocuments(text).map((d) => d.toJS()), JSON.parse(JSON.stringify(objs)));
      assertGolden(`capx-pcg-host-${mode}.yaml`, text);
    }
    assertGolden("capx-edge-v1beta1.yaml", capxManifestsYaml(capxManifests(EDGE_PLAN, "dc2/edge")));
  });
});

describe("capxManifests: plan problems", () => {
  const withCluster = (change: (spec: Record<string, unknown>) => void) => {
    const plan = structuredClone(PLAN);
    const cluster = plan.resources.find((r) => r.id === "dc1/pcg-host");
    assert.ok(cluster);
    change(cluster.spec as unknown as Record<string, unknown>);
    return plan;
  };

  it("throws one ValidationError listing every broken reference with the cluster id and the field", () => {
    const plan = withCluster((s) => {
      s.account = "dc1/gone";
      s.workers = ["dc1/pcg-host/cp", "dc1/pcg-host/default"];
    });
    assert.throws(
      () => capxManifests(plan, "dc1/pcg-host"),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(e.issues, [
          { path: "dc1/pcg-host", field: "account", message: 'expected the id of a PrismCentralAccount, got "dc1/gone", which is not in the plan' },
        ]);
        return true;
      },
    );
    const wrongKind = withCluster((s) => (s.endpoint = "dc1/pc"));
    assert.throws(() => capxManifests(wrongKind, "dc1/pcg-host"), (e: unknown) => e instanceof ValidationError && e.issues.length === 1 && e.issues[0]?.field === "endpoint" && /expected "dc1\/pc" to be a KubeVipEndpoint, it is a PrismCentralAccount/.test(e.message));
    const both = withCluster((s) => {
      s.controlPlane = "dc1/nope";
      s.workers = ["dc1/pc"];
    });
    assert.throws(() => capxManifests(both, "dc1/pcg-host"), (e: unknown) => e instanceof ValidationError && e.issues.map((i) => `${i.path} ${i.field}`).join(",") === "dc1/pcg-host controlPlane,dc1/pcg-host workers[0]");
  });

  it("names the id itself when it is not a cluster", () => {
    assert.throws(() => capxManifests(PLAN, "dc1/pcg-host/cp"), (e: unknown) => e instanceof ValidationError && e.issues[0]?.path === "dc1/pcg-host/cp" && e.issues[0]?.field === "");
  });
});
