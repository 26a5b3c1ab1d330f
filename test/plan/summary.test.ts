/**
 * The flat spec summary the bridge puts in the triggers: readable keys per kind, strings only, sorted,
 * derived from the spec (a change of it implies a change of the generation), no secret reference in it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Plan } from "../../lib";
import { TRIGGER_KEYS } from "../../lib/stack";
import { specSummary } from "../../lib/plan/summary";
import { addCluster, addGateway, MACHINE, stackWithAccount } from "../helpers/nutanix-fixtures";

function plan(workerReplicas: number, memoryGiB = 8): Plan {
  const { stack, pc } = stackWithAccount();
  addGateway(stack, pc, addCluster(stack, pc, "pcg-host", { workers: [{ name: "default", replicas: workerReplicas, machine: { ...MACHINE, memoryGiB } }] }));
  return stack.toPlan();
}

const byId = (p: Plan, id: string) => p.resources.find((r) => r.id === id)!;

test("summary: a node pool shows replicas, sizes, image, version, role and PE cluster", () => {
  assert.deepEqual(specSummary(byId(plan(2), "dc1/pcg-host/default")), {
    cluster_name: "pcg-host",
    gpus: "0",
    image: "ubuntu-2204-kube-v1.30.5",
    kubernetes_version: "1.30.5",
    memory_mib: "8192",
    pe_cluster: "PE-1",
    pool: "default",
    replicas: "2",
    role: "worker",
    subnets: "vm-net-20",
    system_disk_mib: "61440",
    vcpu_sockets: "2",
    vcpus: "4",
    vcpus_per_socket: "2",
  });
});

test("summary: a scale-up changes replicas and the generation only; a resize changes memory_mib", () => {
  const a = byId(plan(2), "dc1/pcg-host/default");
  const b = byId(plan(4), "dc1/pcg-host/default");
  const c = byId(plan(2, 16), "dc1/pcg-host/default");
  const changed = (x: Record<string, string>, y: Record<string, string>) => Object.keys(x).filter((k) => x[k] !== y[k]);
  assert.deepEqual(changed(specSummary(a), specSummary(b)), ["replicas"]);
  assert.notEqual(a.generation, b.generation);
  assert.deepEqual(changed(specSummary(a), specSummary(c)), ["memory_mib"]);
});

test("summary: every kind has one, strings only, keys sorted, none clashes with the fixed trigger keys", () => {
  const p = plan(1);
  assert.deepEqual([...new Set(p.resources.map((r) => r.kind))].sort(), ["KubeVipEndpoint", "NodePool", "NutanixCluster", "PrismCentralAccount", "PrivateCloudGateway"]);
  for (const r of p.resources) {
    const s = specSummary(r, TRIGGER_KEYS);
    assert.ok(Object.keys(s).length > 0, r.id);
    assert.deepEqual(Object.keys(s), Object.keys(s).sort(), r.id);
    for (const v of Object.values(s)) assert.equal(typeof v, "string");
  }
  assert.deepEqual(specSummary(byId(p, "dc1/pc")), { endpoint: "pc.example.com:9440", insecure: "false" });
  assert.equal(specSummary(byId(p, "dc1/pcg-host")).kubernetes_version, "1.30.5");
});

test("summary: no reference to a secret (env names, file paths) reaches it", () => {
  const text = JSON.stringify(plan(1).resources.map((r) => specSummary(r)));
  for (const ref of ["NUTANIX_USERNAME", "NUTANIX_PASSWORD", "PALETTE_API_KEY"]) assert.ok(!text.includes(ref), ref);
});

test("summary: a clash with a reserved key is reported as an internal error", () => {
  assert.throws(() => specSummary(byId(plan(1), "dc1/pcg-host/default"), ["replicas"]), /internal error: the summary key replicas of NodePool dc1\/pcg-host\/default clashes/);
});
