/**
 * CAPX templates that roll: Cluster API treats NutanixMachineTemplates and KubeadmConfigTemplates as
 * immutable, so a changed template must be a new object the KubeadmControlPlane / MachineDeployment is
 * pointed at (cluster-api book, "Changing infrastructure machine templates"). The names carry a hash
 * of the template's spec: the same spec gives the same name, a changed spec a new one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { capxManifests, type KubeObject } from "../../lib/render";
import { specHash, templateName } from "../../lib/render/capx";
import type { Plan } from "../../lib/schema/plan";
import { generationOf } from "../../lib/plan/canonical";
import { PLAN } from "./fixtures";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = KubeObject & { spec: any };

const ID = "dc1/pcg-host";

/** `{ kind/prefix: name }` of every template (prefix = name without its hash). */
function templateNames(plan: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of capxManifests(plan, ID)) {
    if (o.kind !== "NutanixMachineTemplate" && o.kind !== "KubeadmConfigTemplate") continue;
    const m = /^(.*)-([0-9a-f]{8})$/.exec(o.metadata.name);
    assert.ok(m, `${o.kind} ${o.metadata.name} ends in 8 hex`);
    out[`${o.kind}/${m[1]}`] = o.metadata.name;
  }
  return out;
}

/** A copy of PLAN with pool `id`'s spec changed by `edit` (generation recomputed). */
function editPool(id: string, edit: (spec: any) => void): Plan {
  const plan = structuredClone(PLAN);
  const r = plan.resources.find((x) => x.id === id)!;
  edit(r.spec);
  r.generation = generationOf(r.spec);
  return plan;
}

/** What the KCP and each MachineDeployment point at. */
function references(plan: Plan): { kcp: string; md: Record<string, { machine: string; bootstrap: string }> } {
  const objs = capxManifests(plan, ID) as Obj[];
  const kcp = objs.find((o) => o.kind === "KubeadmControlPlane")!.spec.machineTemplate.infrastructureRef.name as string;
  const md: Record<string, { machine: string; bootstrap: string }> = {};
  for (const o of objs.filter((x) => x.kind === "MachineDeployment")) {
    md[o.metadata.name] = { machine: o.spec.template.spec.infrastructureRef.name, bootstrap: o.spec.template.spec.bootstrap.configRef.name };
  }
  return { kcp, md };
}

describe("CAPX template names carry a hash of their spec", () => {
  it("names each template <prefix>-<8 hex of the SHA-256 of its canonical spec>", () => {
    const objs = capxManifests(PLAN, ID) as Obj[];
    const nmt = objs.find((o) => o.kind === "NutanixMachineTemplate")!;
    assert.equal(nmt.metadata.name, templateName("pcg-host-cp", nmt.spec));
    assert.equal(nmt.metadata.name, `pcg-host-cp-${generationOf(nmt.spec).slice(0, 8)}`);
    assert.equal(specHash({ b: 1, a: [2] }), specHash({ a: [2], b: 1 }), "key order does not matter");
    assert.notEqual(specHash({ a: 1 }), specHash({ a: 2 }));
    assert.deepEqual(Object.keys(templateNames(PLAN)).sort(), [
      "KubeadmConfigTemplate/pcg-host-default-kcfg",
      "KubeadmConfigTemplate/pcg-host-gpu-kcfg",
      "NutanixMachineTemplate/pcg-host-cp",
      "NutanixMachineTemplate/pcg-host-default-mt",
      "NutanixMachineTemplate/pcg-host-gpu-mt",
    ]);
  });

  it("is deterministic: the same plan gives the same names, whatever the key order of its specs", () => {
    const reordered = structuredClone(PLAN);
    for (const r of reordered.resources) (r as { spec: unknown }).spec = Object.fromEntries(Object.entries(r.spec).reverse());
    assert.deepEqual(templateNames(reordered), templateNames(PLAN));
    assert.deepEqual(templateNames(structuredClone(PLAN)), templateNames(PLAN));
  });

  it("a control-plane image change gives a new control-plane template that the KubeadmControlPlane points at; nothing else changes", () => {
    const before = templateNames(PLAN);
    const plan = editPool("dc1/pcg-host/cp", (s) => (s.machine.image = { name: "ubuntu-2204-kube-v1.30.6" }));
    const after = templateNames(plan);
    const key = "NutanixMachineTemplate/pcg-host-cp";
    assert.notEqual(after[key], before[key]);
    assert.equal(references(plan).kcp, after[key]);
    assert.equal(references(PLAN).kcp, before[key]);
    for (const k of Object.keys(before)) if (k !== key) assert.equal(after[k], before[k], k);
    assert.deepEqual(references(plan).md, references(PLAN).md, "worker MachineDeployments do not roll");
  });

  it("a worker machine change gives a new NutanixMachineTemplate that its MachineDeployment points at", () => {
    const before = references(PLAN);
    const plan = editPool("dc1/pcg-host/default", (s) => (s.machine.memoryMiB = s.machine.memoryMiB * 2));
    const after = references(plan);
    assert.notEqual(after.md["pcg-host-default"]!.machine, before.md["pcg-host-default"]!.machine);
    assert.equal(after.md["pcg-host-default"]!.bootstrap, before.md["pcg-host-default"]!.bootstrap, "the bootstrap template is unchanged");
    assert.deepEqual(after.md["pcg-host-gpu"], before.md["pcg-host-gpu"], "the other pool does not roll");
    assert.equal(after.kcp, before.kcp);
    const names = new Set(capxManifests(plan, ID).map((o) => o.metadata.name));
    assert.ok(names.has(after.md["pcg-host-default"]!.machine), "the referenced template is in the export");
  });

  it("a worker label change gives a new KubeadmConfigTemplate that its MachineDeployment points at", () => {
    const before = references(PLAN);
    const plan = editPool("dc1/pcg-host/default", (s) => (s.labels = { ...s.labels, "example.com/tier": "web" }));
    const after = references(plan);
    assert.notEqual(after.md["pcg-host-default"]!.bootstrap, before.md["pcg-host-default"]!.bootstrap);
    assert.equal(after.md["pcg-host-default"]!.machine, before.md["pcg-host-default"]!.machine);
  });

  it("a replica change rolls nothing: template names stay", () => {
    const plan = editPool("dc1/pcg-host/default", (s) => (s.replicas = 5));
    assert.deepEqual(templateNames(plan), templateNames(PLAN));
    assert.deepEqual(references(plan), references(PLAN));
  });

  it("v1beta1 and v1beta2 bootstrap templates have different names (different objects), machine templates the same", () => {
    const b1 = capxManifests(PLAN, ID, { clusterApiVersion: "v1beta1" });
    const b2 = capxManifests(PLAN, ID, { clusterApiVersion: "v1beta2" });
    const name = (objs: KubeObject[], kind: string, prefix: string) => objs.find((o) => o.kind === kind && o.metadata.name.startsWith(prefix))!.metadata.name;
    assert.notEqual(name(b1, "KubeadmConfigTemplate", "pcg-host-default-kcfg-"), name(b2, "KubeadmConfigTemplate", "pcg-host-default-kcfg-"));
    assert.equal(name(b1, "NutanixMachineTemplate", "pcg-host-cp-"), name(b2, "NutanixMachineTemplate", "pcg-host-cp-"));
  });
});
