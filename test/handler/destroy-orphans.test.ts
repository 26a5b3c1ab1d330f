/**
 * `destroy --resource R` also deletes the stack identity's orphans (VMs under resource ids the plan no
 * longer holds: a pool removed from the program before `cdktf destroy`), as apply's prune does: which
 * destroy is in charge of which orphan (`orphanDeletedBy`), other identities' VMs and clones untouched, a
 * second run a no-op with zero writes, parallel destroys meeting at one orphan, and `--no-prune`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, destroyPlan, destroyPreview, planDiff } from "../../lib/handler";
import { parseCli } from "../../lib/handler/cli";
import { orphanDeletedBy } from "../../lib/handler/destroy";
import { HandlerInputError } from "../../lib/handler/errors";
import type { Counters } from "../../lib/emulator";
import type { EmulatorHarness } from "../helpers/emulator";
import { listVms, makePlan, unownedVersions, withTarget } from "./fixtures";

const seedUnowned = { "legacy-db-01": 0, "pcg-host-default-1": 0 };

test("orphanDeletedBy: an orphan of no cluster in the plan goes with any destroy; one of a cluster in the plan only with that cluster's destroy", () => {
  const table: Array<[{ id: string; kind: string }, string | undefined, boolean]> = [
    [{ id: "t1/pc", kind: "PrismCentralAccount" }, undefined, true],
    [{ id: "t1/web/md", kind: "NodePool" }, undefined, true],
    [{ id: "t1/web", kind: "NutanixCluster" }, undefined, true],
    [{ id: "t1/web", kind: "NutanixCluster" }, "t1/web", true],
    [{ id: "t1/api", kind: "NutanixCluster" }, "t1/web", false],
    [{ id: "t1/web/md", kind: "NodePool" }, "t1/web", false],
    [{ id: "t1/web/endpoint", kind: "KubeVipEndpoint" }, "t1/web", false],
    [{ id: "t1/pc", kind: "PrismCentralAccount" }, "t1/web", false],
  ];
  for (const [destroying, cluster, want] of table) assert.equal(orphanDeletedBy(destroying as Parameters<typeof orphanDeletedBy>[0], cluster), want, `${destroying.id} / orphan of ${cluster ?? "no cluster in the plan"}`);
});

const names = (vms: Awaited<ReturnType<typeof listVms>>, prefix: string): string[] => vms.map((v) => v.spec.name).filter((n) => n.startsWith(prefix)).sort();

/** A copy of `name` as Prism's clone makes it: the source's spec, categories and description, a new uuid and name. */
async function cloneOf(h: EmulatorHarness, name: string, cloneName: string): Promise<string> {
  const src = (await listVms(h)).find((v) => v.spec.name === name)!;
  const spec = { ...structuredClone(src.spec), name: cloneName };
  for (const nic of spec.resources.nic_list ?? []) delete (nic as { ip_endpoint_list?: unknown }).ip_endpoint_list;
  const c = h.client();
  try {
    const made = await c.createVm({ spec, metadata: { kind: "vm", categories: { ...src.metadata.categories } } });
    await c.waitForTasks([made.taskUuid]);
    return made.uuid;
  } finally {
    c.close();
  }
}

const deletes = async (h: EmulatorHarness): Promise<number> => (await h.admin<Counters>("GET", "/counters")).byRoute["DELETE /vms/{uuid}"] ?? 0;

test("destroy --resource after a pool left the plan: the cluster's destroy deletes the removed pool's VMs; other identities' VMs and clones stay; a second run writes nothing", async () => {
  await withTarget({}, async ({ h, base }) => {
    const two = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }, { name: "big", replicas: 2 }] });
    assert.equal((await applyPlan({ ...base, plan: two })).exitCode, 0);
    // Another program's stack t1 (project other) beside it, with a pool of the same resource id t1/web/big.
    const other = makePlan({ project: "other", cluster: "api", vip: "10.20.0.11", cpReplicas: 1, workers: [{ name: "big", replicas: 1 }] });
    assert.equal((await applyPlan({ ...base, plan: other })).exitCode, 0);
    const bigClone = await cloneOf(h, "web-big-1", "web-big-copy");
    const before = await listVms(h);
    const otherVersions = Object.fromEntries(before.filter((v) => v.spec.name.startsWith("api-")).map((v) => [v.metadata.uuid, v.metadata.spec_version]));
    assert.deepEqual(names(before, "api-"), ["api-big-1", "api-cp-1"]);

    // The program without pool big, then destroyed resource by resource as Terraform would (the cluster first).
    const one = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
    const p = await planDiff({ ...base, plan: one });
    assert.deepEqual(p.diffs.find((d) => d.id === "t1/web/big")?.vms.map((v) => `${v.op} ${v.name}`), ["delete web-big-1", "delete web-big-2"], "plan shows the orphan deletes");
    // What destroy of the whole stack lists before its prompt names them too (and not the clone, nor the other identity's).
    const preview = await destroyPreview({ ...base, plan: one });
    assert.deepEqual(preview.resources.find((r) => r.id === "t1/web/big"), { id: "t1/web/big", kind: "(not in the plan)", vms: ["web-big-1", "web-big-2"] });
    assert.ok(!preview.text.includes("web-big-copy") && !preview.text.includes("api-"), preview.text);

    // A pool's destroy leaves the orphan of its (still planned) cluster to the cluster's destroy.
    const md = await destroyPlan({ ...base, plan: one, resource: "t1/web/md" });
    assert.equal(md.exitCode, 0, JSON.stringify(md.resources, null, 2));
    assert.deepEqual(names(await listVms(h), "web-"), ["web-big-1", "web-big-2", "web-big-copy", "web-cp-1"]);

    const lines: string[] = [];
    const web = await destroyPlan({ ...base, plan: one, resource: "t1/web", log: (l) => lines.push(l) });
    assert.equal(web.exitCode, 0, JSON.stringify(web.resources, null, 2));
    const row = web.resources.find((r) => r.id === "t1/web/big")!;
    assert.equal(row.action, "prune");
    assert.deepEqual([...(row.deleted ?? [])].sort(), ["web-big-1", "web-big-2"]);
    assert.ok(lines.some((l) => l.includes("also deleting 2 VM(s) of t1/web/big, no longer in the plan (web-big-1, web-big-2)")), lines.join("\n"));
    let vms = await listVms(h);
    assert.deepEqual(names(vms, "web-"), ["web-big-copy", "web-cp-1"], "the orphans went; the clone and the planned cp stay");
    assert.ok(vms.some((v) => v.metadata.uuid === bigClone && v.metadata.spec_version === 0), "the clone untouched");
    assert.deepEqual(names(vms, "api-"), ["api-big-1", "api-cp-1"], "the other identity's VMs stay");
    for (const v of vms.filter((x) => x.spec.name.startsWith("api-"))) assert.equal(v.metadata.spec_version, otherVersions[v.metadata.uuid!], `${v.spec.name} untouched`);

    // Run twice: nothing left to do, not even the lock record.
    const c0 = await h.admin<Counters>("GET", "/counters");
    const again = await destroyPlan({ ...base, plan: one, resource: "t1/web" });
    assert.equal(again.exitCode, 0, JSON.stringify(again.resources, null, 2));
    const c1 = await h.admin<Counters>("GET", "/counters");
    assert.equal(c1.writes, c0.writes, "a second destroy writes nothing");
    assert.equal(again.resources.filter((r) => r.action === "prune").length, 0);

    for (const r of ["t1/web/cp", "t1/web/endpoint", "t1/pc"]) assert.equal((await destroyPlan({ ...base, plan: one, resource: r })).exitCode, 0, r);
    vms = await listVms(h);
    assert.deepEqual(names(vms, "web-"), ["web-big-copy"]);
    assert.deepEqual(names(vms, "api-"), ["api-big-1", "api-cp-1"]);
    assert.deepEqual(unownedVersions(vms), seedUnowned);
  });
});

test("destroy --resource of a plan whose cluster left it: every destroy deletes the orphans, in parallel too; --no-prune keeps them", async () => {
  await withTarget({}, async ({ h, base }) => {
    const web = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 2 }] });
    assert.equal((await applyPlan({ ...base, plan: web })).exitCode, 0);
    // The program now holds another cluster only: web (its cluster, pools and endpoint) is an orphan.
    const api = makePlan({ cluster: "api", vip: "10.20.0.11", cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });

    const kept = await destroyPlan({ ...base, plan: api, resource: "t1/pc", prune: false });
    assert.equal(kept.exitCode, 0);
    assert.deepEqual(names(await listVms(h), "web-"), ["web-cp-1", "web-md-1", "web-md-2"], "--no-prune keeps them");

    // Two destroys of the same plan at once (as cdktf destroy runs them) meet at the same orphans.
    const d0 = await deletes(h);
    const [a, b] = await Promise.all([destroyPlan({ ...base, plan: api, resource: "t1/api/md" }), destroyPlan({ ...base, plan: api, resource: "t1/api/cp" })]);
    assert.equal(a.exitCode, 0, JSON.stringify(a.resources, null, 2));
    assert.equal(b.exitCode, 0, JSON.stringify(b.resources, null, 2));
    const vms = await listVms(h);
    assert.deepEqual(names(vms, "web-"), [], "the removed cluster's VMs are gone");
    assert.ok((await deletes(h)) - d0 >= 3, "the three VMs were deleted");
    assert.deepEqual(unownedVersions(vms), seedUnowned);
    // The removed cluster's kube-vip claim went with it.
    const c = h.client();
    try {
      const claims = await c.listCategoryValues("NpcVip").catch(() => []);
      assert.ok(!claims.some((v) => (v.description ?? "").includes("t1/web")), JSON.stringify(claims));
    } finally {
      c.close();
    }
  });
});

test("CLI: destroy --resource --no-prune turns orphan deletion off; destroy --no-prune of the whole stack is refused", () => {
  const p = parseCli(["destroy", "--plan", "p.json", "--resource", "t1/web", "--no-prune"]);
  assert.ok(!p.help && p.options.prune === false);
  const d = parseCli(["destroy", "--plan", "p.json", "--resource", "t1/web"]);
  assert.ok(!d.help && d.options.prune === undefined, "destroy's default (prune on) is left to the API");
  assert.throws(() => parseCli(["destroy", "--plan", "p.json", "--yes", "--no-prune"]), (e: unknown) => e instanceof HandlerInputError && /--no-prune is for destroy --resource only/.test(e.message));
  assert.throws(() => parseCli(["status", "--plan", "p.json", "--no-prune"]), HandlerInputError);
});
