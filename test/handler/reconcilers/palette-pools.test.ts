/**
 * Day 2 of a PaletteCluster's machine pools against palette-emulator (loopback): a pool added to the plan is
 * POSTed to the cloud config, a pool dropped from it is DELETEd (terraform-provider-spectrocloud
 * `resourceClusterCustomCloudUpdate`: creates and updates first, deletes after); every request validates against
 * the spec; a re-apply writes nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PrismClient } from "../../../lib/prism/client";
import { createServices, type Services } from "../../../lib/handler/services";
import { Progress } from "../../../lib/handler/progress";
import { setPaletteClientOverrides, closePaletteConnections } from "../../../lib/handler/palette/session";
import { setPalettePolling } from "../../../lib/handler/reconcilers/palette-cluster";
import { planResource, applyResource } from "../../../lib/handler/reconcilers";
import type { Plan, PlanResource, ResourceOfKind } from "../../../lib/schema/plan";
import { withPalette, API_KEY, type PaletteHarness } from "../../helpers/palette";
import { PaletteSpec } from "../../helpers/palette-spec";
import { addPaletteCluster, paletteStack } from "../../helpers/palette-fixtures";

type ClusterSpec = ResourceOfKind<"PaletteCluster">["spec"];

function services(plan: Plan, url: string): Services {
  const client = new PrismClient({ endpoint: "https://127.0.0.1:1", username: "u", password: "p" });
  const s = createServices({ plan, client, login: { username: "u", password: "p" }, env: { PALETTE_API_KEY: API_KEY, PALETTE_ENDPOINT: url }, parallelism: 2, progress: new Progress({ line: () => undefined }), writable: true });
  setPaletteClientOverrides(s, { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 5 }, timeoutMs: 5000 });
  setPalettePolling(s, { intervalMs: 50, timeoutMs: 20_000 });
  return s;
}

/** The stack's plan with the PaletteCluster's spec edited. */
function planWith(edit: (spec: ClusterSpec) => ClusterSpec = (x) => x): Plan {
  const st = paletteStack();
  addPaletteCluster(st, "web", {});
  const plan = st.stack.toPlan();
  const res = plan.resources.map((r) => (r.kind === "PaletteCluster" ? { ...r, spec: edit(r.spec) } : r));
  return { ...plan, resources: res as PlanResource[] };
}

const cluster = (plan: Plan): PlanResource => plan.resources.find((r) => r.kind === "PaletteCluster")!;

async function createCluster(h: PaletteHarness): Promise<void> {
  const setup = h.client({ project: "Default" });
  const pcg = await setup.pcg.ensureSelfHosted("pcg");
  await setup.accounts.create({ name: "pcg", overlordUid: pcg.overlordUid, credentials: { NUTANIX_USER: "u", NUTANIX_PASSWORD: "p", NUTANIX_ENDPOINT: "pc.example.com", NUTANIX_PORT: "9440", NUTANIX_INSECURE: "false" } });
  setup.close();
  const plan = planWith();
  const s = services(plan, h.emu.url);
  const p = await planResource(s, cluster(plan));
  assert.deepEqual(p.diff.errors, []);
  await applyResource(s, cluster(plan), p);
  closePaletteConnections(s);
  await h.clearRequests();
}

/** The cloud config's pool names and sizes, read with a fresh client. */
async function livePools(h: PaletteHarness): Promise<Record<string, number>> {
  const c = h.client({ project: "Default" });
  try {
    const live = await c.clusters.findByName("web");
    const cfg = await c.cloudConfigs.get((await c.clusters.getWithoutStatus(live!.metadata!.uid!))!.spec!.cloudConfigRef!.uid!);
    return Object.fromEntries((cfg?.spec?.machinePoolConfig ?? []).map((p) => [p.name!, p.size ?? 0]));
  } finally {
    c.close();
  }
}

test("PaletteCluster day 2: a new pool is POSTed, a dropped pool DELETEd, creates before deletes; re-apply writes nothing", async () => {
  await withPalette(async (h) => {
    await createCluster(h);
    assert.deepEqual(await livePools(h), { "web-kcp": 3, "web-general": 2, "web-big": 1 });
    const changed = planWith((spec) => ({ ...spec, workers: [...spec.workers.filter((w) => w.name !== "big"), { ...spec.workers[0]!, name: "batch", replicas: 3 }] }));
    const s = services(changed, h.emu.url);
    const p = await planResource(s, cluster(changed));
    assert.deepEqual(p.diff.errors, []);
    assert.equal(p.diff.action, "update");
    assert.deepEqual(p.diff.changes.map((c) => c.field).sort(), ["machinePools.web-batch", "machinePools.web-big"]);
    assert.ok(p.diff.notes.some((n) => /add machine pool web-batch \(3 node/.test(n)));
    assert.ok(p.diff.notes.some((n) => /remove machine pool web-big/.test(n)));
    assert.ok((await h.requests()).every((r) => r.method === "GET" || r.path.endsWith("/search")), "plan only reads");
    const out = await applyResource(s, cluster(changed), p);
    assert.match(out.detail, /added web-batch \(3\), removed web-big; Running and Healthy/);
    closePaletteConnections(s);
    const writes = (await h.requests()).filter((r) => r.method !== "GET" && !r.path.endsWith("/search"));
    assert.deepEqual(writes.map((r) => `${r.method} ${r.path.replace(/\/cloudconfigs\/cloudTypes\/nutanix\/[^/]+/, "/cloudconfigs/cloudTypes/nutanix/{configUid}")}`), [
      "POST /v1/cloudconfigs/cloudTypes/nutanix/{configUid}/machinePools",
      "DELETE /v1/cloudconfigs/cloudTypes/nutanix/{configUid}/machinePools/web-big",
    ]);
    const spec = new PaletteSpec();
    for (const r of await h.requests()) {
      assert.deepEqual(spec.validateRequest({ ...r, query: r.query as Record<string, string>, headers: r.headers as Record<string, string> }), [], `${r.method} ${r.path}`);
      if (r.path.startsWith("/v1/cloudconfigs/")) assert.ok(Object.keys(r.headers).some((k) => k.toLowerCase() === "projectuid"), `${r.method} ${r.path} carries ProjectUid`);
    }
    assert.match(JSON.stringify(writes[0]!.body), /name: web-batch/);
    assert.deepEqual(await livePools(h), { "web-kcp": 3, "web-general": 2, "web-batch": 3 });

    await h.clearRequests();
    const s2 = services(changed, h.emu.url);
    const again = await planResource(s2, cluster(changed));
    assert.equal(again.diff.action, "no-change");
    assert.match((await applyResource(s2, cluster(changed), again)).detail, /no change/);
    assert.ok((await h.requests()).every((r) => r.method === "GET" || r.path.endsWith("/search")), "re-apply only reads");
    closePaletteConnections(s2);
  });
});

test("PaletteCluster machine change: the NutanixMachineTemplate is renamed (-0 → -1) and PUT; without --approve-repave apply fails saying it awaits approval; with it, approved", async () => {
  await withPalette(async (h) => {
    const spec = new PaletteSpec();
    await createCluster(h);
    const bigger = planWith((x) => ({ ...x, workers: x.workers.map((w) => (w.name === "general" ? { ...w, machine: { ...w.machine, memoryMiB: w.machine.memoryMiB * 2 } } : w)) }));
    const s = services(bigger, h.emu.url);
    const p = await planResource(s, cluster(bigger));
    assert.deepEqual(p.diff.errors, []);
    assert.deepEqual(p.diff.changes.map((c) => [c.field, c.from]), [["machinePools.web-general.machineTemplate", "web-general-mt-0"]]);
    assert.match(String(p.diff.changes[0]!.to), /^web-general-mt-1 \(a machine change/);
    assert.match(p.diff.notes.join("\n"), /Palette holds a repave until approved \(apply --approve-repave\)/);
    await assert.rejects(applyResource(s, cluster(bigger), p), /web-general: machine template web-general-mt-0→web-general-mt-1; the repave of Palette cluster \w+ awaits approval: run apply again with --approve-repave/);
    const puts = (await h.requests()).filter((r) => r.method === "PUT");
    assert.equal(puts.length, 1);
    assert.match(puts[0]!.path, /\/machinePools\/web-general$/);
    assert.match(JSON.stringify(puts[0]!.body), /name: web-general-mt-1/);
    assert.deepEqual(spec.validateRequest({ ...puts[0]! }), []);
    closePaletteConnections(s);

    // Again without the flag: no pool change (the renamed template is kept), still awaiting approval, non-zero.
    await h.clearRequests();
    const s2 = services(bigger, h.emu.url);
    const p2 = await planResource(s2, cluster(bigger));
    assert.deepEqual(p2.diff.changes, []);
    assert.match(p2.diff.notes.join("\n"), /a repave of cluster "web" awaits approval in Palette/);
    await assert.rejects(applyResource(s2, cluster(bigger), p2), /awaits approval/);
    assert.deepEqual((await h.requests()).filter((r) => r.method !== "GET" && !r.path.endsWith("/search")), []);
    closePaletteConnections(s2);

    // With --approve-repave: PATCH …/repave/approve, then Running and Healthy; then nothing to do.
    await h.clearRequests();
    const s3 = services(bigger, h.emu.url);
    s3.features.approveRepave = true;
    const p3 = await planResource(s3, cluster(bigger));
    assert.deepEqual(p3.diff.changes.map((c) => c.field), ["palette.repave"]);
    assert.match((await applyResource(s3, cluster(bigger), p3)).detail, /repave approved; Running and Healthy/);
    const approve = (await h.requests()).filter((r) => r.method === "PATCH");
    assert.equal(approve.length, 1);
    assert.match(approve[0]!.path, /^\/v1\/spectroclusters\/\w+\/repave\/approve$/);
    assert.deepEqual(spec.validateRequest({ ...approve[0]! }), []);
    const p4 = await planResource(s3, cluster(bigger));
    assert.equal(p4.diff.action, "no-change");
    closePaletteConnections(s3);
  });
});
