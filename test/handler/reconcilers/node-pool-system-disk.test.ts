/**
 * Reading a VM as a real Prism Central returns it (issue 12, item 4): the system disk is found by device type
 * and image source, not as `disk_list[0]` (a VM with guest customization gets a cloud-init CD-ROM whose
 * position in the list is not guaranteed: TF `structure.go` cloud_init_cdrom_uuid, nutanix.ansible #621), and
 * the power state is the VM's `status`, the spec being only the intent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, planDiff } from "../../../lib/handler";
import type { Counters } from "../../../lib/emulator";
import type { VmEntity } from "../../../lib/prism/types";
import { IMAGE_A, listVms, makePlan, withTarget } from "../fixtures";
import { immutableChanges, mutableChanges } from "../../../lib/handler/reconcilers/node-pool/machine";

const mine = (vms: VmEntity[]): VmEntity[] => vms.filter((v) => v.metadata.categories?.NpcStack === "t1");

test("the CD-ROM listed first: the VMs converge and a re-apply plans no change and makes zero writes", async () => {
  await withTarget({ cdromFirst: true }, async ({ h, base }) => {
    const plan = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 2 }] });
    const r = await applyPlan({ ...base, plan, kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const vms = mine(await listVms(h));
    assert.equal(vms.length, 3);
    for (const vm of vms) {
      assert.equal(vm.spec.resources.disk_list?.[0]?.device_properties?.device_type, "CDROM", `${vm.spec.name}: the emulator put the CD-ROM first`);
      assert.equal(vm.status?.resources?.disk_list?.[0]?.device_properties?.device_type, "CDROM");
    }
    const p = await planDiff({ ...base, plan });
    for (const d of p.diffs) assert.equal(d.action, "no-change", `${d.id}: ${JSON.stringify(d.changes)} ${JSON.stringify(d.vms)}`);
    const before = await h.admin<Counters>("GET", "/counters");
    const again = await applyPlan({ ...base, plan, kubePollMs: 20 });
    const after = await h.admin<Counters>("GET", "/counters");
    assert.equal(again.exitCode, 0, JSON.stringify(again.resources, null, 2));
    assert.equal(after.writes - before.writes, 0, "no VM replaced or updated for the CD-ROM's place");
  });
});

test("power: a VM whose spec says ON while its status says OFF gets a power-on change; the disk is the image disk wherever it is listed", () => {
  const plan = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
  const res = plan.resources.find((x) => x.id === "t1/web/md");
  assert.ok(res && res.kind === "NodePool");
  const disk = { device_properties: { device_type: "DISK" }, disk_size_mib: 40 * 1024, data_source_reference: { kind: "image", uuid: "img-a" } };
  const cdrom = { device_properties: { device_type: "CDROM" }, disk_size_mib: 1 };
  const vm = {
    metadata: { kind: "vm", uuid: "u1", categories: {} },
    spec: { name: "web-md-1", resources: { num_sockets: 2, num_vcpus_per_socket: 1, memory_size_mib: 4096, power_state: "ON", disk_list: [cdrom, disk] } },
    status: { state: "COMPLETE", resources: { power_state: "OFF", disk_list: [cdrom, disk] } },
  } as unknown as VmEntity;
  const changes = mutableChanges(vm, res, {});
  assert.deepEqual(changes.find((c) => c.field === "power_state"), { field: "power_state", from: "OFF", to: "ON" });
  assert.equal(changes.find((c) => c.field.startsWith("disk_size_mib")), undefined, "the 1 MiB CD-ROM is not read as a shrunk system disk");
  const resolved = { clusterUuid: "c", clusterName: "PE-1", imageUuid: "img-a", imageName: IMAGE_A, subnets: [], gpuList: [] } as unknown as Parameters<typeof immutableChanges>[1];
  assert.equal(immutableChanges(vm, resolved, res, "").find((c) => c.field === "image"), undefined, "the image is read from the image disk, not the CD-ROM listed first");
});
