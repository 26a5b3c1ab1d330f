/**
 * The emulator at the wire level: error bodies, bad input, tasks, admin paths, persistence, seeds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { SeedError, deterministicUuid, loadSeedFile, parseSeed, parseFiql, startEmulator } from "../../lib/emulator";
import { SMALL_SEED, tempDir, withEmulator } from "../helpers/emulator";

const API = "/api/nutanix/v3";

async function firstIds(h: Parameters<Parameters<typeof withEmulator>[1]>[0]): Promise<{ pe1: string; pc: string; net20: string; image: string }> {
  const cl = (await h.raw("POST", `${API}/clusters/list`, { body: {} })).json as { entities: Array<{ metadata: { uuid: string }; status: { name: string; resources: { config: { service_list: string[] } } } }> };
  const pe1 = cl.entities.find((e) => e.status.name === "PE-1")!.metadata.uuid;
  const pc = cl.entities.find((e) => e.status.resources.config.service_list.includes("PRISM_CENTRAL"))!.metadata.uuid;
  const sn = (await h.raw("POST", `${API}/subnets/list`, { body: { filter: "name==vm-net-20" } })).json as { entities: Array<{ metadata: { uuid: string } }> };
  const im = (await h.raw("POST", `${API}/images/list`, { body: {} })).json as { entities: Array<{ metadata: { uuid: string } }> };
  return { pe1, pc, net20: sn.entities[0]!.metadata.uuid, image: im.entities[0]!.metadata.uuid };
}

function vm(name: string, ids: { pe1: string; net20: string }, extra: Record<string, unknown> = {}): object {
  return {
    metadata: { kind: "vm", ...extra },
    spec: { name, cluster_reference: { kind: "cluster", uuid: ids.pe1 }, resources: { nic_list: [{ subnet_reference: { kind: "subnet", uuid: ids.net20 } }] } },
  };
}

test("test seed (default seed + a colliding unowned VM): PC + PE-1/PE-2, subnets with pools, images, two unowned VMs; deterministic uuids", async () => {
  const a = await withEmulator({}, async (h) => h.emu.snapshot());
  const b = await withEmulator({}, async (h) => {
    const clusters = (await h.raw("POST", `${API}/clusters/list`, { body: {} })).json as { entities: Array<{ status: { name: string; resources: { config: { service_list: string[] } } } }> };
    assert.deepEqual(
      clusters.entities.map((e) => `${e.status.name}:${e.status.resources.config.service_list.join()}`),
      ["pc-emulator:PRISM_CENTRAL", "PE-1:AOS", "PE-2:AOS"],
    );
    const subnet = (await h.raw("POST", `${API}/subnets/list`, { body: { filter: "name==vm-net-20" } })).json as { entities: Array<{ spec: object; status: { resources: { ip_usage_stats: { num_assigned_ips: number } } } }> };
    assert.deepEqual((subnet.entities[0]!.spec as { resources: { ip_config: object; vlan_id: number } }).resources.ip_config, {
      subnet_ip: "10.20.0.0",
      prefix_length: 24,
      default_gateway_ip: "10.20.0.1",
      pool_list: [{ range: "10.20.0.100 10.20.0.199" }],
      dhcp_options: { domain_name_server_list: ["10.20.0.2"] },
      // Recorded on pc.2024.1 (prism-go-client v3/mocks GetSubnet): the managed subnet's DHCP server.
      dhcp_server_address: { ip: "10.20.0.254" },
    });
    assert.equal(subnet.entities[0]!.status.resources.ip_usage_stats.num_assigned_ips, 2);
    const images = (await h.raw("POST", `${API}/images/list`, { body: {} })).json as { entities: Array<{ spec: { name: string } }> };
    assert.deepEqual(images.entities.map((e) => e.spec.name), ["ubuntu-2204-kube-v1.30.5", "ubuntu-2204-kube-v1.31.2", "ubuntu-2204-kube-v1.29.9", "rockylinux-9-kube-v1.30.5"]);
    const vms = (await h.raw("POST", `${API}/vms/list`, { body: { kind: "vm" } })).json as { entities: Array<{ spec: { name: string }; metadata: { categories: object } }> };
    assert.deepEqual(vms.entities.map((e) => e.spec.name), ["legacy-db-01", "pcg-host-default-1"]);
    for (const e of vms.entities) assert.deepEqual(e.metadata.categories, {}, "owned by nobody");
    return h.emu.snapshot();
  });
  assert.deepEqual(Object.keys(a.vms), Object.keys(b.vms));
  assert.deepEqual(a.clusters.map((c) => c.uuid), b.clusters.map((c) => c.uuid));
  assert.equal(a.clusters[0]!.uuid, deterministicUuid("cluster", "PE-1"));
  assert.match(a.clusters[0]!.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("error bodies: 404 ENTITY_NOT_FOUND exactly as §7, unknown paths, wrong methods", async () => {
  await withEmulator({ seed: SMALL_SEED }, async (h) => {
    const id = "dc3b2bc8-0000-4000-8000-000000000001";
    const r = await h.raw("GET", `${API}/vms/${id}`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { api_version: "3.1", code: 404, kind: "vm", state: "ERROR", message_list: [{ message: `vm : ${id} does not exist.`, reason: "ENTITY_NOT_FOUND" }] });
    const unknown = await h.raw("GET", `${API}/nothing/here`);
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json as { state: string }).state, "ERROR");
    const method = await h.raw("PATCH", `${API}/vms/${id}`);
    assert.equal(method.status, 405);
    assert.equal((method.json as { state: string }).state, "ERROR");
    const outside = await h.raw("GET", "/api/nutanix/v2.0/vms");
    assert.equal(outside.status, 404);
    const task = await h.raw("GET", `${API}/tasks/not-a-uuid`);
    assert.equal(task.status, 404);
    assert.match(task.text, /INVALID_UUID/);
  });
});

test("bad input gets 422 INVALID_REQUEST, one log line each, and the server stays up", async () => {
  const lines: string[] = [];
  await withEmulator({ seed: SMALL_SEED, logger: (l) => lines.push(l) }, async (h) => {
    const ids = await firstIds(h);
    const malformed = await h.raw("POST", `${API}/vms`, { body: "{not json" });
    assert.equal(malformed.status, 422);
    const body = malformed.json as { code: number; state: string; message_list: Array<{ reason: string; message: string; details: Record<string, string[]> }> };
    assert.equal(body.code, 422);
    assert.equal(body.state, "ERROR");
    assert.equal(body.message_list[0]!.reason, "INVALID_REQUEST");
    assert.equal(body.message_list[0]!.message, "Request could not be processed.");
    assert.match(body.message_list[0]!.details[""]![0]!, /not valid JSON/);

    const wrongKind = await h.raw("POST", `${API}/vms`, { body: { metadata: { kind: "image" }, spec: { name: "x", cluster_reference: { uuid: ids.pe1 }, resources: {} } } });
    assert.equal(wrongKind.status, 422);
    assert.match(wrongKind.text, /expected kind \\"vm\\"/);
    const missing = await h.raw("POST", `${API}/vms`, { body: { metadata: { kind: "vm" } } });
    assert.equal(missing.status, 422);
    assert.match(missing.text, /spec/);
    const badTypes = await h.raw("POST", `${API}/vms`, { body: { metadata: { kind: "vm" }, spec: { name: "x", cluster_reference: { uuid: ids.pe1 }, resources: { num_sockets: "two", power_state: "MAYBE" } } } });
    assert.equal(badTypes.status, 422);
    const det = (badTypes.json as { message_list: Array<{ details: Record<string, string[]> }> }).message_list[0]!.details;
    assert.deepEqual(Object.keys(det).sort(), ["spec.resources.num_sockets", "spec.resources.power_state"]);
    const array = await h.raw("POST", `${API}/vms`, { body: "[1,2,3]" });
    assert.equal(array.status, 422);
    const nul = await h.raw("POST", `${API}/vms/list`, { body: "null" });
    assert.equal(nul.status, 200, "a null list body is an empty request");
    const badList = await h.raw("POST", `${API}/vms/list`, { body: { length: 0, kind: "vm" } });
    assert.equal(badList.status, 422);
    const badListKind = await h.raw("POST", `${API}/images/list`, { body: { kind: "vm" } });
    assert.equal(badListKind.status, 422);
    const unknownCluster = await h.raw("POST", `${API}/vms`, { body: { metadata: { kind: "vm" }, spec: { name: "x", cluster_reference: { kind: "cluster", uuid: "00000000-0000-4000-8000-00000000dead" }, resources: {} } } });
    assert.equal(unknownCluster.status, 422);
    const badUuid = await h.raw("POST", `${API}/vms`, { body: vm("x", ids, { uuid: "nope" }) });
    assert.equal(badUuid.status, 400);
    // Still up and consistent.
    const ok = await h.raw("POST", `${API}/vms`, { body: vm("after-garbage", ids) });
    assert.equal(ok.status, 202);
    assert.equal(typeof (ok.json as { status: { execution_context: { task_uuid: unknown } } }).status.execution_context.task_uuid, "string");
    const counters = await h.admin<{ badRequests: number }>("GET", "/counters");
    assert.equal(counters.badRequests, 9);
    assert.equal(lines.filter((l) => / (400|405|422) /.test(l)).length, 9, lines.join("\n"));
  });
});

test("VMs on Prism Central fail their task (pitfall 3); VLAN subnets must be on the VM's PE", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 20 }, async (h) => {
    const ids = await firstIds(h);
    const onPc = await h.raw("POST", `${API}/vms`, { body: { metadata: { kind: "vm" }, spec: { name: "pc-vm", cluster_reference: { kind: "cluster", uuid: ids.pc }, resources: {} } } });
    assert.equal(onPc.status, 202);
    const taskUuid = (onPc.json as { status: { execution_context: { task_uuid: string } } }).status.execution_context.task_uuid;
    await new Promise((r) => setTimeout(r, 40));
    const task = (await h.raw("GET", `${API}/tasks/${taskUuid}`)).json as { status: string; error_detail: string };
    assert.equal(task.status, "FAILED");
    assert.match(task.error_detail, /INTERNAL_ERROR/);
    const list = await h.raw("POST", `${API}/subnets/list`, { body: { filter: "name==vm-net-30" } });
    const net30 = (list.json as { entities: Array<{ metadata: { uuid: string } }> }).entities[0]!.metadata.uuid;
    const wrongNet = await h.raw("POST", `${API}/vms`, { body: vm("x", { pe1: ids.pe1, net20: net30 }) });
    assert.equal(wrongNet.status, 422);
    assert.match(wrongNet.text, /not on cluster PE-1/);
  });
});

test("tasks go QUEUED → RUNNING → SUCCEEDED with §5 fields; DELETE answers DELETE_PENDING", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 500 }, async (h) => {
    const ids = await firstIds(h);
    const created = (await h.raw("POST", `${API}/vms`, { body: vm("tasked", ids) })).json as { metadata: { uuid: string }; status: { state: string; execution_context: { task_uuid: string } } };
    assert.equal(created.status.state, "PENDING");
    const t = created.status.execution_context.task_uuid;
    const seen = new Set<string>();
    let last: Record<string, unknown> = {};
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      last = (await h.raw("GET", `${API}/tasks/${t}`)).json as Record<string, unknown>;
      seen.add(String(last.status));
      if (last.status === "SUCCEEDED") break;
      await new Promise((r) => setTimeout(r, 40));
    }
    assert.deepEqual([...seen], ["QUEUED", "RUNNING", "SUCCEEDED"]);
    assert.equal(last.percentage_complete, 100);
    assert.equal(last.operation_type, "create_vm_intentful", "the real operation type (TF out.txt)");
    assert.deepEqual(last.entity_reference_list, [{ kind: "vm", uuid: created.metadata.uuid, name: "tasked" }]);
    for (const f of ["creation_time", "start_time", "completion_time", "last_update_time", "creation_time_usecs", "completion_time_usecs"]) assert.ok(f in last, f);
    assert.match(String(last.completion_time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const tasks = (await h.raw("POST", `${API}/tasks/list`, { body: { kind: "task" } })).json as { entities: unknown[] };
    assert.equal(tasks.entities.length, 1);

    const del = await h.raw("DELETE", `${API}/vms/${created.metadata.uuid}`);
    assert.equal(del.status, 202);
    const d = del.json as { spec: unknown; status: { state: string; execution_context: { task_uuid: unknown } }; metadata: { kind: string } };
    assert.equal(d.spec, "");
    assert.equal(d.metadata.kind, "vm");
    assert.equal(d.status.state, "DELETE_PENDING");
    assert.equal(typeof d.status.execution_context.task_uuid, "string");
    const during = (await h.raw("GET", `${API}/vms/${created.metadata.uuid}`)).json as { status: { state: string; execution_context: { task_uuid: string[] } } };
    assert.equal(during.status.state, "DELETE_PENDING");
    // One task uuid per VM, the latest (reference §2; CAPX errors when the list length is not 1).
    assert.deepEqual(during.status.execution_context.task_uuid, [d.status.execution_context.task_uuid]);
  });
});

test("categories: synchronous PUT/GET/list/DELETE with the exact reason strings", async () => {
  await withEmulator({ seed: SMALL_SEED }, async (h) => {
    const noKey = await h.raw("GET", `${API}/categories/Missing`);
    assert.equal(noKey.status, 404);
    assert.equal((noKey.json as { message_list: Array<{ reason: string }> }).message_list[0]!.reason, "ENTITY_NOT_FOUND");
    const put = await h.raw("PUT", `${API}/categories/Owner`, { body: { name: "Owner", description: "who owns it" } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { name: "Owner", description: "who owns it", system_defined: false });
    const noVal = await h.raw("GET", `${API}/categories/Owner/alice`);
    assert.equal(noVal.status, 404);
    assert.match(noVal.text, /CATEGORY_NAME_VALUE_MISMATCH/);
    const valOnMissingKey = await h.raw("PUT", `${API}/categories/Nope/x`, { body: { value: "x" } });
    assert.equal(valOnMissingKey.status, 404);
    const pv = await h.raw("PUT", `${API}/categories/Owner/alice`, { body: { value: "alice", description: "d" } });
    assert.deepEqual(pv.json, { name: "Owner", value: "alice", description: "d", system_defined: false });
    const mismatch = await h.raw("PUT", `${API}/categories/Owner/bob`, { body: { value: "carol" } });
    assert.equal(mismatch.status, 422);
    const keys = (await h.raw("POST", `${API}/categories/list`, { body: { kind: "category", length: 10, offset: 0 } })).json as { metadata: { total_matches: number }; entities: Array<{ name: string }> };
    assert.deepEqual(keys.entities.map((e) => e.name), ["Owner"]);
    const values = (await h.raw("POST", `${API}/categories/Owner/list`, { body: {} })).json as { entities: Array<{ value: string }> };
    assert.deepEqual(values.entities.map((e) => e.value), ["alice"]);
    assert.equal((await h.raw("DELETE", `${API}/categories/Owner`)).status, 422, "values first");
    assert.equal((await h.raw("DELETE", `${API}/categories/Owner/alice`)).status, 204);
    assert.equal((await h.raw("DELETE", `${API}/categories/Owner`)).status, 204);
    assert.equal((await h.raw("GET", `${API}/categories/Owner`)).status, 404);
  });
});

test("admin paths: auth required, faults switch at run time and never hit admin, counters, endpoints, state", async () => {
  await withEmulator({ seed: SMALL_SEED }, async (h) => {
    const noAuth = await h.raw("GET", "/_emulator/faults", { auth: false });
    assert.equal(noAuth.status, 401);
    const cfg = await h.admin<{ errorRate: number; seed: number }>("PUT", "/faults", { errorRate: 1, seed: 5 });
    assert.equal(cfg.errorRate, 1);
    const api = await h.raw("GET", `${API}/users/me`);
    assert.ok(api.status === 500 || api.status === 503, String(api.status));
    if (api.status === 500) assert.deepEqual(Object.keys(api.json as object).sort(), ["message_list", "state"], "TF #131 shape");
    else assert.equal(api.json, undefined, "503 is plain text like envoy");
    assert.equal((await h.raw("GET", "/_emulator/health")).status, 200, "faults never apply to admin paths");
    const bad = await h.raw("PUT", "/_emulator/faults", { body: { errorRate: 2 } });
    assert.equal(bad.status, 422);
    await h.admin("PUT", "/faults", { errorRate: 0 });

    await h.admin("DELETE", "/counters");
    await h.raw("POST", `${API}/vms/list`, { body: {} });
    await h.raw("GET", `${API}/vms/00000000-0000-4000-8000-000000000000`);
    await h.raw("PUT", `${API}/categories/K`, { body: {} });
    const counters = await h.admin<{ total: number; reads: number; writes: number; byRoute: Record<string, number> }>("GET", "/counters");
    assert.deepEqual(counters.byRoute, { "POST /vms/list": 1, "GET /vms/{uuid}": 1, "PUT /categories/{key}": 1 });
    assert.deepEqual([counters.total, counters.reads, counters.writes], [3, 2, 1]);

    assert.deepEqual(await h.admin("GET", "/endpoints/10.20.0.50:6443"), { address: "10.20.0.50", port: 6443, ready: true });
    await h.admin("PUT", "/endpoints", { address: "10.20.0.50", port: 6443, ready: false });
    assert.deepEqual(await h.admin("GET", "/endpoints/10.20.0.50:6443"), { address: "10.20.0.50", port: 6443, ready: false });
    const badEp = await h.raw("PUT", "/_emulator/endpoints", { body: { address: "x", port: 0, ready: true } });
    assert.equal(badEp.status, 422);
    const state = await h.admin<{ version: number; endpoints: Record<string, boolean>; categories: object }>("GET", "/state");
    assert.equal(state.version, 1);
    assert.deepEqual(state.endpoints, { "10.20.0.50:6443": false });
    assert.ok("K" in state.categories);
  });
});

test("persistence: a restarted emulator on the same state file has every write and finishes tasks by time", async () => {
  const dir = await tempDir();
  const statePath = path.join(dir, "sub", "state.json");
  let vmUuid = "";
  let taskUuid = "";
  await withEmulator({ seed: SMALL_SEED, statePath, taskMs: 300 }, async (h) => {
    const ids = await firstIds(h);
    const r = (await h.raw("POST", `${API}/vms`, { body: vm("persisted", ids) })).json as { metadata: { uuid: string }; status: { execution_context: { task_uuid: string } } };
    vmUuid = r.metadata.uuid;
    taskUuid = r.status.execution_context.task_uuid;
    await h.raw("PUT", `${API}/categories/Stack`, { body: {} });
    const onDisk = JSON.parse(await fsp.readFile(statePath, "utf8")) as { vms: Record<string, unknown>; categories: Record<string, unknown> };
    assert.ok(onDisk.vms[vmUuid], "written before the 202");
    assert.ok(onDisk.categories.Stack);
  });
  const leftovers = (await fsp.readdir(path.dirname(statePath))).filter((f) => f.endsWith(".tmp"));
  assert.deepEqual(leftovers, []);
  await new Promise((r) => setTimeout(r, 350));
  await withEmulator({ statePath, seed: { clusters: [] } }, async (h) => {
    const v = (await h.raw("GET", `${API}/vms/${vmUuid}`)).json as { status: { state: string; resources: { nic_list: Array<{ ip_endpoint_list: Array<{ ip: string }> }> } } };
    assert.equal(v.status.state, "COMPLETE", "the task finished while the emulator was down");
    assert.equal(v.status.resources.nic_list[0]!.ip_endpoint_list[0]!.ip, "10.20.0.100");
    assert.equal(((await h.raw("GET", `${API}/tasks/${taskUuid}`)).json as { status: string }).status, "SUCCEEDED");
    assert.equal((await h.raw("GET", `${API}/categories/Stack`)).status, 200);
  });
  await fsp.writeFile(statePath, "{ truncated");
  await assert.rejects(startEmulator({ statePath }), /state file .*not valid JSON/);
});

test("seed validation: clear errors with the path and what was expected", async () => {
  const err = (() => {
    try {
      parseSeed({
        clusters: [{ name: "PE-1" }],
        subnets: [
          { name: "a", cluster: "PE-1", vlanId: 20, cidr: "10.0.0.0/33", gateway: "10.0.0.1" },
          { name: "b", cluster: "PE-9", vlanId: 20, cidr: "10.1.0.0/24", gateway: "10.2.0.1", pools: ["10.1.0.50-10.1.0.10"] },
        ],
        vms: [{ name: "v", cluster: "PE-1", subnet: "zzz" }],
      });
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(err instanceof SeedError, String(err));
  assert.deepEqual(err.issues, [`seed.subnets[0].cidr: expected an IPv4 CIDR block such as 10.20.0.0/24, got "10.0.0.0/33"`]);
  const cross = (() => {
    try {
      parseSeed({
        clusters: [{ name: "PE-1" }],
        subnets: [{ name: "b", cluster: "PE-9", vlanId: 20, cidr: "10.1.0.0/24", gateway: "10.2.0.1", pools: ["10.1.0.50-10.1.0.10"] }],
        vms: [{ name: "v", cluster: "PE-1", subnet: "zzz" }],
        extra: true,
      });
    } catch (e) {
      return e as SeedError;
    }
    return null;
  })();
  assert.ok(cross);
  assert.deepEqual(cross.issues, ["seed: unknown field(s) extra"]);
  const crossOnly = (() => {
    try {
      parseSeed({
        clusters: [{ name: "PE-1" }],
        subnets: [{ name: "b", cluster: "PE-9", vlanId: 20, cidr: "10.1.0.0/24", gateway: "10.2.0.1", pools: ["10.1.0.50-10.1.0.10"] }],
        vms: [{ name: "v", cluster: "PE-1", subnet: "zzz" }],
      });
    } catch (e) {
      return e as SeedError;
    }
    return null;
  })();
  assert.deepEqual(crossOnly?.issues, [
    "seed.subnets[0].cluster: no cluster named PE-9; known: PE-1",
    "seed.subnets[0].gateway: 10.2.0.1 is outside 10.1.0.0/24",
    "seed.subnets[0].pools[0]: start 10.1.0.50 is after end 10.1.0.10",
    "seed.vms[0].subnet: no subnet named zzz; known: b",
  ]);
  const dir = await tempDir();
  const f = path.join(dir, "seed.json");
  await fsp.writeFile(f, '{"clusters": [{"name": 5}]}');
  await assert.rejects(loadSeedFile(f), (e: unknown) => e instanceof SeedError && /seed\.clusters\[0\]\.name: expected a name \(string\), got 5/.test(e.message) && e.message.includes(f));
  await fsp.writeFile(f, "{oops");
  await assert.rejects(startEmulator({ seedPath: f }), /not valid JSON/);
  await assert.rejects(loadSeedFile(path.join(dir, "absent.json")), /cannot read the file \(ENOENT\)/);
});

test("FIQL parser: quoting, AND binds tighter than OR, errors", () => {
  assert.deepEqual(parseFiql("vm_name=='a;b,c''d';power_state==on,vm_name!=x"), [
    [
      { attr: "vm_name", op: "==", value: "a;b,c'd" },
      { attr: "power_state", op: "==", value: "on" },
    ],
    [{ attr: "vm_name", op: "!=", value: "x" }],
  ]);
  assert.ok("error" in parseFiql("vm_name"));
  assert.ok("error" in parseFiql("a==1;;b==2"));
  assert.ok("error" in parseFiql("a=='open"));
});

test("concurrent writes are serialized: 30 parallel creates get 30 distinct addresses", async () => {
  const dir = await tempDir();
  await withEmulator({ statePath: path.join(dir, "s.json"), taskMs: 5 }, async (h) => {
    const ids = await firstIds(h);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => h.raw("POST", `${API}/vms`, { body: vm(`par-${i}`, ids) })));
    assert.ok(answers.every((a) => a.status === 202));
    await new Promise((r) => setTimeout(r, 20));
    const list = (await h.raw("POST", `${API}/vms/list`, { body: { length: 100, filter: "cluster_name==PE-1" } })).json as { entities: Array<{ status: { resources: { nic_list: Array<{ ip_endpoint_list: Array<{ ip: string }> }> } } }> };
    const ips = list.entities.map((e) => e.status.resources.nic_list[0]!.ip_endpoint_list[0]!.ip);
    assert.equal(ips.length, 32);
    assert.equal(new Set(ips).size, 32);
    const onDisk = JSON.parse(await fsp.readFile(path.join(dir, "s.json"), "utf8")) as { vms: object };
    assert.equal(Object.keys(onDisk.vms).length, 32);
  });
});

test("the shipped default seed has one unowned VM and nothing that collides with the examples' VM names", async () => {
  await withEmulator({ seedPath: require.resolve("../../lib/emulator/default-seed.json") }, async (h) => {
    const vms = await h.client().listAll("vms");
    assert.deepEqual(vms.map((v) => v.spec.name), ["legacy-db-01"]);
  });
});
