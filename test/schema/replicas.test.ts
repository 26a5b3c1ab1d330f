import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NutanixClusterPropsSchema } from "../../lib/schema/cluster";
import { NodePoolPropsSchema } from "../../lib/schema/node-pool";
import { ControlPlaneReplicas, replicaIssues, Replicas, type PoolReplicas, type ReplicaIssue } from "../../lib/schema/replicas";
import { issuesFromZod } from "../../lib/schema/validation";
import { expectSchemaCases } from "./table";

expectSchemaCases("Replicas", Replicas, [{ name: "0", input: 0 }, { name: "7", input: 7 }], [
  { name: "-1", input: -1, message: /replicas ≥ 0, got -1/ },
  { name: "a fraction", input: 1.5, message: /whole number/ },
  { name: "a string", input: "3", message: /whole number/ },
]);
expectSchemaCases("ControlPlaneReplicas", ControlPlaneReplicas, [{ name: "1", input: 1 }, { name: "3", input: 3 }, { name: "5", input: 5 }], [
  { name: "2", input: 2, message: /1, 3 or 5 control-plane replicas.*got 2/ },
  { name: "7", input: 7, message: /1, 3 or 5/ },
  { name: "0", input: 0, message: /1, 3 or 5/ },
]);

describe("replicaIssues", () => {
  const cases: { name: string; pool: PoolReplicas; want: ReplicaIssue["field"][] }[] = [
    { name: "a worker pool without autoscaling", pool: { replicas: 0 }, want: [] },
    { name: "a worker pool inside its bounds", pool: { role: "worker", replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } }, want: [] },
    { name: "a worker pool at its bounds", pool: { replicas: 3, autoscaling: { minReplicas: 3, maxReplicas: 3 } }, want: [] },
    { name: "a worker pool above its maximum", pool: { replicas: 4, autoscaling: { minReplicas: 1, maxReplicas: 3 } }, want: ["autoscaling"] },
    { name: "a worker pool below its minimum", pool: { replicas: 0, autoscaling: { minReplicas: 1, maxReplicas: 3 } }, want: ["autoscaling"] },
    { name: "a 3-node control plane", pool: { role: "control-plane", replicas: 3 }, want: [] },
    { name: "a 4-node control plane", pool: { role: "control-plane", replicas: 4 }, want: ["replicas"] },
    { name: "an autoscaled control plane", pool: { role: "control-plane", replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 1 } }, want: ["autoscaling"] },
    { name: "an even, autoscaled control plane out of bounds", pool: { role: "control-plane", replicas: 2, autoscaling: { minReplicas: 3, maxReplicas: 5 } }, want: ["replicas", "autoscaling", "autoscaling"] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(replicaIssues(c.pool).map((i) => i.field), c.want));
  }
});

describe("one rule for cluster pools and node pools", () => {
  const machine = { image: "img", cluster: "PE-1", subnets: ["net"] };
  const outOfBounds = { replicas: 9, autoscaling: { minReplicas: 1, maxReplicas: 5 } };

  it("reports a worker pool of cluster props outside its autoscaling bounds like a NodePool", () => {
    const cluster = NutanixClusterPropsSchema.safeParse({
      name: "c1",
      kubernetesVersion: "1.30.5",
      endpoint: { address: "10.20.0.10" },
      controlPlane: { machine },
      workers: [{ name: "w", machine, ...outOfBounds }],
    });
    const pool = NodePoolPropsSchema.safeParse({ name: "w", machine, ...outOfBounds });
    assert.ok(!cluster.success && !pool.success);
    const fromCluster = issuesFromZod("dc1/c1", cluster.error);
    const fromPool = issuesFromZod("dc1/c1/w", pool.error);
    assert.deepEqual(fromCluster, [{ path: "dc1/c1", field: "workers[0].autoscaling", message: "expected minReplicas ≤ replicas ≤ maxReplicas, got 1 ≤ 9 ≤ 5" }]);
    assert.deepEqual(fromPool, [{ path: "dc1/c1/w", field: "autoscaling", message: fromCluster[0]?.message }]);
  });
});
