/**
 * The Palette reconcilers against palette-emulator (loopback): the account's key and project check, and a
 * cluster's create, idempotent re-apply (only GETs and read-only POSTs), scale and destroy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PrismClient } from "../../../lib/prism/client";
import { createServices, type Services } from "../../../lib/handler/services";
import { Progress } from "../../../lib/handler/progress";
import { setPaletteClientOverrides, closePaletteConnections } from "../../../lib/handler/palette/session";
import { setPalettePolling } from "../../../lib/handler/reconcilers/palette-cluster";
import { planResource, applyResource, destroyLocally } from "../../../lib/handler/reconcilers";
import type { Plan, PlanResource } from "../../../lib/schema/plan";
import { withPalette, API_KEY } from "../../helpers/palette";
import { PaletteSpec } from "../../helpers/palette-spec";
import { addPaletteCluster, paletteStack } from "../../helpers/palette-fixtures";

function services(plan: Plan, url: string): Services {
  const client = new PrismClient({ endpoint: "https://127.0.0.1:1", username: "u", password: "p" });
  const s = createServices({ plan, client, login: { username: "u", password: "p" }, env: { PALETTE_API_KEY: API_KEY, PALETTE_ENDPOINT: url }, parallelism: 2, progress: new Progress({ line: () => undefined }), writable: true });
  setPaletteClientOverrides(s, { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 5 }, timeoutMs: 5000 });
  setPalettePolling(s, { intervalMs: 50, timeoutMs: 20_000 });
  return s;
}

function planOf(replicas = 2): Plan {
  const st = paletteStack();
  addPaletteCluster(st, "web", {});
  const plan = st.stack.toPlan();
  const res = plan.resources.map((r) => (r.kind === "PaletteCluster" ? { ...r, spec: { ...r.spec, workers: r.spec.workers.map((w) => (w.name === "general" ? { ...w, replicas } : w)) } } : r));
  return { ...plan, resources: res as PlanResource[] };
}

const only = (plan: Plan, kind: string): PlanResource => plan.resources.find((r) => r.kind === kind)!;

test("PaletteAccount: plan checks the key and resolves the project; a wrong key is an error naming the resource", async () => {
  await withPalette(async (h) => {
    const plan = planOf();
    const s = services(plan, h.emu.url);
    const acc = only(plan, "PaletteAccount");
    const p = await planResource(s, acc);
    assert.deepEqual(p.diff.errors, []);
    assert.match(p.diff.notes[0]!, /API key accepted; project "Default" is [0-9a-f]+/);
    assert.match((await applyResource(s, acc, p)).detail, /project "Default"/);
    assert.ok((await h.requests()).every((r) => r.method === "GET"));
    closePaletteConnections(s);
    const bad = createServices({ plan, client: s.client, login: s.login, env: { PALETTE_API_KEY: "wrong", PALETTE_ENDPOINT: h.emu.url }, parallelism: 1, progress: new Progress({ line: () => undefined }), writable: false });
    setPaletteClientOverrides(bad, { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 } });
    const e = await planResource(bad, acc);
    assert.equal(e.diff.errors.length, 1);
    assert.ok(e.diff.errors[0]!.startsWith(acc.id));
    assert.ok(!e.diff.errors[0]!.includes("wrong"));
    closePaletteConnections(bad);
  });
});

test("PaletteCluster: missing cloud account is a plan error; nothing is written", async () => {
  await withPalette(async (h) => {
    const plan = planOf();
    const s = services(plan, h.emu.url);
    const p = await planResource(s, only(plan, "PaletteCluster"));
    assert.equal(p.diff.action, "create");
    assert.ok(p.diff.errors.some((m) => /no Nutanix cloud account "pcg"/.test(m)), p.diff.errors.join("\n"));
    await assert.rejects(applyResource(s, only(plan, "PaletteCluster"), p));
    assert.ok((await h.requests()).every((r) => r.method === "GET" || r.path.endsWith("/search")));
    closePaletteConnections(s);
  });
});

test("PaletteCluster: validate + create until Running and Healthy; re-apply writes nothing; scale PUTs the pool; destroy deletes it", async () => {
  await withPalette(async (h) => {
    const spec = new PaletteSpec();
    const setup = h.client({ project: "Default" });
    const pcg = await setup.pcg.ensureSelfHosted("pcg");
    await setup.accounts.create({ name: "pcg", overlordUid: pcg.overlordUid, credentials: { NUTANIX_USER: "u", NUTANIX_PASSWORD: "p", NUTANIX_ENDPOINT: "pc.example.com", NUTANIX_PORT: "9440", NUTANIX_INSECURE: "false" } });
    setup.close();
    await h.clearRequests();
    const plan = planOf(2);
    const s = services(plan, h.emu.url);
    const res = only(plan, "PaletteCluster");
    const p = await planResource(s, res);
    assert.deepEqual(p.diff.errors, []);
    assert.equal(p.diff.action, "create");
    assert.match((await applyResource(s, res, p)).detail, /created Palette cluster \w+; Running and Healthy/);
    const created = await h.requests();
    assert.ok(created.some((r) => r.method === "POST" && r.path === "/v1/spectroclusters/cloudTypes/nutanix/validate"));
    assert.equal(created.filter((r) => r.method === "POST" && r.path === "/v1/spectroclusters/cloudTypes/nutanix").length, 1);
    for (const r of created) {
      assert.deepEqual(spec.validateRequest({ ...r, query: r.query as Record<string, string>, headers: r.headers as Record<string, string> }), [], `${r.method} ${r.path}`);
      assert.ok(Object.keys(r.headers).some((k) => k.toLowerCase() === "apikey"), `${r.method} ${r.path} carries ApiKey`);
      if (/^\/v1\/(spectroclusters|cloudconfigs)\//.test(r.path)) assert.ok(Object.keys(r.headers).some((k) => k.toLowerCase() === "projectuid"), `${r.method} ${r.path} carries ProjectUid`);
    }
    closePaletteConnections(s);

    await h.clearRequests();
    const s2 = services(plan, h.emu.url);
    const again = await planResource(s2, res);
    assert.equal(again.diff.action, "no-change");
    assert.match((await applyResource(s2, res, again)).detail, /no change/);
    assert.ok((await h.requests()).every((r) => r.method === "GET" || (r.method === "POST" && r.path.endsWith("/search"))));
    closePaletteConnections(s2);

    await h.clearRequests();
    const bigger = planOf(4);
    const s3 = services(bigger, h.emu.url);
    const r3 = only(bigger, "PaletteCluster");
    const p3 = await planResource(s3, r3);
    assert.equal(p3.diff.action, "update");
    assert.ok(p3.diff.changes.some((c) => c.field.endsWith(".size") && c.from === 2 && c.to === 4));
    await applyResource(s3, r3, p3);
    const puts = (await h.requests()).filter((r) => r.method === "PUT");
    assert.equal(puts.length, 1);
    assert.match(puts[0]!.path, /^\/v1\/cloudconfigs\/cloudTypes\/nutanix\/[^/]+\/machinePools\/web-general$/);
    assert.ok(puts.every((r) => spec.validateRequest({ ...r, query: r.query as Record<string, string>, headers: r.headers as Record<string, string> }).length === 0));

    const d = await destroyLocally(s3, r3);
    assert.equal(d?.ok, true, d?.text);
    assert.match(d!.text, /deleted Palette cluster/);
    assert.ok((await h.requests()).some((r) => r.method === "DELETE" && /^\/v1\/spectroclusters\/[^/]+$/.test(r.path)));
    closePaletteConnections(s3);
  });
});
