/**
 * Hosts and GPUs in the emulator: the seed's hosts per PE (deterministic uuids), `POST /hosts/list`
 * returning every host whatever length/offset say, and a VM's gpu_list checked against the GPUs of the
 * hosts of its PE cluster.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { deterministicUuid, parseSeed, SeedError } from "../../lib/emulator";
import { withEmulator } from "../helpers/emulator";

const API = "/api/nutanix/v3";

interface HostJson {
  metadata: { kind: string; uuid: string };
  status: { name: string; cluster_reference: { uuid: string; name: string }; resources: { gpu_list: Array<Record<string, unknown>> } };
}

test("hosts/list: every host of the seed in one answer (no paging), GPUs in status.resources.gpu_list", async () => {
  await withEmulator({}, async (h) => {
    const r = await h.raw("POST", `${API}/hosts/list`, { body: { kind: "host", length: 1, offset: 4 } });
    assert.equal(r.status, 200, r.text);
    const body = r.json as { metadata: { kind: string; total_matches: number }; entities: HostJson[] };
    assert.equal(body.metadata.kind, "host");
    assert.equal(body.metadata.total_matches, 6);
    assert.equal(body.entities.length, 6, "hosts/list does not paginate");
    const byName = new Map(body.entities.map((e) => [e.status.name, e]));
    const h1 = byName.get("PE-1-host-1")!;
    assert.equal(h1.metadata.kind, "host");
    assert.equal(h1.metadata.uuid, deterministicUuid("host", "PE-1/PE-1-host-1"));
    assert.equal(h1.status.cluster_reference.name, "PE-1");
    assert.deepEqual(h1.status.resources.gpu_list, [
      { vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 7864, name: "Tesla T4", status: "UNUSED" },
      { vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 7864, name: "Tesla T4", status: "UNUSED" },
    ]);
    assert.equal(byName.get("PE-2-host-1")!.status.resources.gpu_list.length, 1);
    assert.deepEqual(byName.get("PE-1-host-2")!.status.resources.gpu_list, []);
    const one = await h.raw("GET", `${API}/hosts/${h1.metadata.uuid}`);
    assert.equal(one.status, 200);
    assert.equal((await h.raw("GET", `${API}/hosts/${deterministicUuid("host", "nope")}`)).status, 404);
  });
});

test("a VM's gpu_list must name the device_id of a GPU on a host of its PE cluster (else 422)", async () => {
  const seed = {
    clusters: [
      { name: "PE-1", hosts: [{ name: "h1", gpus: [{ name: "Tesla T4", deviceId: 7864 }] }] },
      { name: "PE-2", hosts: [{ name: "h2", gpus: [{ name: "A16", deviceId: 9191, mode: "VIRTUAL" as const }] }] },
    ],
  };
  await withEmulator({ seed }, async (h) => {
    const pe1 = deterministicUuid("cluster", "PE-1");
    const post = (name: string, gpu_list: object[]) =>
      h.raw("POST", `${API}/vms`, { body: { metadata: { kind: "vm" }, spec: { name, cluster_reference: { kind: "cluster", uuid: pe1 }, resources: { gpu_list } } } });
    const ok = await post("gpu-ok", [{ vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 7864 }]);
    assert.equal(ok.status, 202, ok.text);
    const cases: Array<[object[], RegExp]> = [
      [[{ vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 1234 }], /no GPU \(device_id 1234, NVIDIA, PASSTHROUGH_COMPUTE\) on a host of cluster PE-1; GPUs there: Tesla T4 \(NVIDIA, device_id 7864, PASSTHROUGH_COMPUTE\)/],
      [[{ vendor: "NVIDIA", mode: "VIRTUAL", device_id: 9191 }], /no GPU .*device_id 9191.* on a host of cluster PE-1/], // A16 is on PE-2
      [[{ vendor: "AMD", device_id: 7864 }], /no GPU \(device_id 7864, AMD\)/],
      [[{ vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", name: "Tesla T4" }], /a GPU is named by its device_id/],
      [[{ vendor: "NVIDIA", mode: "SHARED", device_id: 7864 }], /expected PASSTHROUGH_GRAPHICS, PASSTHROUGH_COMPUTE or VIRTUAL/],
    ];
    for (const [list, re] of cases) {
      const r = await post("gpu-bad", list);
      assert.equal(r.status, 422, `${JSON.stringify(list)}: ${r.text}`);
      const body = r.json as { state: string; message_list: Array<{ reason: string; details: Record<string, string[]> }> };
      assert.equal(body.state, "ERROR");
      assert.equal(body.message_list[0]!.reason, "INVALID_REQUEST");
      assert.match(JSON.stringify(body.message_list[0]!.details), re);
    }
  });
});

test("seed: hosts are validated like the rest", () => {
  assert.throws(
    () => parseSeed({ clusters: [{ name: "PE-1", hosts: [{ name: "h", gpus: [{ name: "T4", deviceId: -1, vendor: "NVIDIA" }] }, { name: "H" }] }] }),
    (e: unknown) => e instanceof SeedError && /seed\.clusters\[0\]\.hosts\[0\]\.gpus\[0\]\.deviceId: expected a PCI device id/.test(e.message),
  );
  assert.throws(
    () => parseSeed({ clusters: [{ name: "PE-1", hosts: [{ name: "h", gpus: [{ name: "T4", deviceId: 1, vendor: "NVIDIA", mode: "SHARED" }] }] }] }),
    (e: unknown) => e instanceof SeedError && /mode: expected PASSTHROUGH_GRAPHICS, PASSTHROUGH_COMPUTE or VIRTUAL/.test(e.message),
  );
  assert.throws(
    () => parseSeed({ clusters: [{ name: "PE-1", hosts: [{ name: "h" }, { name: "H" }] }] }),
    (e: unknown) => e instanceof SeedError && /seed\.clusters\[0\]\.hosts\[1\]\.name: H is listed twice on cluster PE-1/.test(e.message),
  );
});
