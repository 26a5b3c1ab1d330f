import { test } from "node:test";
import assert from "node:assert/strict";
import { Match, PlanTemplate } from "../../lib";
import { addCluster, MACHINE, stackWithAccount } from "../helpers/nutanix-fixtures";

function template(): PlanTemplate {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  c.addNodePool("gpu", { replicas: 1, machine: { ...MACHINE, gpus: [{ name: "Tesla T4" }] } });
  return PlanTemplate.fromStack(stack);
}

test("PlanTemplate: hasResource matches deep partial specs; arrays by element", () => {
  const t = template();
  t.hasResource("NodePool", { name: "gpu", machine: { gpus: [{ name: "Tesla T4" }], image: { name: "ubuntu-2204-kube-v1.30.5" } } });
  t.hasResource("NutanixCluster", { workers: ["dc1/c1/gpu"] });
  t.hasResource("NodePool", { name: "cp", autoscaling: Match.absent(), labels: Match.exact({}) });
  t.hasResource("KubeVipEndpoint", { address: Match.stringLikeRegexp(/^10\.20\./), subnet: Match.anyValue() });
});

test("PlanTemplate: a failed hasResource names the closest candidates and the differing fields", () => {
  const t = template();
  assert.throws(() => t.hasResource("NodePool", { name: "gpu", replicas: 3, machine: { memoryMiB: 8192 } }), (e: Error) => {
    const lines = e.message.split("\n");
    assert.equal(lines[0], "Expected a NodePool resource with a spec matching");
    assert.match(e.message, /none of the 3 NodePool resources matches\. Closest:/);
    assert.match(lines[3]!, /^ {2}dc1\/c1\/gpu \(2 of 3 fields match\)$/, e.message);
    assert.equal(lines[4], "      replicas: expected 3, got 1");
    return true;
  });
  assert.throws(() => t.hasResource("PrivateCloudGateway", { name: "x" }), /but the plan has no PrivateCloudGateway resources/);
});

test("PlanTemplate: resourceCountIs and findResources", () => {
  const t = template();
  t.resourceCountIs("NodePool", 3);
  assert.throws(() => t.resourceCountIs("NodePool", 2), /^Error: Expected 2 NodePool resources but found 3: dc1\/c1\/cp, dc1\/c1\/default, dc1\/c1\/gpu$/);
  assert.deepEqual(t.findResources("NodePool", { role: "worker" }).map((r) => r.id), ["dc1/c1/default", "dc1/c1/gpu"]);
  assert.equal(t.findResources("PrismCentralAccount").length, 1);
  assert.throws(() => t.getResource("dc1/nope"), /Expected a resource with id "dc1\/nope"; the plan has dc1\/c1/);
});

test("PlanTemplate: fromPlan checks the plan and toJSON round-trips", () => {
  const t = template();
  const again = PlanTemplate.fromPlan(t.toJSON());
  assert.deepEqual(again.toJSON(), t.toJSON());
  assert.throws(() => PlanTemplate.fromPlan({ kind: "Plan" }), /does not match the plan schema/);
});
