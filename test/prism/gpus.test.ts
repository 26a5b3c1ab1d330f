/**
 * GPUs by name or device id, as CAPX does: ONE hosts/list (no paging, cached per client), the PE's
 * hosts' gpu_list, `{vendor, mode, device_id}` out; a miss is a PrismLookupError naming what the PE has.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PrismLookupError } from "../../lib/prism";
import type { Counters } from "../../lib/emulator";
import { withEmulator } from "../helpers/emulator";

const SEED = {
  clusters: [
    { name: "PE-1", hosts: [{ name: "h1", gpus: [{ name: "Tesla T4", deviceId: 7864 }, { name: "Tesla T4", deviceId: 7864 }] }, { name: "h2" }] },
    { name: "PE-2", hosts: [{ name: "h3", gpus: [{ name: "A16", deviceId: 9191, vendor: "NVIDIA" as const, mode: "VIRTUAL" as const }] }] },
  ],
  subnets: [{ name: "vm-net-20", cluster: "PE-1", vlanId: 20, cidr: "10.20.0.0/24", gateway: "10.20.0.1", pools: ["10.20.0.100-10.20.0.199"] }],
  images: [{ name: "ubuntu-2204-kube-v1.30.5" }],
};

test("listHosts: one POST /hosts/list returns every host", async () => {
  await withEmulator({ seed: SEED }, async (h) => {
    const c = h.client();
    const hosts = await c.listHosts();
    assert.deepEqual(hosts.map((x) => x.status?.name).sort(), ["h1", "h2", "h3"]);
    const n = (await h.admin<Counters>("GET", "/counters")).byRoute["POST /hosts/list"];
    assert.equal(n, 1);
  });
});

test("resolveGpus: by name (case-insensitive) and by device id on the PE's hosts; cached per client", async () => {
  await withEmulator({ seed: SEED }, async (h) => {
    const c = h.client();
    const pe1 = await c.resolveCluster({ name: "PE-1" });
    const pe2 = await c.resolveCluster({ name: "PE-2" });
    assert.deepEqual(await c.resolveGpus(pe1.uuid, [{ name: "tesla t4" }, { deviceId: 7864 }]), [
      { vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 7864 },
      { vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 7864 },
    ]);
    assert.deepEqual(await c.resolveGpus(pe2.uuid, [{ name: "A16" }]), [{ vendor: "NVIDIA", mode: "VIRTUAL", device_id: 9191 }]);
    assert.equal((await h.admin<Counters>("GET", "/counters")).byRoute["POST /hosts/list"], 1, "hosts listed once per client");

    // The resolved item is what a real PC needs, and the emulator accepts it on that PE.
    const sn = await c.resolveSubnet({ name: "vm-net-20" }, pe1.uuid);
    const gpu_list = await c.resolveGpus(pe1.uuid, [{ name: "Tesla T4" }]);
    const r = await c.createVm({ metadata: { kind: "vm" }, spec: { name: "gpu-vm", cluster_reference: { kind: "cluster", uuid: pe1.uuid }, resources: { nic_list: [{ subnet_reference: { kind: "subnet", uuid: sn.uuid } }], gpu_list } } });
    const vm = await c.getVm(r.uuid);
    assert.deepEqual(vm?.spec.resources.gpu_list, gpu_list);
  });
});

test("resolveGpus: an unknown name or id (or a GPU only another PE has) is a PrismLookupError listing the PE's GPUs", async () => {
  await withEmulator({ seed: SEED }, async (h) => {
    const c = h.client();
    const pe1 = await c.resolveCluster({ name: "PE-1" });
    const err = await c.resolveGpus(pe1.uuid, [{ name: "Tesla V100" }, { name: "A16" }, { deviceId: 42 }, { name: "Tesla T4" }], "PE-1").then(
      () => assert.fail("expected a lookup error"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PrismLookupError, String(err));
    assert.equal(err.issues.length, 3);
    assert.equal(err.issues[0]!.message, "no GPU named Tesla V100 on the hosts of cluster PE-1; known: Tesla T4 (device_id 7864, NVIDIA, PASSTHROUGH_COMPUTE)");
    assert.match(err.issues[1]!.message, /^no GPU named A16 on the hosts of cluster PE-1; known: Tesla T4/);
    assert.equal(err.issues[2]!.message, "no GPU with device_id 42 on the hosts of cluster PE-1; known: Tesla T4 (device_id 7864, NVIDIA, PASSTHROUGH_COMPUTE)");
    assert.deepEqual(err.candidates, [{ name: "Tesla T4 (device_id 7864, NVIDIA, PASSTHROUGH_COMPUTE)", uuid: "7864" }]);
  });
});

test("resolveAll reports a missing GPU together with the other missing references", async () => {
  await withEmulator({ seed: SEED }, async (h) => {
    const c = h.client();
    const err = await c
      .resolveAll({ images: [{ name: "no-such-image" }], gpus: [{ cluster: { name: "PE-2" }, gpus: [{ name: "Tesla T4" }] }, { cluster: { name: "PE-1" }, gpus: [{ name: "Tesla T4" }] }] })
      .then(() => assert.fail("expected a lookup error"), (e: unknown) => e);
    assert.ok(err instanceof PrismLookupError, String(err));
    assert.deepEqual(err.issues.map((i) => i.kind), ["image", "GPU"]);
    assert.match(err.issues[1]!.message, /^no GPU named Tesla T4 on the hosts of cluster PE-2; known: A16 \(device_id 9191, NVIDIA, VIRTUAL\)$/);
    const ok = await c.resolveAll({ gpus: [{ cluster: { name: "PE-1" }, gpus: [{ name: "Tesla T4" }] }] });
    assert.deepEqual(ok.gpus, [[{ vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 7864 }]]);
  });
});
