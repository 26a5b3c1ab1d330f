/**
 * The client against the emulator's real Prism Central behaviours: reservations survive a re-run,
 * hot-remove needs an ACPI power cycle, ERROR entities are returned, filters are re-checked, one
 * login and then the session cookie, the first unfixed 401 stops, learned durations persist.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { PrismAuthError, PrismError, recheckFilter, resizeDecision, systemDiskIndex, type VmEntity } from "../../lib/prism";
import type { Counters } from "../../lib/emulator";
import { SMALL_SEED, tempDir, vmBody, withEmulator } from "../helpers/emulator";

test("resizeDecision: increases hot-plug; a decrease or a cores-per-socket change needs the VM off (TF resource_nutanix_virtual_machine.go)", () => {
  assert.deepEqual(resizeDecision({ num_sockets: 2, memory_size_mib: 4096 }, { num_sockets: 4, memory_size_mib: 8192 }), { kind: "hot-plug", reasons: [] });
  assert.deepEqual(resizeDecision({ num_sockets: 2, memory_size_mib: 4096 }, { num_sockets: 2, memory_size_mib: 4096 }), { kind: "none", reasons: [] });
  assert.deepEqual(resizeDecision({ num_sockets: 4, memory_size_mib: 8192 }, { num_sockets: 2, memory_size_mib: 4096 }).reasons, ["num_sockets 4 → 2", "memory_size_mib 8192 → 4096"]);
  assert.equal(resizeDecision({ num_vcpus_per_socket: 1 }, { num_vcpus_per_socket: 2 }).kind, "power-off");
});

test("systemDiskIndex: the DISK with an image source, wherever the cloud-init CD-ROM sits", () => {
  const cdrom = { device_properties: { device_type: "CDROM" as const }, disk_size_bytes: 382976 };
  const disk = { device_properties: { device_type: "DISK" as const }, data_source_reference: { kind: "image", uuid: "u" } };
  assert.equal(systemDiskIndex([cdrom, disk]), 1);
  assert.equal(systemDiskIndex([disk, cdrom]), 0);
  assert.equal(systemDiskIndex([cdrom]), -1);
});

test("recheckFilter: a loose server answer is filtered again on the client (TF #542)", () => {
  const mk = (name: string): VmEntity => ({ metadata: { kind: "vm", uuid: name }, spec: { name, resources: {} } });
  assert.deepEqual(recheckFilter("vm_name==a", [mk("a"), mk("b")]).map((v) => v.spec.name), ["a"]);
  // Tasks: operation_type and the string status, as the run's list of running creates asks them.
  const task = (operation_type: string, status: string): { uuid: string; operation_type: string; status: string } => ({ uuid: `${operation_type}/${status}`, operation_type, status });
  const tasks = [task("create_vm_intentful", "RUNNING"), task("create_vm_intentful", "SUCCEEDED"), task("delete_vm_intentful", "RUNNING"), task("create_vm_intentful", "QUEUED")];
  const running = "operation_type==create_vm_intentful;status==QUEUED,operation_type==create_vm_intentful;status==RUNNING";
  assert.deepEqual(recheckFilter(running, tasks).map((t) => t.uuid), ["create_vm_intentful/RUNNING", "create_vm_intentful/QUEUED"]);
  assert.deepEqual(recheckFilter("vm_name==a,vm_name==b", [mk("a"), mk("b"), mk("c")]).map((v) => v.spec.name), ["a", "b"]);
  assert.equal(recheckFilter("name=in=(a)", [mk("a"), mk("b")]).length, 2, "a filter it cannot read leaves the page as sent");
});

test("a re-run after a crash finds the slot's reservation and the VM, with no second VM and no failed task", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 300 }, async (h) => {
    const first = h.client();
    const body = await vmBody(first, "slot-vm");
    const a = await first.createVmIdempotent("stack/pool/slot-vm", body);
    first.close();
    // A new process (no memory of the first): same slot key → same reserved uuid → found, not POSTed.
    const second = h.client();
    const b = await second.createVmIdempotent("stack/pool/slot-vm", body);
    assert.equal(b.uuid, a.uuid);
    assert.equal(b.existed, true);
    await second.waitForTask(b.taskUuid, { initialDelayMs: 50 });
    const counters = await h.admin<Counters>("GET", "/counters");
    assert.equal(counters.byRoute["POST /vms"], 1, "one POST /vms for the slot");
    assert.equal(counters.faults.taskFailed, 0);
    assert.equal((await second.listVms("vm_name==slot-vm")).length, 1);
  });
});

test("lowering memory on a running VM: the emulator refuses it ('kOn') and updateVmPowerCycled does ACPI off → update → on", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 30 }, async (h) => {
    const c = h.client();
    const r = await c.createVm(await vmBody(c, "resize-me"));
    await c.waitForTask(r.taskUuid, { initialDelayMs: 40 });
    const refused = await c.updateVm(r.uuid, (spec) => void (spec.resources.memory_size_mib = 2048), { wait: { initialDelayMs: 40 } }).then(() => null, (e: unknown) => e);
    assert.ok(refused instanceof PrismError && /current power state of the VM is 'kOn'/.test(refused.message), String(refused));
    const lines: string[] = [];
    const c2 = h.client({ logger: (l) => lines.push(l) });
    const done = await c2.updateVmPowerCycled(r.uuid, (spec) => {
      spec.resources.memory_size_mib = 2048;
      spec.resources.power_state = "ON";
    }, { wait: { initialDelayMs: 40 } });
    assert.equal(done.powerCycled, true);
    assert.equal(done.taskUuids.length, 3);
    const vm = await c2.getVm(r.uuid);
    assert.equal(vm?.spec.resources.memory_size_mib, 2048);
    assert.equal(vm?.status?.resources?.power_state, "ON", "powered on again");
    assert.equal(vm?.spec.resources.power_state_mechanism && (vm.spec.resources.power_state_mechanism as { mechanism: string }).mechanism, "ACPI");
    assert.ok(lines.some((l) => /ACPI power off, update, power on/.test(l)));
    // An increase hot-plugs: one update, no power cycle.
    const up = await c2.updateVmPowerCycled(r.uuid, (spec) => void (spec.resources.memory_size_mib = 4096), { wait: { initialDelayMs: 40 } });
    assert.equal(up.powerCycled, false);
  });
});

test("GET spec carries the server-filled fields and the cloud-init CD-ROM; PUT sends them back", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 20 }, async (h) => {
    const c = h.client();
    const body = await vmBody(c, "ci-vm");
    body.spec.resources.guest_customization = { cloud_init: { user_data: Buffer.from("#cloud-config\n").toString("base64") } };
    const r = await c.createVm(body);
    await c.waitForTask(r.taskUuid, { initialDelayMs: 30 });
    const vm = (await c.getVm(r.uuid))!;
    const disks = vm.spec.resources.disk_list ?? [];
    assert.deepEqual(disks.map((d) => (d.device_properties as { device_type: string }).device_type), ["DISK", "CDROM"]);
    for (const f of ["power_state_mechanism", "hardware_clock_timezone", "vnuma_config", "serial_port_list", "cpu_hotplug_enabled", "machine_type"]) assert.ok(f in vm.spec.resources, f);
    const seen: string[] = [];
    await c.updateVm(r.uuid, (spec) => {
      seen.push(...Object.keys(spec.resources));
      spec.description = "x";
    }, { wait: { initialDelayMs: 30 } });
    assert.ok(seen.includes("power_state_mechanism"), "the whole GET spec goes back");
    const after = (await c.getVm(r.uuid))!;
    assert.equal(after.spec.resources.disk_list?.length, 2, "the CD-ROM is kept");
    assert.deepEqual(after.status?.execution_context?.task_uuid?.length, 1, "one task uuid per VM");
  });
});

test("sessions: checkAuth logs in once, later calls send NTNX_IGW_SESSION; a wrong password stops at the first 401", async () => {
  await withEmulator({ seed: SMALL_SEED }, async (h) => {
    const c = h.client();
    await c.checkAuth();
    assert.equal(c.hasSession, true);
    await c.listAll("clusters");
    await c.listAll("subnets");
    assert.equal(c.stats.logins, 1);
    const bad = h.client({ password: "wrong" });
    await assert.rejects(bad.checkAuth(), PrismAuthError);
    await assert.rejects(bad.listAll("clusters"), PrismAuthError);
    await assert.rejects(bad.getVm("00000000-0000-4000-8000-000000000000"), PrismAuthError);
    assert.equal(bad.stats.requests, 1, "one failed login, then no more attempts (account lockout)");
  });
});

test("projects by name through projects/list; an http:// endpoint warns that credentials travel in clear", async () => {
  await withEmulator({ seed: SMALL_SEED }, async (h) => {
    const lines: string[] = [];
    const c = h.client({ logger: (l) => lines.push(l) });
    assert.ok(lines.some((l) => /travel in clear/.test(l)), lines.join("\n"));
    const p = await c.resolveProject({ name: "default" });
    assert.equal(p.name, "default");
    await assert.rejects(c.resolveProject({ name: "nope" }), /no project named nope/);
  });
});

test("learned task durations persist per Prism Central in the cache file", async () => {
  const dir = await tempDir();
  const file = path.join(dir, "durations.json");
  await withEmulator({ seed: SMALL_SEED, taskMs: 120 }, async (h) => {
    const c = h.client({ taskDurationsFile: file });
    const r = await c.createVm(await vmBody(c, "d-1"));
    await c.waitForTask(r.taskUuid, { initialDelayMs: 20 });
    const saved = JSON.parse(await fsp.readFile(file, "utf8")) as { prismCentrals: Record<string, Record<string, number>> };
    assert.deepEqual(Object.values(saved.prismCentrals), [{ create_vm_intentful: 120 }]);
    const warm = h.client({ taskDurationsFile: file });
    assert.equal(warm.learnedTaskDurations.get("create_vm_intentful"), 120, "a new process starts warm");
  });
});

test("a power-cycled update whose change fails with the VM off powers it on again (unchanged) before the failure is reported", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 30 }, async (h) => {
    const c = h.client();
    const r = await c.createVm(await vmBody(c, "resize-fails"));
    await c.waitForTask(r.taskUuid, { initialDelayMs: 40 });
    const lines: string[] = [];
    const c2 = h.client({ logger: (l) => lines.push(l) });
    let calls = 0;
    const failed = await c2
      .updateVmPowerCycled(r.uuid, (spec) => {
        if (++calls > 1) throw new Error("the VM lost its ownership categories");
        spec.resources.memory_size_mib = 2048;
      }, { wait: { initialDelayMs: 40 } })
      .then(() => null, (e: unknown) => e);
    assert.ok(failed instanceof Error && /lost its ownership categories/.test(failed.message), String(failed));
    const vm = await c2.getVm(r.uuid);
    assert.equal(vm?.status?.resources?.power_state, "ON", "powered on again");
    assert.notEqual(vm?.spec.resources.memory_size_mib, 2048, "unchanged");
    assert.ok(lines.some((l) => /powered on again, unchanged, after its update failed/.test(l)), lines.join("\n"));
  });
});
