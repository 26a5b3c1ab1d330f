/**
 * The remote stack lock in Prism Central (the emulator on loopback): the record is a category value
 * NpcLock/<hash of the identity> whose description holds the JSON record, written then read back;
 * the same plan joins, another plan is refused (`locked by …`) or waits; expired records are taken
 * over; force-unlock deletes by id; release deletes only its own record; two processes race, one wins.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { acquireRemoteLock, decideRemote, forceUnlockRemote, inspectRemoteLock, LOCK_CATEGORY_KEY, lockValueName, parseRecord, type RemoteLockRecord } from "../../../lib/handler/lock/remote";
import { LockHeldError } from "../../../lib/handler/lock/types";
import { withEmulator } from "../../helpers/emulator";
import { lockChild } from "./child";

const PLAN_A = "a".repeat(64);
const PLAN_B = "b".repeat(64);
const IDENTITY = "shop/dc1";
const FAST = { settleMs: 50, pollMs: 20 };

test("decideRemote and parseRecord: take when absent, foreign or expired; join the same plan; refuse another", () => {
  const r: RemoteLockRecord = { v: 1, id: "i1", identity: IDENTITY, holder: "alice", plan: PLAN_A, start: 100, expiry: 1000 };
  assert.deepEqual(parseRecord(JSON.stringify(r)), r);
  for (const bad of [undefined, "", "not json", "{}", JSON.stringify({ ...r, v: 2 }), JSON.stringify({ ...r, expiry: "x" })]) assert.equal(parseRecord(bad), undefined, String(bad));
  assert.equal(decideRemote(undefined, PLAN_A, 0).action, "take");
  assert.equal(decideRemote(r, PLAN_B, 1000).action, "take", "expired at its expiry");
  assert.equal(decideRemote(r, PLAN_A, 999).action, "join");
  assert.deepEqual(decideRemote(r, PLAN_B, 999), { action: "refuse", by: { id: "i1", holder: "alice", plan: PLAN_A, since: 100 } });
  assert.match(lockValueName(IDENTITY), /^l[0-9a-f]{32}$/);
  assert.ok(lockValueName(IDENTITY).length <= 64, "PC's 64-character limit on a category value");
  assert.notEqual(lockValueName("shop/dc1"), lockValueName("other/dc1"));
});

test("remote lock: the record in PC, join, refuse with who holds it, release deletes only its own", async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const c = h.client();
    const a = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, holder: "alice@build-1 pid 11", ...FAST });
    assert.equal(a.joined, false);
    const v = await c.getCategoryValue(LOCK_CATEGORY_KEY, lockValueName(IDENTITY));
    const rec = parseRecord(v?.description);
    assert.equal(rec?.id, a.id);
    assert.equal(rec?.plan, PLAN_A);
    assert.equal(rec?.holder, "alice@build-1 pid 11");
    assert.ok(rec!.expiry > Date.now() + 25 * 60_000, "30 minutes by default");

    const joined = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, ...FAST });
    assert.equal(joined.joined, true);
    assert.equal(joined.id, a.id);
    await assert.rejects(acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_B, holder: "bob", ...FAST }), (e: unknown) => {
      assert.ok(e instanceof LockHeldError);
      assert.match(e.message, new RegExp(`^locked by alice@build-1 pid 11 \\(plan aaaaaaaaaaaa, since .+Z; lock id ${a.id}, in Prism Central\\)$`));
      return true;
    });
    // Another identity is another record.
    const other = await acquireRemoteLock(c, { identity: "other/dc1", plan: PLAN_B, ...FAST });
    assert.equal(await other.release(), true);

    await a.refresh();
    assert.equal(await a.release(), true);
    assert.equal(await inspectRemoteLock(c, IDENTITY), undefined);
    assert.equal(await a.release(), false, "gone already");
  });
});

test("remote lock: an expired record is taken over; the old holder's release leaves the new record alone", async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const c = h.client();
    let t = 1_000_000;
    const now = () => t;
    const old = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, ttlMs: 1000, now, ...FAST });
    t += 500;
    await assert.rejects(acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_B, now, ...FAST }), LockHeldError);
    t += 600;
    const fresh = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_B, now, ...FAST });
    assert.equal(fresh.joined, false);
    assert.equal(await old.release(), false, "not its record any more");
    await assert.rejects(old.refresh(), LockHeldError);
    assert.equal((await inspectRemoteLock(c, IDENTITY, t))?.id, fresh.id);
    assert.equal(await fresh.release(), true);
  });
});

test("remote lock: waits with a lock timeout; force-unlock deletes by id", async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const c = h.client();
    assert.equal(await forceUnlockRemote(c, "nothing"), false, "no NpcLock key yet");
    const a = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, ...FAST });
    const waiting = acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_B, lockTimeoutMs: 10_000, ...FAST });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await forceUnlockRemote(c, "0000000000000000"), false);
    assert.equal(await forceUnlockRemote(c, a.id), true);
    const b = await waiting;
    assert.equal(b.joined, false);
    assert.notEqual(b.id, a.id);
    await assert.rejects(acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, lockTimeoutMs: 200, ...FAST }), LockHeldError);
    assert.equal(await b.release(), true);
  });
});

test("remote lock: processes of two plans race, exactly one holds it; the same plan's processes share", { timeout: 90_000 }, async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const base = { kind: "remote", identity: IDENTITY, endpoint: "", url: h.emu.url, username: h.emu.username, password: h.emu.password, settleMs: 1000 };
    const kids = [PLAN_A, PLAN_B, "c".repeat(64)].map((plan, i) => lockChild({ ...base, plan, holder: `deploy-${i}`, holdMs: 3000 }));
    const results = await Promise.all(kids.map((k) => k.next()));
    assert.equal(results.filter((r) => r.ok === true).length, 1, JSON.stringify(results));
    await Promise.all(kids.map((k) => k.exited));

    const same = [0, 1].map((i) => lockChild({ ...base, plan: PLAN_A, holder: `exec-${i}`, holdMs: 2000 }));
    const shared = await Promise.all(same.map((k) => k.next()));
    assert.deepEqual(shared.map((r) => r.ok), [true, true], JSON.stringify(shared));
    assert.equal(shared[0]!.id, shared[1]!.id);
    await Promise.all(same.map((k) => k.exited));
  });
});
