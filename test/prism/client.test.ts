/**
 * The client against the real emulator over loopback HTTP/HTTPS: auth, TLS, pagination, FIQL,
 * conflicts, tasks, faults and retries, lookups, categories, idempotent create, IPAM.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import {
  PrismApiError,
  PrismAuthError,
  PrismConnectionError,
  PrismError,
  PrismLookupError,
  PrismTaskError,
  PrismClient,
} from "../../lib/prism";
import { mulberry32 } from "../../lib/emulator";
import { clientIdentifierFor } from "../../lib/prism";
import { SMALL_SEED, seedWithVms, tempDir, vmBody, withEmulator } from "../helpers/emulator";


const ipOf = (vm: { status?: { resources?: { nic_list?: Array<{ ip_endpoint_list?: Array<{ ip: string }> }> } } } | null): string | undefined =>
  vm?.status?.resources?.nic_list?.[0]?.ip_endpoint_list?.[0]?.ip;

test("checkAuth and login over HTTP; session cookies are used and renewed after a 401", async () => {
  const dir = await tempDir();
  const statePath = path.join(dir, "state.json");
  let port = 0;
  let client!: PrismClient;
  await withEmulator({ statePath, seed: SMALL_SEED }, async (h) => {
    port = h.emu.port;
    client = h.client();
    // checkAuth is the one login: it keeps the session cookie (nutanix.dev: first call with basic credentials).
    assert.equal(await client.checkAuth(), "admin");
    assert.equal(client.hasSession, true);
    assert.equal(client.stats.logins, 1);
    assert.equal(await client.login(), "admin");
    assert.equal(client.hasSession, true);
    assert.equal(client.stats.logins, 2);
    const clusters = await client.listAll("clusters");
    assert.equal(clusters.length, 3);
  });
  // A new emulator on the same port and state knows no session: 401 → re-login once → retry.
  await withEmulator({ statePath, port }, async (h) => {
    const lines: string[] = [];
    const c2 = h.client({ logger: (l) => lines.push(l) });
    await c2.login();
    await h.emu.stop();
  });
  await withEmulator({ statePath, port }, async () => {
    const before = client.stats.logins;
    const vms = await client.listAll("vms");
    assert.equal(vms.length, 0);
    assert.equal(client.stats.logins, before + 1, "re-logged in once");
    assert.equal(client.hasSession, true);
    client.close();
  });
});

test("wrong credentials: plain-text 401 and a typed PrismAuthError without the password", async () => {
  await withEmulator({ seed: SMALL_SEED }, async (h) => {
    const raw = await h.raw("GET", "/api/nutanix/v3/users/me", { auth: { username: "admin", password: "nope" } });
    assert.equal(raw.status, 401);
    assert.equal(raw.text, "Authentication required");
    assert.match(String(raw.headers["content-type"]), /^text\/plain/);
    const c = h.client({ password: "s3cret-Wrong!" });
    const err = await c.checkAuth().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof PrismAuthError, String(err));
    assert.equal(err.status, 401);
    assert.doesNotMatch(err.message, /s3cret-Wrong!/);
    assert.doesNotMatch(err.message, /Basic /);
    assert.equal(c.stats.retries, 0, "401 is never retried");
    await assert.rejects(c.login(), PrismAuthError);
  });
});

test("pagination: 45 VMs in pages of 20 take 3 list calls; length caps at 500", async () => {
  await withEmulator({ seed: seedWithVms(45) }, async (h) => {
    const c = h.client();
    await h.admin("DELETE", "/counters");
    const vms = await c.listAll("vms", { pageSize: 20 });
    assert.equal(vms.length, 45);
    assert.equal(new Set(vms.map((v) => v.metadata.uuid)).size, 45);
    const counters = await h.admin<{ byRoute: Record<string, number> }>("GET", "/counters");
    assert.equal(counters.byRoute["POST /vms/list"], 3);
    const page = await c.listPage("vms", { offset: 40, length: 20 });
    assert.equal(page.entities?.length, 5);
    assert.deepEqual({ o: page.metadata.offset, l: page.metadata.length, t: page.metadata.total_matches }, { o: 40, l: 5, t: 45 });
    const dflt = await c.listPage("vms", {});
    assert.equal(dflt.entities?.length, 20, "default length 20");
    // task_uuid is an array in list entities
    assert.ok(Array.isArray(vms[0]!.status?.execution_context?.task_uuid));
  });
  await withEmulator({ seed: seedWithVms(520, { noSubnet: true }) }, async (h) => {
    const c = h.client();
    const big = await c.listPage("vms", { length: 1000 });
    assert.equal(big.entities?.length, 500, "silently capped at 500");
    assert.equal(big.metadata.total_matches, 520);
    // A client asking for pages of 500 still gets everything.
    assert.equal((await c.listAll("vms")).length, 520);
  });
});

test("FIQL filters: vm_name exact, ';' AND, ',' OR, unknown attribute → 422", async () => {
  await withEmulator({ seed: seedWithVms(12) }, async (h) => {
    const c = h.client();
    assert.deepEqual((await c.listVms("vm_name==vm-07")).map((v) => v.spec.name), ["vm-07"]);
    assert.deepEqual((await c.listVms("vm_name==vm-0")).length, 0, "exact, not substring");
    assert.deepEqual((await c.listVms("vm_name==vm-01,vm_name==vm-02")).map((v) => v.spec.name).sort(), ["vm-01", "vm-02"]);
    assert.deepEqual((await c.listVms("vm_name==vm-02;power_state==on")).map((v) => v.spec.name), ["vm-02"]);
    assert.deepEqual((await c.listVms("vm_name==vm-03;power_state==on")).length, 0);
    assert.deepEqual((await c.listAll("subnets", { filter: "name==vm-net-30" })).map((s) => s.spec.name), ["vm-net-30"]);
    const err = await c.listVms("bogus==1").then(() => null, (e: unknown) => e);
    assert.ok(err instanceof PrismApiError);
    assert.equal(err.status, 422);
    assert.deepEqual(err.reasons, ["INVALID_REQUEST"]);
  });
});

test("clusters list has only kind and total_matches; listAll still pages correctly", async () => {
  await withEmulator({}, async (h) => {
    const raw = await h.raw("POST", "/api/nutanix/v3/clusters/list", { body: {} });
    assert.deepEqual(Object.keys((raw.json as { metadata: object }).metadata).sort(), ["kind", "total_matches"]);
    const c = h.client();
    const all = await c.listAll("clusters", { pageSize: 2 });
    assert.deepEqual(all.map((x) => x.status?.name).sort(), ["PE-1", "PE-2", "pc-emulator"]);
  });
});

test("updateVm re-reads and retries after a 409 from a concurrent update", async () => {
  // Strict versions (older PCs): a stale spec_version gets 409. pc.2024.3 is lenient (the default).
  await withEmulator({ seed: SMALL_SEED, taskMs: 20, strictVersions: true }, async (h) => {
    const a = h.client();
    const b = h.client();
    const created = await a.createVm(await vmBody(a, "conflict-vm"));
    await a.waitForTask(created.taskUuid, { initialDelayMs: 10 });
    let calls = 0;
    const task = await a.updateVm(created.uuid, async (spec) => {
      calls++;
      if (calls === 1) {
        // Someone else updates the VM between our GET and our PUT.
        await b.updateVm(created.uuid, (s2) => {
          s2.description = "changed by b";
        });
      }
      spec.resources.memory_size_mib = 8192;
    });
    assert.equal(calls, 2);
    assert.equal(a.stats.conflicts, 1);
    await a.waitForTask(task, { initialDelayMs: 10 });
    const vm = await a.getVm(created.uuid);
    assert.equal(vm?.spec.resources.memory_size_mib, 8192);
    assert.equal(vm?.spec.description, "changed by b", "the concurrent change is kept, not overwritten");
    assert.equal(vm?.metadata.spec_version, 2);
    assert.equal(ipOf(vm), "10.20.0.100", "NIC keeps its address across PUTs");
    // A raw stale PUT gets the exact 409 body.
    const stale = await h.raw("PUT", `/api/nutanix/v3/vms/${created.uuid}`, { body: { metadata: { ...vm!.metadata, spec_version: 0 }, spec: vm!.spec } });
    assert.equal(stale.status, 409);
    assert.deepEqual(stale.json, {
      api_version: "3.1",
      code: 409,
      kind: "vm",
      state: "ERROR",
      message_list: [{ message: "Edit conflict: please retry change.", reason: "CONCURRENT_REQUESTS_NOT_ALLOWED" }],
    });
    const err = await a.call("PUT", `/vms/${created.uuid}`, { metadata: { ...vm!.metadata, spec_version: 0 }, spec: vm!.spec }).catch((e: unknown) => e);
    assert.ok(err instanceof PrismApiError);
    assert.equal(err.message, `PUT /vms/${created.uuid}: 409 CONCURRENT_REQUESTS_NOT_ALLOWED: Edit conflict: please retry change.`);
    // Missing spec_version → 422.
    const { spec_version: _omit, ...noVersion } = vm!.metadata;
    const missing = await h.raw("PUT", `/api/nutanix/v3/vms/${created.uuid}`, { body: { metadata: noVersion, spec: vm!.spec } });
    assert.equal(missing.status, 422);
  });
});

test("lenientVersions accepts a stale spec_version", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 10, lenientVersions: true }, async (h) => {
    const c = h.client();
    const r = await c.createVm(await vmBody(c, "lenient"));
    await c.waitForTask(r.taskUuid, { initialDelayMs: 5 });
    const vm = (await c.getVm(r.uuid))!;
    const put = await h.raw("PUT", `/api/nutanix/v3/vms/${r.uuid}`, { body: { metadata: { ...vm.metadata, spec_version: 0 }, spec: vm.spec } });
    assert.equal(put.status, 202);
  });
});

test("a failed task surfaces its error_detail; the VM disappears and its IP is released", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 30 }, async (h) => {
    const c = h.client();
    await h.admin("PUT", "/faults", { failNextTasks: 1 });
    const r = await c.createVm(await vmBody(c, "doomed"));
    const err = await c.waitForTask(r.taskUuid, { initialDelayMs: 10 }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof PrismTaskError, String(err));
    assert.equal(err.taskStatus, "FAILED");
    assert.equal(err.errorDetail, "INTERNAL_ERROR: ErrorCode: 9");
    assert.match(err.message, /INTERNAL_ERROR: ErrorCode: 9/);
    assert.equal(await c.getVm(r.uuid), null, "after a failed create, GET is 404");
    const next = await c.createVm(await vmBody(c, "fine"));
    await c.waitForTask(next.taskUuid, { initialDelayMs: 10 });
    assert.equal(ipOf(await c.getVm(next.uuid)), "10.20.0.100", "the failed VM's address was released");
    // An unknown task uuid → INVALID_UUID.
    const bad = await c.waitForTask("00000000-0000-4000-8000-000000000000").then(() => null, (e: unknown) => e);
    assert.ok(bad instanceof PrismTaskError);
    assert.equal(bad.taskStatus, "INVALID_UUID");
  });
});

test("waitForTask times out with PrismTimeoutError", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 5000 }, async (h) => {
    const c = h.client();
    const r = await c.createVm(await vmBody(c, "slow"));
    const started = Date.now();
    await assert.rejects(c.waitForTask(r.taskUuid, { timeoutMs: 150, initialDelayMs: 20 }), (e: unknown) => e instanceof PrismError && e.name === "PrismTimeoutError");
    assert.ok(Date.now() - started < 2000);
  });
});

test("retries under injected faults (500/503/429/resets) converge; idempotent creates leave one VM each", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 10, faultRate: 0.35, faultSeed: 7, faults: { retryAfterSeconds: 0 } }, async (h) => {
    const c = h.client({ random: mulberry32(3), retries: { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 20 } });
    const names = ["f-0", "f-1", "f-2", "f-3", "f-4", "f-5"];
    const bodies = [];
    for (const n of names) bodies.push(await vmBody(c, n, { subnet: "vm-net-30", cluster: "PE-2" }));
    const results = [];
    for (const b of bodies) results.push(await c.createVm(b));
    for (const r of results) await c.waitForTask(r.taskUuid || (await c.getVm(r.uuid))!.status!.execution_context!.task_uuid![0]!, { initialDelayMs: 5 });
    for (let i = 0; i < 10; i++) await c.listAll("images");
    const counters = await h.admin<{ faults: Record<string, number> }>("GET", "/counters");
    for (const k of ["500", "503", "429", "reset"]) assert.ok(counters.faults[k]! > 0, `${k} faults were injected`);
    assert.ok(c.stats.retries > 0);
    await h.admin("PUT", "/faults", { faultRate: 0 });
    const vms = await c.listVms();
    for (const n of names) assert.equal(vms.filter((v) => v.spec.name === n).length, 1, `exactly one ${n}`);
  });
});

test("a create whose answer is lost (reset after the write) is found by its reserved uuid, never POSTed again", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 10 }, async (h) => {
    const c = h.client({ visibilityGraceMs: 300 });
    const body = await vmBody(c, "lost-answer");
    // An earlier run reserved the slot; now the VM POST is applied and its answer lost.
    await c.call("POST", "/idempotence_identifiers", { client_identifier: clientIdentifierFor("slot/lost-answer"), count: 1 });
    await h.admin("PUT", "/faults", { resetNextWrites: 1 });
    const r = await c.createVmIdempotent("slot/lost-answer", body);
    assert.equal(r.existed, true, "the reserved uuid was read and the VM found");
    assert.ok(r.taskUuid);
    await c.waitForTask(r.taskUuid, { initialDelayMs: 5 });
    assert.equal((await c.listVms("vm_name==lost-answer")).length, 1);
    const counters = await h.admin<{ faults: { reset: number }; byRoute: Record<string, number> }>("GET", "/counters");
    assert.equal(counters.faults.reset, 1);
    assert.equal(counters.byRoute["POST /vms"], 1, "the POST whose answer was lost was not repeated");
  });
});

test("request budget: every request after the budget gets 429; the client gives up with a typed error", async () => {
  await withEmulator({ seed: SMALL_SEED, requestBudget: 3, faults: { retryAfterSeconds: 0 } }, async (h) => {
    const c = h.client({ retries: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    await c.checkAuth();
    await c.listAll("clusters");
    await c.listAll("subnets");
    const err = await c.listAll("images").then(() => null, (e: unknown) => e);
    assert.ok(err instanceof PrismApiError, String(err));
    assert.equal(err.status, 429);
    assert.deepEqual(err.reasons, ["TOO_MANY_REQUESTS"]);
    assert.equal(c.stats.retries, 2);
    const raw = await h.raw("GET", "/api/nutanix/v3/users/me");
    assert.equal(raw.status, 429);
    assert.equal(raw.headers["retry-after"], "0");
    const counters = await h.admin<{ faults: { budget: number } }>("GET", "/counters");
    assert.equal(counters.faults.budget, 4);
  });
});

test("HTTPS: untrusted certificate → typed TLS error; CA bundle file works; insecure warns once", async () => {
  await withEmulator({ seed: SMALL_SEED, https: true }, async (h) => {
    assert.ok(h.emu.url.startsWith("https://127.0.0.1:"));
    assert.ok(h.emu.caFile);
    const noCa = h.client({ caBundle: undefined, retries: { maxAttempts: 3, baseDelayMs: 1 } });
    const err = await noCa.checkAuth().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof PrismConnectionError, String(err));
    assert.equal(err.isTls, true);
    assert.match(err.message, /certificate not trusted: pass a CA bundle or --insecure/);
    assert.equal(noCa.stats.retries, 0, "TLS failures are not retried");

    const pem = await fsp.readFile(h.emu.caFile!, "utf8");
    const trusted = h.client({ caBundle: pem });
    assert.equal(await trusted.checkAuth(), "admin");
    assert.equal((await trusted.listAll("images")).length, 1);

    const lines: string[] = [];
    const insecure = h.client({ caBundle: undefined, insecure: true, logger: (l) => lines.push(l) });
    await insecure.checkAuth();
    await insecure.listAll("clusters");
    const warnings = lines.filter((l) => /TLS verification is disabled/.test(l));
    assert.equal(warnings.length, 1);

    const keyPem = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
    assert.throws(() => h.client({ caBundle: `${pem}\n${keyPem}` }), /block 2 is a PRIVATE KEY, expected CERTIFICATE/);
    assert.throws(() => h.client({ caBundle: "not a pem" }), /no PEM CERTIFICATE block/);
  });
});

test("connection refused → PrismConnectionError after retries", async () => {
  let port = 0;
  await withEmulator({ seed: SMALL_SEED }, async (h) => {
    port = h.emu.port;
  });
  const { PrismClient } = await import("../../lib/prism");
  const c = new PrismClient({ endpoint: `http://127.0.0.1:${port}`, username: "u", password: "p", retries: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
  const err = await c.checkAuth().then(() => null, (e: unknown) => e);
  assert.ok(err instanceof PrismConnectionError);
  assert.equal(err.code, "ECONNREFUSED");
  assert.equal(c.stats.retries, 2);
  assert.equal(c.stats.requests, 3);
  c.close();
});

test("lookups: PC vs PE with the same name, ambiguity, missing, VLAN scoping, OVERLAY, aggregated errors", async () => {
  const seed = {
    prismCentral: { name: "shared" },
    clusters: [{ name: "shared" }, { name: "PE-2" }, { name: "dup" }, { name: "DUP" }],
    subnets: [
      { name: "net-a", cluster: "shared", vlanId: 10, cidr: "10.1.0.0/24", gateway: "10.1.0.1", pools: ["10.1.0.10-10.1.0.20"] },
      { name: "net-a", cluster: "PE-2", vlanId: 10, cidr: "10.2.0.0/24", gateway: "10.2.0.1", pools: ["10.2.0.10-10.2.0.20"] },
      { name: "overlay-1", type: "OVERLAY" as const, cidr: "192.168.0.0/24", gateway: "192.168.0.1", pools: ["192.168.0.10-192.168.0.20"] },
    ],
    images: [{ name: "img" }, { name: "twin" }, { name: "twin" }],
  };
  await withEmulator({ seed }, async (h) => {
    const c = h.client();
    const pe = await c.resolveCluster({ name: "SHARED" });
    const all = await c.listAll("clusters");
    const pc = all.find((x) => x.status?.resources?.config?.service_list?.includes("PRISM_CENTRAL"))!;
    assert.notEqual(pe.uuid, pc.metadata.uuid, "the PE is chosen, never Prism Central");
    assert.deepEqual((await c.resolveCluster({ uuid: pe.uuid })).name, "shared");
    await assert.rejects(c.resolveCluster({ uuid: pc.metadata.uuid! }), /Prism Central/);

    const amb = await c.resolveCluster({ name: "dup" }).then(() => null, (e: unknown) => e);
    assert.ok(amb instanceof PrismLookupError);
    assert.equal(amb.issues[0]!.problem, "ambiguous");
    assert.equal(amb.candidates.length, 2);
    assert.match(amb.message, /2 clusters named dup: dup \([0-9a-f-]{36}\), DUP \([0-9a-f-]{36}\); use a UUID/);

    const miss = await c.resolveCluster({ name: "nope" }).then(() => null, (e: unknown) => e);
    assert.ok(miss instanceof PrismLookupError);
    assert.equal(miss.message, "no cluster named nope; known: shared, PE-2, dup, DUP");

    const pe2 = await c.resolveCluster({ name: "PE-2" });
    assert.equal((await c.resolveSubnet({ name: "net-a" }, pe.uuid)).entity.spec.cluster_reference?.uuid, pe.uuid);
    assert.equal((await c.resolveSubnet({ name: "net-a" }, pe2.uuid)).entity.spec.cluster_reference?.uuid, pe2.uuid);
    await assert.rejects(c.resolveSubnet({ name: "net-a" }), /2 subnets named net-a/);
    assert.equal((await c.resolveSubnet({ name: "overlay-1" }, pe2.uuid)).name, "overlay-1", "OVERLAY counts on any PE");

    const agg = await c
      .resolveAll({
        clusters: [{ name: "shared" }, { name: "missing-pe" }],
        subnets: [{ ref: { name: "net-a" } }, { ref: { name: "net-a" }, cluster: { name: "PE-2" } }, { ref: { name: "no-net" }, cluster: { name: "PE-2" } }],
        images: [{ name: "img" }, { name: "twin" }, { name: "no-image" }],
      })
      .then(() => null, (e: unknown) => e);
    assert.ok(agg instanceof PrismLookupError);
    assert.deepEqual(
      agg.issues.map((i) => `${i.kind}:${i.name}:${i.problem}`).sort(),
      ["cluster:missing-pe:missing", "image:no-image:missing", "image:twin:ambiguous", "subnet:net-a:ambiguous", "subnet:no-net:missing"],
    );
    assert.match(agg.message, /^5 lookups failed:/);

    const ok = await c.resolveAll({ clusters: [{ name: "PE-2" }], subnets: [{ ref: { name: "net-a" }, cluster: { name: "PE-2" } }], images: [{ name: "img" }] });
    assert.equal(ok.subnets[0]!.entity.spec.cluster_reference?.uuid, ok.clusters[0]!.uuid);
    // one list per kind, cached
    await h.admin("DELETE", "/counters");
    await c.resolveImage({ name: "img" });
    const counters = await h.admin<{ total: number }>("GET", "/counters");
    assert.equal(counters.total, 0, "lookups are served from the cache");
    c.invalidateCache();
    await c.resolveImage({ name: "img" });
    assert.equal((await h.admin<{ total: number }>("GET", "/counters")).total, 1);
  });
});

test("categories: create if missing, idempotent; VMs may reference only existing values", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 10 }, async (h) => {
    const c = h.client();
    assert.equal(await c.ensureCategoryKey("NutanixPaletteStack", "owner stack"), true);
    assert.equal(await c.ensureCategoryValue("NutanixPaletteStack", "demo"), true);
    assert.equal(await c.ensureCategoryValue("NutanixPaletteStack", "demo"), false);
    const c2 = h.client();
    await h.admin("DELETE", "/counters");
    assert.equal(await c2.ensureCategoryValue("NutanixPaletteStack", "demo"), false);
    assert.equal(await c2.ensureCategoryValue("NutanixPaletteStack", "demo"), false);
    const counters = await h.admin<{ writes: number; byRoute: Record<string, number> }>("GET", "/counters");
    assert.equal(counters.writes, 0, "nothing re-created");
    assert.equal(counters.byRoute["GET /categories/{key}/{value}"], 1, "cached after the first check");
    assert.deepEqual((await c.listCategoryValues("NutanixPaletteStack")).map((v) => v.value), ["demo"]);
    assert.deepEqual(await c.getCategoryKey("NutanixPaletteStack"), { name: "NutanixPaletteStack", description: "owner stack", system_defined: false });

    const bad = await c.createVm(await vmBody(c, "cat-vm", { categories: { NutanixPaletteStack: "other" } })).then(() => null, (e: unknown) => e);
    assert.ok(bad instanceof PrismApiError);
    assert.equal(bad.status, 422);
    assert.match(bad.message, /category value NutanixPaletteStack:other does not exist/);
    const good = await c.createVm(await vmBody(c, "cat-vm", { categories: { NutanixPaletteStack: "demo" } }));
    await c.waitForTask(good.taskUuid, { initialDelayMs: 5 });
    const vm = await c.getVm(good.uuid);
    assert.deepEqual(vm?.metadata.categories_mapping, { NutanixPaletteStack: ["demo"] });
    assert.deepEqual(vm?.metadata.categories, { NutanixPaletteStack: "demo" });
    await assert.rejects(c.deleteCategoryValue("NutanixPaletteStack", "demo"), /still assigned/);
    const dt = await c.deleteVm(good.uuid);
    await c.waitForTask(dt!, { initialDelayMs: 5 });
    assert.equal(await c.deleteCategoryValue("NutanixPaletteStack", "demo"), true);
    assert.equal(await c.deleteCategoryValue("NutanixPaletteStack", "demo"), false);
    assert.equal(await c.deleteCategoryKey("NutanixPaletteStack"), true);
    assert.equal(await c.getCategoryKey("NutanixPaletteStack"), null);
  });
});

test("idempotent create: a reserved uuid per slot, a repeat finds the VM, PENDING while the task runs, lists omit it", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 600 }, async (h) => {
    const c = h.client();
    const slot = "6a0b4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b";
    const body = await vmBody(c, "idem-vm", { uuid: slot });
    const first = await c.createVm(body);
    assert.notEqual(first.uuid, slot, "the VM gets the reserved uuid, not the caller's");
    assert.equal(first.existed, false);
    assert.equal(typeof first.entity?.status?.execution_context?.task_uuid, "string", "202 answers carry a string task_uuid");
    assert.equal(first.entity?.status?.state, "PENDING");
    assert.deepEqual(Object.keys(first.entity?.metadata ?? {}).sort(), ["kind", "spec_version", "use_categories_mapping", "uuid"], "202 metadata as recorded");
    const reservation = await c.call<{ uuid_list: string[] }>("GET", `/idempotence_identifiers/${first.clientIdentifier}`);
    assert.deepEqual(reservation.uuid_list, [first.uuid]);
    const pending = await c.getVm(first.uuid);
    assert.equal(pending?.status?.state, "PENDING", "read through the short 404 window after the 202");
    assert.equal((await c.listVms()).length, 0, "lists omit VMs not yet created");

    // A second POST of the used reserved uuid is refused through its task, never a synchronous 409.
    const raw = await h.raw("POST", "/api/nutanix/v3/vms", { body: { ...body, metadata: { ...body.metadata, uuid: first.uuid } } });
    assert.equal(raw.status, 202);
    const dupTask = (raw.json as { status: { execution_context: { task_uuid: string } } }).status.execution_context.task_uuid;
    await assert.rejects(c.waitForTask(dupTask, { initialDelayMs: 50 }), (e: unknown) => e instanceof PrismError && /ENTITY_ALREADY_EXISTS/.test(e.message));
    // An unreserved uuid: 202, then a failed task (pc ≥ 2022.1).
    const unreserved = await h.raw("POST", "/api/nutanix/v3/vms", { body: { ...body, metadata: { ...body.metadata, uuid: "0d9f3a52-1111-4222-8333-444455556666" } } });
    assert.equal(unreserved.status, 202);
    const badTask = (unreserved.json as { status: { execution_context: { task_uuid: string } } }).status.execution_context.task_uuid;
    await assert.rejects(c.waitForTask(badTask, { initialDelayMs: 50 }), (e: unknown) => e instanceof PrismError && /not reserved/.test(e.message));

    const again = await c.createVm(body);
    assert.equal(again.existed, true);
    assert.equal(again.uuid, first.uuid);
    assert.equal(again.taskUuid, first.taskUuid);
    await c.waitForTask(first.taskUuid, { initialDelayMs: 50 });
    assert.equal((await c.getVm(first.uuid))?.status?.state, "COMPLETE");
    assert.deepEqual((await c.listVms()).map((v) => v.metadata.uuid), [first.uuid]);
  });
});

test("IPAM: first free pool address in order, released on delete; pool exhaustion is a 422", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 10 }, async (h) => {
    const c = h.client();
    const made = [];
    for (const n of ["ip-a", "ip-b", "ip-c"]) {
      const r = await c.createVm(await vmBody(c, n));
      await c.waitForTask(r.taskUuid, { initialDelayMs: 5 });
      made.push(r.uuid);
    }
    assert.deepEqual(await Promise.all(made.map(async (u) => ipOf(await c.getVm(u)))), ["10.20.0.100", "10.20.0.101", "10.20.0.102"]);
    const full = await c.createVm(await vmBody(c, "ip-d")).then(() => null, (e: unknown) => e);
    assert.ok(full instanceof PrismApiError);
    assert.match(full.message, /no free IP address/);
    const sn = await c.resolveSubnet({ name: "vm-net-20" });
    const stats = (await c.getSubnet(sn.uuid)).status?.resources?.ip_usage_stats;
    assert.deepEqual(stats, { num_free_ips: 0, num_macs: 3, num_assigned_ips: 3, ip_pools_stats: [{ range: "10.20.0.100 10.20.0.102", num_total_ips: 3, num_free_ips: 0 }] });

    const del = await c.deleteVm(made[1]!);
    assert.ok(del);
    await c.waitForTask(del, { initialDelayMs: 5 });
    assert.equal(await c.getVm(made[1]!), null);
    assert.equal(await c.deleteVm(made[1]!), null, "404 counts as already gone");
    const d = await c.createVm(await vmBody(c, "ip-d"));
    await c.waitForTask(d.taskUuid, { initialDelayMs: 5 });
    assert.equal(ipOf(await c.getVm(d.uuid)), "10.20.0.101", "the released address is handed out again");
  });
});

test("a request slower than timeoutMs is retried, then fails with PrismTimeoutError", async () => {
  await withEmulator({ seed: SMALL_SEED, latencyMs: 300 }, async (h) => {
    const c = h.client({ timeoutMs: 80, retries: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const err = await c.checkAuth().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof PrismError && err.name === "PrismTimeoutError", String(err));
    assert.match(err.message, /GET \/users\/me: timed out after 80 ms/);
    assert.equal(c.stats.retries, 1);
    const patient = h.client({ timeoutMs: 2000 });
    assert.equal(await patient.checkAuth(), "admin");
  });
});

test("IPv6 loopback: the emulator on ::1 and a client of [::1]", async () => {
  await withEmulator({ seed: SMALL_SEED, host: "::1", https: true }, async (h) => {
    assert.match(h.emu.url, /^https:\/\/\[::1\]:\d+$/);
    const c = h.client();
    assert.equal(await c.checkAuth(), "admin");
  });
});

test("close() cuts a request still in flight and the client does not send it again", async () => {
  let seen = 0;
  const server = http.createServer((req) => {
    seen++;
    req.resume(); // never answered: the client is closed while it waits
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const c = new PrismClient({ endpoint: `http://127.0.0.1:${port}`, username: "u", password: "p", retries: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 } });
  try {
    const pending = c.listCategoryValues("NpcBoot");
    while (seen === 0) await new Promise((r) => setTimeout(r, 5));
    c.close();
    await assert.rejects(pending, /not sent again, the client was closed/);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen, 1, "the cut request was not repeated");
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
