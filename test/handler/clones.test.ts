/**
 * Clones (issue 12, item 5): a VM that carries a pool's categories and description but another uuid than
 * the one its description names is a copy: left out of the pool, reported, never modified or deleted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cloneSourceOf, originUuidOf, withOriginMarker } from "../../lib/handler/clones";
import { applyPlan, destroyPlan } from "../../lib/handler";
import { listVms, makePlan, withTarget } from "./fixtures";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";

test("the origin marker: the VM's own uuid marks an original, another uuid a copy, none a VM made before the marker", () => {
  const d = withOriginMarker("Managed by nutanix-palette-cdk; stack=t1", U1);
  assert.equal(d, `Managed by nutanix-palette-cdk; stack=t1 vm=${U1}`);
  assert.equal(withOriginMarker(d, U2), `Managed by nutanix-palette-cdk; stack=t1 vm=${U2}`, "re-marking replaces");
  assert.equal(originUuidOf({ spec: { name: "x", description: d, resources: {} } }), U1);
  assert.equal(cloneSourceOf({ spec: { name: "x", description: d, resources: {} }, metadata: { kind: "vm", uuid: U1 } }), undefined);
  assert.equal(cloneSourceOf({ spec: { name: "x", description: d, resources: {} }, metadata: { kind: "vm", uuid: U2 } }), U1);
  assert.equal(cloneSourceOf({ spec: { name: "x", description: "Managed by nutanix-palette-cdk", resources: {} }, metadata: { kind: "vm", uuid: U2 } }), undefined);
});

test("a clone of a pool VM (same categories and description, same or another name) is reported and survives re-apply, scale down and destroy", async () => {
  await withTarget({}, async ({ h, base }) => {
    assert.equal((await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 2 }] }) })).exitCode, 0);
    const src = (await listVms(h)).find((v) => v.spec.name === "web-md-2")!;
    assert.equal(originUuidOf(src), src.metadata.uuid, "a created VM carries its own (reserved) uuid");
    const c = h.client();
    // As a Prism clone: the source's spec and categories, a new uuid, a new address on the same subnet.
    const cloneBody = (name: string) => {
      const spec = { ...structuredClone(src.spec), name };
      for (const nic of spec.resources.nic_list ?? []) delete (nic as { ip_endpoint_list?: unknown }).ip_endpoint_list;
      return { spec, metadata: { kind: "vm", categories: { ...src.metadata.categories } } };
    };
    const a = await c.createVm(cloneBody("web-md-2"));
    const b = await c.createVm(cloneBody("web-md-7"));
    await c.waitForTasks([a.taskUuid, b.taskUuid]);
    c.close();
    const lines: string[] = [];
    const down = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), log: (l) => lines.push(l) });
    assert.equal(down.exitCode, 0, JSON.stringify(down.resources, null, 2));
    let vms = await listVms(h);
    assert.ok(!vms.some((v) => v.metadata.uuid === src.metadata.uuid), "the original web-md-2 went with the scale down");
    for (const u of [a.uuid, b.uuid]) assert.ok(vms.some((v) => v.metadata.uuid === u), `clone ${u} kept`);
    assert.ok(lines.some((l) => l.includes(a.uuid) && l.includes("is a copy of VM") && l.includes("never modified or deleted")), lines.join("\n"));
    const versions = Object.fromEntries(vms.filter((v) => v.metadata.uuid === a.uuid || v.metadata.uuid === b.uuid).map((v) => [v.metadata.uuid, v.metadata.spec_version]));
    assert.equal((await destroyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), yes: true })).exitCode, 0);
    vms = await listVms(h);
    assert.deepEqual(vms.filter((v) => v.metadata.categories?.NpcStack === "t1").map((v) => v.metadata.uuid).sort(), [a.uuid, b.uuid].sort(), "only the clones are left");
    for (const v of vms.filter((x) => x.metadata.uuid === a.uuid || x.metadata.uuid === b.uuid)) assert.equal(v.metadata.spec_version, versions[v.metadata.uuid!], "clones never modified");
  });
});
