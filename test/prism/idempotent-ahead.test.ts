/**
 * Reservations taken ahead of the create (PrismClient.reserveVm, then createVm with it: the handler
 * keeps the two reservation round trips out of its write permit) and the client's write gate (the
 * handler's session reads while the stack lock record settles and writes only once it is confirmed).
 * Against the emulator over loopback HTTP; the emulator's counters say what was sent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PrismError } from "../../lib/prism";
import type { VmReservation } from "../../lib/prism/client";
import { SMALL_SEED, vmBody, withEmulator } from "../helpers/emulator";

type Counters = { byRoute: Record<string, number>; writes: number };

test("a reservation taken ahead is used by the create: one GET and one POST of /idempotence_identifiers, the VM gets the reserved uuid; a re-run finds it", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 20 }, async (h) => {
    const c = h.client();
    const body = await vmBody(c, "ahead-1", { uuid: "0b0b0b0b-0000-4000-8000-000000000001" });
    await h.admin("DELETE", "/counters");
    const r = await c.reserveVm(body.metadata!.uuid!);
    assert.equal(r.reused, false);
    assert.equal(r.slotKey, body.metadata!.uuid);
    assert.ok(Number.isFinite(r.expiresAt) && r.expiresAt > Date.now(), "the expiration_time of the answer is kept");
    const created = await c.createVm(body, r);
    assert.equal(created.uuid, r.uuid, "the VM carries the reserved uuid");
    assert.equal(created.existed, false);
    await c.waitForTask(created.taskUuid, { initialDelayMs: 10 });
    let n = await h.admin<Counters>("GET", "/counters");
    assert.equal(n.byRoute["GET /idempotence_identifiers/{id}"], 1, "the create did not reserve again");
    assert.equal(n.byRoute["POST /idempotence_identifiers"], 1);
    assert.equal(n.byRoute["POST /vms"], 1);
    // A later run (a new client): the same slot finds the same reservation, and the create finds the VM.
    const c2 = h.client();
    const again = await c2.reserveVm(body.metadata!.uuid!);
    assert.equal(again.reused, true);
    assert.equal(again.uuid, r.uuid);
    const found = await c2.createVm(body, again);
    assert.equal(found.existed, true);
    assert.equal(found.uuid, r.uuid);
    n = await h.admin<Counters>("GET", "/counters");
    assert.equal(n.byRoute["POST /vms"], 1, "no second POST /vms");
  });
});

test("a reservation for another slot, or one about to expire, is not used: the create reserves its own", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 20 }, async (h) => {
    const c = h.client();
    const body = await vmBody(c, "ahead-2", { uuid: "0b0b0b0b-0000-4000-8000-000000000002" });
    const other = await c.reserveVm("some/other/slot");
    const stale: VmReservation = { ...(await c.reserveVm(body.metadata!.uuid!)), expiresAt: Date.now() + 1000 };
    await h.admin("DELETE", "/counters");
    const a = await c.createVm(body, other);
    assert.notEqual(a.uuid, other.uuid, "another slot's uuid is never used");
    assert.equal(a.uuid, stale.uuid, "the slot's own reservation is found");
    let n = await h.admin<Counters>("GET", "/counters");
    assert.equal(n.byRoute["GET /idempotence_identifiers/{id}"], 1, "reserved again for its own slot");
    await c.waitForTask(a.taskUuid, { initialDelayMs: 10 });
    await h.admin("DELETE", "/counters");
    const b = await c.createVm(body, stale);
    assert.equal(b.existed, true);
    n = await h.admin<Counters>("GET", "/counters");
    assert.equal(n.byRoute["GET /idempotence_identifiers/{id}"], 1, "a reservation expiring within a minute is looked up again");
    await assert.rejects(() => c.reserveVm(""), PrismError);
  });
});

test("writeGate: reads go at once, every request that changes Prism Central (reservations included) waits for it; a rejected gate sends nothing", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 20 }, async (h) => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const c = h.client({ writeGate: () => gate });
    await h.admin("DELETE", "/counters");
    assert.equal((await c.listAll("clusters")).length, 3, "a list POST is a read");
    assert.equal(await c.getCategoryKey("NoSuchKey"), null, "a GET is a read");
    let wrote = false;
    const put = c.putCategoryKey("GatedKey", "written after the gate").then(() => (wrote = true));
    const reserve = c.reserveVm("gated/slot");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(wrote, false, "the PUT waits for the gate");
    let n = await h.admin<Counters>("GET", "/counters");
    assert.equal(n.byRoute["PUT /categories/{key}"] ?? 0, 0);
    assert.equal(n.byRoute["POST /idempotence_identifiers"] ?? 0, 0, "the reservation POST waits too");
    open();
    await put;
    assert.equal((await reserve).reused, false);
    n = await h.admin<Counters>("GET", "/counters");
    assert.equal(n.byRoute["PUT /categories/{key}"], 1);
    // A gate that rejects fails the write unsent.
    const refused = new Error("locked by another plan");
    const r = h.client({ writeGate: () => Promise.reject(refused) });
    await h.admin("DELETE", "/counters");
    await assert.rejects(() => r.putCategoryKey("RefusedKey"), (e: unknown) => e === refused);
    n = await h.admin<Counters>("GET", "/counters");
    assert.equal(n.writes, 0, "nothing was written");
    assert.equal(await r.getCategoryKey("RefusedKey"), null);
  });
});
