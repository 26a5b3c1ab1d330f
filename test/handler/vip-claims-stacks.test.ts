/**
 * kube-vip address claims across stacks, against one emulator on loopback: two plans (two stacks)
 * with the same VIP on the same subnet; the second is refused before any write with a message naming
 * the first; a re-apply writes nothing; destroy releases the claim; an address change moves it; a
 * renamed cluster of the same stack takes it over.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, destroyPlan, planDiff } from "../../lib/handler";
import { claimValue, parseClaimDescription, VIP_CLAIM_KEY } from "../../lib/handler/vip-claims";
import { stackIdentity } from "../../lib/handler/ownership";
import { APPLIED_CATEGORY_KEY, appliedValueName } from "../../lib/handler/applied";
import type { Counters } from "../../lib/emulator";
import type { EmulatorHarness } from "../helpers/emulator";
import { listVms, makePlan, stackVmNames, withTarget } from "./fixtures";

interface StateCategories {
  categories: Record<string, { values: Record<string, { description: string }> }>;
}

/** `{ value: description }` of every claim the emulator holds. */
async function claims(h: EmulatorHarness): Promise<Record<string, string>> {
  const state = await h.admin<StateCategories>("GET", "/state");
  const out: Record<string, string> = {};
  for (const [v, d] of Object.entries(state.categories[VIP_CLAIM_KEY]?.values ?? {})) out[v] = d.description;
  return out;
}

/**
 * A bound on every wait for a cluster's API or a Node (the handler's default is 20 min): a scenario that
 * waits for something nothing will serve fails in seconds, and withTarget's finally closes every server.
 */
const WAIT_BOUND = { nodeReadyTimeoutMs: 20_000 };

/** Every category value the emulator holds, as `key:value`, sorted. */
async function categoryValues(h: EmulatorHarness): Promise<string[]> {
  const state = await h.admin<StateCategories>("GET", "/state");
  return Object.entries(state.categories).flatMap(([k, c]) => Object.keys(c.values).map((v) => `${k}:${v}`)).sort();
}

/** The uuid of the seed subnet vm-net-20. */
async function subnetUuid(h: EmulatorHarness): Promise<string> {
  const c = h.client();
  try {
    return (await c.resolveSubnet({ name: "vm-net-20" })).uuid;
  } finally {
    c.close();
  }
}

test("a second stack claiming the same VIP on the same subnet is refused before any write, naming the owner", async () => {
  await withTarget({}, async ({ h, base: target }) => {
    const base = { ...target, ...WAIT_BOUND };
    const a = makePlan({ stack: "t1", cluster: "web", cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
    const b = makePlan({ stack: "t2", cluster: "api", cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
    // A claim names the stack identity <project>/<stack> (vip-claims.ts stackIdentity, ownership.ts).
    const t1 = stackIdentity(a);
    const ra = await applyPlan({ ...base, plan: a });
    assert.equal(ra.exitCode, 0, JSON.stringify(ra.resources, null, 2));
    const value = claimValue(await subnetUuid(h), "10.20.0.10");
    const held = await claims(h);
    assert.deepEqual(Object.keys(held), [value]);
    assert.deepEqual(parseClaimDescription(held[value]), { address: "10.20.0.10", subnet: await subnetUuid(h), stack: t1, resource: "t1/web/endpoint" });
    assert.ok(ra.resources.find((r) => r.id === "t1/web/endpoint")?.detail?.includes(`claimed ${VIP_CLAIM_KEY}:${value}`));

    // plan of the second stack: the error names the owner, zero writes.
    const pb = await planDiff({ ...base, plan: b });
    assert.equal(pb.api.writes, 0);
    const epDiff = pb.diffs.find((d) => d.id === "t2/api/endpoint")!;
    assert.ok(epDiff.errors.some((e) => e.includes(`claimed by stack "${t1}" (resource t1/web/endpoint)`)), JSON.stringify(epDiff.errors));

    // apply of the second stack: refused, nothing of it written (no VM, no claim, no ownership category).
    // The run writes t2/pc's applied generation (applied.ts: the account check succeeded), so it takes the
    // stack lock's Prism Central record (a PUT) and releases it (a DELETE): LOCK_WRITES.
    const LOCK_WRITES = 2;
    const s0 = await categoryValues(h);
    const c0 = await h.admin<Counters>("GET", "/counters");
    const rb = await applyPlan({ ...base, plan: b });
    const c1 = await h.admin<Counters>("GET", "/counters");
    assert.equal(rb.exitCode, 1);
    assert.equal(c1.writes - c0.writes, LOCK_WRITES + 1, "no write but the lock record and t2/pc's applied record");
    const s1 = await categoryValues(h);
    assert.deepEqual(s1.filter((v) => !s0.includes(v)), [`${APPLIED_CATEGORY_KEY}:${appliedValueName(stackIdentity(b), "t2/pc")}`], "the one new category value");
    assert.deepEqual(s0.filter((v) => !s1.includes(v)), [], "no category value removed");
    assert.equal(rb.api.writes, 1, "the run counts its one write: t2/pc's applied record (the lock has its own client)");
    const ep = rb.resources.find((r) => r.id === "t2/api/endpoint")!;
    assert.equal(ep.result, "failed");
    assert.ok((ep.error ?? "").includes(`is claimed by stack "${t1}" (resource t1/web/endpoint)`), ep.error);
    assert.match(ep.error ?? "", /the kube-vip address 10\.20\.0\.10 on subnet \S+ is claimed by stack "[^"]*\/t1" \(resource t1\/web\/endpoint\)/);
    const cluster = rb.resources.find((r) => r.id === "t2/api")!;
    assert.equal(cluster.result, "skipped");
    assert.match(cluster.error ?? "", /^cluster api not applied: t2\/api\/endpoint failed: .*claimed by stack "[^"]*\/t1"/);
    for (const pool of ["t2/api/cp", "t2/api/md"]) assert.notEqual(rb.resources.find((r) => r.id === pool)?.result, "ok");
    const vms = await listVms(h);
    assert.deepEqual(stackVmNames(vms, "t2"), []);
    assert.deepEqual(stackVmNames(vms, "t1"), ["web-cp-1", "web-md-1"], "the first stack is untouched");
    assert.equal((await claims(h))[value], held[value], "the claim still names the first stack");

    // Re-apply of the owner: no write.
    const again = await applyPlan({ ...base, plan: a });
    assert.equal(again.exitCode, 0);
    assert.equal(again.api.writes, 0);

    // A different address is free for the second stack.
    const b2 = makePlan({ stack: "t2", cluster: "api", cpReplicas: 1, workers: [{ name: "md", replicas: 1 }], vip: "10.20.0.11" });
    const rb2 = await applyPlan({ ...base, plan: b2 });
    assert.equal(rb2.exitCode, 0, JSON.stringify(rb2.resources, null, 2));
    assert.equal(Object.keys(await claims(h)).length, 2);

    // Destroying the first stack releases its claim (and only its claim); then the address is free.
    const da = await destroyPlan({ ...base, plan: a, yes: true });
    assert.equal(da.exitCode, 0, JSON.stringify(da.resources, null, 2));
    assert.ok(da.resources.find((r) => r.id === "t1/web/endpoint")?.detail?.includes(`released ${VIP_CLAIM_KEY}:${value}`));
    const left = await claims(h);
    assert.equal(left[value], undefined);
    assert.equal(parseClaimDescription(Object.values(left)[0])?.stack, stackIdentity(b2));
    const b3 = makePlan({ stack: "t3", cluster: "db", cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
    const rb3 = await applyPlan({ ...base, plan: b3 });
    assert.equal(rb3.exitCode, 0, JSON.stringify(rb3.resources, null, 2));
    assert.equal(parseClaimDescription((await claims(h))[value])?.stack, stackIdentity(b3));
  });
});

test("destroy --resource of the endpoint releases its claim; an address change moves the claim; a renamed cluster takes it over", async () => {
  await withTarget({}, async ({ h, base: target }) => {
    const base = { ...target, ...WAIT_BOUND };
    const subnet = await subnetUuid(h);
    const small = { cpReplicas: 1 as const, workers: [{ name: "md", replicas: 1 }] };
    // The endpoint alone (as the Terraform bridge applies one resource), before any VM: once the cluster's VMs
    // are built with an address, a change of it is refused (kube/endpoint-guard.test.ts).
    assert.equal((await applyPlan({ ...base, plan: makePlan(small), resource: "t1/web/endpoint" })).exitCode, 0);
    const v10 = claimValue(subnet, "10.20.0.10");
    const v11 = claimValue(subnet, "10.20.0.11");
    assert.deepEqual(Object.keys(await claims(h)), [v10]);

    const moved = makePlan({ ...small, vip: "10.20.0.11" });
    const p = await planDiff({ ...base, plan: moved });
    const ep = p.diffs.find((d) => d.id === "t1/web/endpoint")!;
    assert.deepEqual(ep.changes.map((c) => c.field).sort(), [`claim ${VIP_CLAIM_KEY}:${v10}`, `claim ${VIP_CLAIM_KEY}:${v11}`].sort());
    const rm = await applyPlan({ ...base, plan: moved, resource: "t1/web/endpoint" });
    assert.equal(rm.exitCode, 0, JSON.stringify(rm.resources, null, 2));
    assert.deepEqual(Object.keys(await claims(h)), [v11], "the old address is released");

    // The cluster renamed within the same stack: the new endpoint takes the claim over.
    const renamed = makePlan({ ...small, vip: "10.20.0.11", cluster: "web2" });
    const rr = await applyPlan({ ...base, plan: renamed });
    assert.equal(rr.exitCode, 0, JSON.stringify(rr.resources, null, 2));
    assert.match(rr.resources.find((r) => r.id === "t1/web2/endpoint")?.detail ?? "", /taken over from t1\/web\/endpoint/);
    assert.equal(parseClaimDescription((await claims(h))[v11])?.resource, "t1/web2/endpoint");

    const d = await destroyPlan({ ...base, plan: renamed, resource: "t1/web2/endpoint" });
    assert.equal(d.exitCode, 0, JSON.stringify(d.resources, null, 2));
    assert.deepEqual(await claims(h), {});
    const again = await destroyPlan({ ...base, plan: renamed, resource: "t1/web2/endpoint" });
    assert.equal(again.exitCode, 0);
    assert.match(again.resources[0]?.detail ?? "", /no kube-vip claim to release/);
  });
});

test("a cluster removed from the plan: apply's prune releases its claim; destroy --resource after an edit releases it too", async () => {
  await withTarget({}, async ({ h, base: target }) => {
    const base = { ...target, ...WAIT_BOUND };
    const subnet = await subnetUuid(h);
    const small = { cpReplicas: 1 as const, workers: [{ name: "md", replicas: 1 }] };
    assert.equal((await applyPlan({ ...base, plan: makePlan(small) })).exitCode, 0);
    const other = makePlan({ ...small, cluster: "db", vip: "10.20.0.11" });
    const r = await applyPlan({ ...base, plan: other });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const row = r.resources.find((x) => x.id === "t1/web/endpoint");
    assert.equal(row?.action, "prune");
    assert.match(row?.detail ?? "", new RegExp(`released kube-vip claim ${VIP_CLAIM_KEY}:${claimValue(subnet, "10.20.0.10")}`));
    assert.deepEqual(Object.keys(await claims(h)), [claimValue(subnet, "10.20.0.11")]);

    // Destroy after an edit: the plan no longer holds t1/db/endpoint, the claim still goes.
    const edited = makePlan({ ...small, cluster: "cache", vip: "10.20.0.12" });
    const d = await destroyPlan({ ...base, plan: edited, resource: "t1/db/endpoint" });
    assert.equal(d.exitCode, 0, JSON.stringify(d.resources, null, 2));
    assert.match(d.resources.find((x) => x.id === "t1/db/endpoint")?.detail ?? "", /released kube-vip claim/);
    assert.deepEqual(await claims(h), {});
  });
});
