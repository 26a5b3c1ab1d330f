/**
 * Updates a real Prism Central accepts (issue 12, item 3), against the emulator, which refuses a
 * hot-remove on a running VM as a real PC does: lowering memory and sockets on running VMs powers each VM
 * off (ACPI), updates it and powers it on, never two VMs of a pool down at once; the VMs end ON with the
 * new sizes; a converged re-apply makes zero writes. Raising them hot-plugs (no power cycle).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../../lib/handler";
import type { Counters } from "../../../lib/emulator";
import type { VmEntity } from "../../../lib/prism/types";
import { listVms, makePlan, stackVmNames, withTarget } from "../fixtures";

const poolOf = (v: VmEntity): string => String(v.metadata.categories?.NpcPool ?? "");

test("lowering memory and sockets on running VMs converges with the VMs ON, one VM of a pool down at a time; re-apply writes nothing", async () => {
  await withTarget({ taskMs: 150 }, async ({ h, base }) => {
    const big = makePlan({ cpReplicas: 3, cpMemoryGiB: 8, workers: [{ name: "md", replicas: 2, memoryGiB: 8, vcpuSockets: 4 }] });
    assert.equal((await applyPlan({ ...base, plan: big })).exitCode, 0);

    // Watch the power states while the resize runs: the most VMs of one pool seen OFF at once.
    let watching = true;
    const maxOff: Record<string, number> = {};
    const watch = (async () => {
      while (watching) {
        const vms = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1");
        const off: Record<string, number> = {};
        for (const v of vms) if (v.status?.resources?.power_state !== "ON") off[poolOf(v)] = (off[poolOf(v)] ?? 0) + 1;
        for (const [p, n] of Object.entries(off)) maxOff[p] = Math.max(maxOff[p] ?? 0, n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const lines: string[] = [];
    const small = makePlan({ cpReplicas: 3, cpMemoryGiB: 4, workers: [{ name: "md", replicas: 2, memoryGiB: 4, vcpuSockets: 2 }] });
    const r = await applyPlan({ ...base, plan: small, log: (l) => lines.push(l) });
    watching = false;
    await watch;
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));

    const vms = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1");
    assert.deepEqual(stackVmNames(vms), ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2"], "updated in place, nothing replaced");
    for (const v of vms) {
      assert.equal(v.status?.resources?.power_state, "ON", `${v.spec.name} is ON again`);
      assert.equal(v.spec.resources.memory_size_mib, 4096, `${v.spec.name} memory lowered`);
      assert.equal(v.status?.resources?.memory_size_mib ?? 4096, 4096);
    }
    assert.equal(vms.find((v) => v.spec.name === "web-md-1")!.spec.resources.num_sockets, 2);
    for (const name of ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2"]) {
      assert.ok(lines.some((l) => l.includes(`updated ${name} in place`) && l.includes("powered off by ACPI")), `${name} was power-cycled:\n${lines.join("\n")}`);
    }
    assert.ok((maxOff.cp ?? 0) >= 1 && (maxOff.md ?? 0) >= 1, `the watcher saw the VMs off (${JSON.stringify(maxOff)})`);
    assert.ok((maxOff.cp ?? 0) <= 1 && (maxOff.md ?? 0) <= 1, `never two VMs of a pool down at once (${JSON.stringify(maxOff)})`);

    const before = await h.admin<Counters>("GET", "/counters");
    const again = await applyPlan({ ...base, plan: small });
    const after = await h.admin<Counters>("GET", "/counters");
    assert.equal(again.exitCode, 0);
    assert.equal(after.writes - before.writes, 0, "a converged re-apply makes zero writes");
  });
});

test("raising memory hot-plugs: the VMs stay ON throughout, one PUT each", async () => {
  await withTarget({}, async ({ h, base }) => {
    assert.equal((await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }) })).exitCode, 0);
    const before = await h.admin<Counters>("GET", "/counters");
    const lines: string[] = [];
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, cpMemoryGiB: 8, workers: [{ name: "md", replicas: 1, memoryGiB: 8 }] }), log: (l) => lines.push(l) });
    const after = await h.admin<Counters>("GET", "/counters");
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    assert.equal((after.byRoute["PUT /vms/{uuid}"] ?? 0) - (before.byRoute["PUT /vms/{uuid}"] ?? 0), 2, "one PUT per VM");
    assert.ok(!lines.some((l) => l.includes("powered off")), lines.join("\n"));
    for (const v of (await listVms(h)).filter((x) => x.metadata.categories?.NpcStack === "t1")) {
      assert.equal(v.spec.resources.memory_size_mib, 8192);
      assert.equal(v.status?.resources?.power_state, "ON");
    }
  });
});
