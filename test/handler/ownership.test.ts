/**
 * Pure pieces: ownership categories and hashing, names, deterministic UUIDs, the
 * scheduler's graph and semaphore.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { categoryValue, ownedByResource, ownershipCategories, parseVmName, resourceHash, uuidV5, vmName, vmUuid } from "../../lib/handler/ownership";
import { runGraph, Semaphore } from "../../lib/handler/scheduler";

test("category values fit 64 characters deterministically; resource hashes are stable", () => {
  assert.equal(categoryValue("dc1"), "dc1");
  const long = "x".repeat(100);
  const v = categoryValue(long);
  assert.equal(v.length, 64);
  assert.equal(v, categoryValue(long));
  assert.notEqual(v, categoryValue(`${"x".repeat(99)}y`));
  assert.match(resourceHash("dc1/pcg-host/cp"), /^r-[0-9a-f]{16}$/);
  const cats = ownershipCategories({ identity: "proj/dc1", stack: "dc1", resourceId: "dc1/pcg-host/cp", clusterName: "pcg-host", pool: "cp", specHash: "a".repeat(64), bootHash: "b".repeat(64) });
  assert.ok(Object.values(cats).every((x) => x.length <= 64));
  assert.ok(ownedByResource({ metadata: { kind: "vm", categories: cats } }, "proj/dc1", "dc1/pcg-host/cp"));
  assert.ok(!ownedByResource({ metadata: { kind: "vm", categories: cats } }, "proj/dc1", "dc1/pcg-host/default"));
  // Another program's stack dc1 (project other) does not own it, nor does a VM with the bare stack name alone.
  assert.ok(!ownedByResource({ metadata: { kind: "vm", categories: cats } }, "other/dc1", "dc1/pcg-host/cp"));
  assert.ok(!ownedByResource({ metadata: { kind: "vm", categories: { NpcStack: "dc1", NpcResource: resourceHash("dc1/pcg-host/cp") } } }, "proj/dc1", "dc1/pcg-host/cp"));
});

test("names parse back to their ordinal; replacement names carry 6 hex of the spec hash", () => {
  assert.equal(vmName("web", "md", 3), "web-md-3");
  assert.equal(vmName("web", "md", 3, "abcdef0123"), "web-md-3-abcdef");
  assert.deepEqual(parseVmName("web-md-3", "web", "md"), { ordinal: 3 });
  assert.deepEqual(parseVmName("web-md-12-abcdef", "web", "md"), { ordinal: 12, suffix: "abcdef" });
  assert.equal(parseVmName("web-md-x", "web", "md"), undefined);
  assert.equal(parseVmName("web-mdx-1", "web", "md"), undefined);
  assert.equal(parseVmName("web-md-0", "web", "md"), undefined);
});

test("VM uuids are RFC 4122 v5 and a function of stack, resource, name and spec", () => {
  const u = vmUuid("dc1", "dc1/web/md", "web-md-1", "f".repeat(64));
  assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(u, vmUuid("dc1", "dc1/web/md", "web-md-1", "f".repeat(64)));
  assert.notEqual(u, vmUuid("dc2", "dc1/web/md", "web-md-1", "f".repeat(64)));
  assert.notEqual(u, vmUuid("dc1", "dc1/web/md", "web-md-1", "e".repeat(64)));
  // Known vector: uuid v5 of "www.example.com" in the DNS namespace.
  assert.equal(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
});

test("runGraph: dependency order, parallel independents, failures skip dependents only", async () => {
  const order: string[] = [];
  const nodes = [
    { id: "a", dependsOn: [] },
    { id: "b", dependsOn: ["a"] },
    { id: "c", dependsOn: ["b"] },
    { id: "x", dependsOn: [] },
    { id: "y", dependsOn: ["x"] },
  ];
  const out = await runGraph(nodes, async (n) => {
    order.push(`start ${n.id}`);
    await new Promise((r) => setTimeout(r, 10));
    if (n.id === "b") throw new Error("boom");
    order.push(`end ${n.id}`);
    return n.id;
  });
  assert.equal(out.get("a")!.status, "ok");
  assert.equal(out.get("b")!.status, "failed");
  assert.deepEqual(out.get("c"), { status: "skipped", reason: "dependency b failed", ms: 0 });
  assert.equal(out.get("y")!.status, "ok");
  assert.ok(order.indexOf("end a") < order.indexOf("start b"));
  assert.ok(order.indexOf("start x") < order.indexOf("end a"), "independents run in parallel");
});

test("Semaphore bounds concurrency", async () => {
  const s = new Semaphore(3);
  let active = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      s.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
      }),
    ),
  );
  assert.equal(peak, 3);
  assert.equal(s.peak, 3);
  assert.throws(() => new Semaphore(0), /parallelism/);
});
