/**
 * The plan index: resources by id and by kind, in plan order, and a PlanReferenceError naming who refers
 * to a missing resource.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PlanIndex } from "../../lib/handler/plan-index";
import { PlanReferenceError } from "../../lib/handler/errors";
import { makePlan } from "./fixtures";

test("PlanIndex: by kind in plan order, by id, and typed lookups", () => {
  const plan = makePlan({ workers: [{ name: "md", replicas: 2 }, { name: "big", replicas: 1 }] });
  const ix = new PlanIndex(plan);
  assert.equal(ix.stack, "t1");
  const pools = ix.ofKind("NodePool");
  assert.deepEqual(pools.map((p) => p.id), plan.resources.filter((r) => r.kind === "NodePool").map((r) => r.id));
  assert.ok(pools.every((p) => p.spec.replicas >= 1), "typed as NodePool resources");
  assert.deepEqual(ix.ofKind("PrivateCloudGateway"), []);
  assert.deepEqual(ix.ofKinds(["NodePool", "KubeVipEndpoint"]).map((r) => r.id), plan.resources.filter((r) => r.kind === "NodePool" || r.kind === "KubeVipEndpoint").map((r) => r.id));
  assert.equal(ix.get("t1/web/md")?.kind, "NodePool");
  assert.equal(ix.find("t1/web/md", "NutanixCluster"), undefined, "wrong kind: not found");
  assert.equal(ix.require("t1/web", "NutanixCluster", "t1/web/md").spec.name, "web");
  assert.throws(
    () => ix.require("t1/nope", "NutanixCluster", "t1/web/md"),
    (e: unknown) => e instanceof PlanReferenceError && e.message === "t1/web/md refers to NutanixCluster t1/nope, which is not in the plan",
  );
});
