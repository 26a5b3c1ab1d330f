/**
 * Palette's templates rendered from the CAPX builders: the structure of terraform-provider-spectrocloud's Nutanix
 * example (test/fixtures/palette/terraform-example: the same kinds in the same order, every field it sets, with the
 * differences listed), Palette's edits (no namespace, `-cp-0`, iscsid, credential placeholders), the CRDs, golden
 * text, bad input, and a create body built from them that the spec and the palette-emulator accept.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { clusterCreateBody, clusterCreateRequest, validationErrors } from "../../../lib/palette";
import { paletteTemplates, type PaletteTemplates } from "../../../lib/render/palette";
import { ValidationError } from "../../../lib/schema/validation";
import { API_KEY, withPalette } from "../../helpers/palette";
import { PaletteSpec } from "../../helpers/palette-spec";
import { crdSchemaErrors, identifierProblems } from "../crd-schema";
import { assertGolden } from "../golden";
import { WL1 } from "./fixtures";

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec?: Record<string, unknown> } & Record<string, unknown>;
const TF = path.join(__dirname, "..", "..", "fixtures", "palette", "terraform-example");
const docs = (yaml: string): Obj[] => parseAllDocuments(yaml).map((d) => d.toJSON() as Obj | null).filter((o): o is Obj => o !== null);
const tf = (file: string): Obj[] => docs(readFileSync(path.join(TF, file), "utf8"));
const kinds = (objs: Obj[]): string[] => objs.map((o) => o.kind);

/** Every key path of a value ("a.b[].c"); strings that hold YAML (kube-vip's manifest) are leaves. */
function keyPaths(v: unknown, prefix = ""): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => keyPaths(x, `${prefix}[]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [`${prefix}.${k}`, ...keyPaths(x, `${prefix}.${k}`)]);
  return [];
}
/** The key paths the example has and ours lacks, per kind. */
function missing(example: Obj[], ours: Obj[]): string[] {
  const out: string[] = [];
  for (const e of example) {
    const o = ours.find((x) => x.kind === e.kind);
    if (!o) {
      out.push(`${e.kind}: missing`);
      continue;
    }
    const have = new Set(keyPaths(o));
    for (const p of new Set(keyPaths(e))) if (!have.has(p)) out.push(`${e.kind}${p}`);
  }
  return out.sort();
}

const t: PaletteTemplates = paletteTemplates(WL1);
const cloud = docs(t.cloudConfig);
const cp = docs(t.controlPlane.values);
const workers = t.workers.map((w) => docs(w.values));

describe("paletteTemplates: the terraform example's structure", () => {
  it("has the example's kinds in the example's order (the trust-bundle ConfigMap only with a bundle)", () => {
    assert.deepEqual(kinds(cloud), kinds(tf("cloud_config.yaml")).filter((k) => k !== "ConfigMap"));
    const withBundle = docs(paletteTemplates({ ...WL1, prismCentral: { ...WL1.prismCentral, trustBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" } }).cloudConfig);
    assert.deepEqual(kinds(withBundle), kinds(tf("cloud_config.yaml")));
    assert.deepEqual(kinds(cp), kinds(tf("cp_pool_config.yaml")));
    for (const w of workers) assert.deepEqual(kinds(w), kinds(tf("worker_pool_config.yaml")));
  });

  it("sets every field the example sets, but for the listed differences", () => {
    assert.deepEqual(missing(tf("cloud_config.yaml").filter((o) => o.kind !== "ConfigMap"), cloud), [
      // the trust bundle is referenced only when the account has one (CAPX makes it optional)
      "NutanixCluster.spec.prismCentral.additionalTrustBundle",
      "NutanixCluster.spec.prismCentral.additionalTrustBundle.kind",
      "NutanixCluster.spec.prismCentral.additionalTrustBundle.name",
    ]);
    assert.deepEqual(missing(tf("cp_pool_config.yaml"), cp), [
      // the example's own extras, none of them in CAPX's templates/base/kcp.yaml or needed by Palette
      "KubeadmControlPlane.spec.kubeadmConfigSpec.clusterConfiguration.controllerManager.extraArgs.enable-hostpath-provisioner",
      "KubeadmControlPlane.spec.kubeadmConfigSpec.useExperimentalRetryJoin",
      // no SSH user: the description carries no key (CAPX's capiuser is optional)
      "KubeadmControlPlane.spec.kubeadmConfigSpec.users",
      "KubeadmControlPlane.spec.kubeadmConfigSpec.users[].lockPassword",
      "KubeadmControlPlane.spec.kubeadmConfigSpec.users[].name",
      "KubeadmControlPlane.spec.kubeadmConfigSpec.users[].sshAuthorizedKeys",
      "KubeadmControlPlane.spec.kubeadmConfigSpec.users[].sudo",
      "KubeadmControlPlane.spec.kubeadmConfigSpec.verbosity",
    ]);
    for (const w of workers) {
      assert.deepEqual(missing(tf("worker_pool_config.yaml"), w), [
        "KubeadmConfigTemplate.spec.template.spec.postKubeadmCommands",
        "KubeadmConfigTemplate.spec.template.spec.users",
        "KubeadmConfigTemplate.spec.template.spec.users[].lockPassword",
        "KubeadmConfigTemplate.spec.template.spec.users[].name",
        "KubeadmConfigTemplate.spec.template.spec.users[].sshAuthorizedKeys",
        "KubeadmConfigTemplate.spec.template.spec.users[].sudo",
        "KubeadmConfigTemplate.spec.template.spec.verbosity",
      ]);
    }
  });

  it("matches the golden files", () => {
    assertGolden("palette-wl-1-cloud-config.yaml", t.cloudConfig);
    assertGolden("palette-wl-1-cp.yaml", t.controlPlane.values);
    t.workers.forEach((w) => assertGolden(`palette-wl-1-${w.pool}.yaml`, w.values));
  });
});

describe("paletteTemplates: Palette's edits (librarium register-nutanix-cloud.md)", () => {
  const all = [...cloud, ...cp, ...workers.flat()];

  it("puts no namespace on any object", () => {
    assert.deepEqual(all.filter((o) => "namespace" in o.metadata).map((o) => o.kind), []);
    assert.doesNotMatch([t.cloudConfig, t.controlPlane.values, ...t.workers.map((w) => w.values)].join(""), /namespace: (?!kube-system)/);
  });

  it("names the control-plane template <cluster>-cp-0 with providerID nutanix://<cluster>-m1-cp-0, and the references agree", () => {
    const [kcp, nmt] = cp as [Obj, Obj];
    assert.equal(nmt.metadata.name, "wl-1-cp-0");
    assert.deepEqual((kcp.spec!.machineTemplate as { infrastructureRef: { name: string } }).infrastructureRef.name, "wl-1-cp-0");
    assert.equal(((nmt.spec!.template as { spec: { providerID: string } }).spec).providerID, "nutanix://wl-1-m1-cp-0");
    const cluster = cloud.find((o) => o.kind === "Cluster")!;
    assert.equal((cluster.spec!.controlPlaneRef as { name: string }).name, kcp.metadata.name);
    for (const w of workers) {
      const [md, wnmt, kct] = w as [Obj, Obj, Obj];
      const tpl = (md.spec!.template as { spec: { bootstrap: { configRef: { name: string } }; infrastructureRef: { name: string } } }).spec;
      assert.equal(tpl.bootstrap.configRef.name, kct.metadata.name);
      assert.equal(tpl.infrastructureRef.name, wnmt.metadata.name);
    }
  });

  it("enables iscsid before kubeadm on every node (nutanix-csi)", () => {
    const kcp = cp[0]!;
    assert.ok(((kcp.spec!.kubeadmConfigSpec as { preKubeadmCommands: string[] }).preKubeadmCommands).includes("systemctl enable --now iscsid"));
    for (const w of workers) {
      const kct = w.find((o) => o.kind === "KubeadmConfigTemplate")!;
      assert.ok(((kct.spec!.template as { spec: { preKubeadmCommands: string[] } }).spec.preKubeadmCommands).includes("systemctl enable --now iscsid"));
    }
  });

  it("leaves the credentials as ${NUTANIX_USER} / ${NUTANIX_PASSWORD} and renders every other value", () => {
    const text = [t.cloudConfig, t.controlPlane.values, ...t.workers.map((w) => w.values)].join("");
    assert.deepEqual([...new Set(text.match(/\$\{[A-Z_]+\}/g))].sort(), ["${NUTANIX_PASSWORD}", "${NUTANIX_USER}"]);
    const nc = cloud.find((o) => o.kind === "NutanixCluster")!;
    assert.deepEqual(nc.spec!.prismCentral, { address: "pc.example.test", port: 9440, insecure: false, credentialRef: { kind: "Secret", name: "wl-1" } });
  });

  it("names each pool as Palette derives it (KubeadmControlPlane / MachineDeployment first) with its replicas", () => {
    assert.deepEqual([t.controlPlane, ...t.workers].map((p) => [p.name, p.pool, p.replicas, p.isControlPlane]), [
      ["wl-1-kcp", "cp", 3, true],
      ["wl-1-workers-a", "workers-a", 2, false],
      ["wl-1-workers-b", "workers-b", 1, false],
    ]);
  });

  it("validates every CAPI/CAPX object against its CRD", () => {
    let checked = 0;
    for (const o of all.filter((x) => x.apiVersion !== "v1")) {
      assert.deepEqual(crdSchemaErrors(o), [], `${o.kind} ${String(o.metadata.name)}`);
      assert.deepEqual(identifierProblems(o), [], `${o.kind} ${String(o.metadata.name)}`);
      checked++;
    }
    assert.equal(checked, 3 + 2 + 3 * 2);
  });

  it("renames a pool's NutanixMachineTemplate with its templateSuffix (a machine change), references included", () => {
    const r = paletteTemplates({ ...WL1, controlPlane: { ...WL1.controlPlane, templateSuffix: "1" }, workers: [{ ...WL1.workers![0]!, templateSuffix: "a1b2c3" }] });
    assert.match(r.controlPlane.values, /name: wl-1-cp-1\n/);
    assert.doesNotMatch(r.controlPlane.values, /wl-1-cp-0\n/);
    assert.match(r.workers[0]!.values, /kind: NutanixMachineTemplate\n\s+name: wl-1-workers-a-mt-a1b2c3\n/);
    assert.equal((r.workers[0]!.values.match(/wl-1-workers-a-mt-a1b2c3/g) ?? []).length, 2);
  });

  it("is deterministic", () => {
    assert.deepEqual(paletteTemplates(structuredClone(WL1)), t);
  });
});

describe("paletteTemplates: bad input", () => {
  it("reports every bad field at once, naming the cluster and the field", () => {
    const bad = {
      ...WL1,
      kubernetesVersion: "1.30",
      endpoint: { address: "10.0.0.999" },
      controlPlane: { ...WL1.controlPlane, replicas: 2, machine: { ...WL1.controlPlane.machine, memoryMiB: 1024 } },
      workers: [WL1.workers![0]!, { ...WL1.workers![1]!, name: "workers-a" }],
    };
    assert.throws(
      () => paletteTemplates(bad),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        const fields = e.issues.map((i) => i.field);
        for (const f of ["kubernetesVersion", "endpoint.address", "controlPlane.replicas", "controlPlane.machine.memoryMiB", "workers[1].name"]) assert.ok(fields.includes(f), `${f} in ${fields.join(", ")}`);
        assert.ok(e.issues.every((i) => i.path === 'palette cluster "wl-1"'));
        assert.match(e.message, /cannot render the Palette templates/);
        return true;
      },
    );
  });
});

describe("paletteTemplates: the create body Palette accepts", () => {
  it("a create/validate body from the templates validates against the spec, and the palette-emulator derives the pools", async () => {
    const spec = new PaletteSpec();
    const input = {
      name: "wl-1",
      cloudAccountUid: "0123456789abcdef01234567",
      profileUids: ["fedcba9876543210fedcba98"],
      cloudConfig: t.cloudConfig,
      pools: [t.controlPlane, ...t.workers],
    };
    for (const validate of [true, false]) {
      const w = clusterCreateRequest(input, { validate });
      assert.deepEqual(spec.validateRequest({ method: w.method, path: w.path, query: {}, headers: { ApiKey: API_KEY, "Content-Type": "application/json" }, body: w.body }), []);
    }
    await withPalette(async (h) => {
      const client = h.client({ project: "Default" });
      const pcg = await client.pcg.ensureSelfHosted("pcg-1");
      const accountUid = await client.accounts.create({ name: "acct", overlordUid: pcg.overlordUid, credentials: { NUTANIX_USER: "u", NUTANIX_PASSWORD: "p-secret", NUTANIX_ENDPOINT: "pc.example.test", NUTANIX_PORT: "9440", NUTANIX_INSECURE: "false" } });
      const profileUid = await client.profiles.uidByName("nutanix-k8s-1.30");
      const body = clusterCreateBody({ ...input, cloudAccountUid: accountUid, profileUids: [profileUid] });
      assert.deepEqual(validationErrors(await client.clusters.validate(body)), []);
      const uid = await client.clusters.create(body);
      const configUid = await until(async () => (await client.clusters.getWithoutStatus(uid))?.spec?.cloudConfigRef?.uid);
      const cfg = await client.cloudConfigs.get(configUid);
      assert.deepEqual(cfg?.spec?.machinePoolConfig?.map((p) => [p.name, p.size, p.isControlPlane]), [
        ["wl-1-kcp", 3, true],
        ["wl-1-workers-a", 2, false],
        ["wl-1-workers-b", 1, false],
      ]);
      for (const r of await h.requests()) assert.deepEqual(spec.validateRequest(r), [], `${r.method} ${r.path}`);
    });
  });
});

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
