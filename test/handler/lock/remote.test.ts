/**
 * The remote stack lock in Prism Central (the emulator on loopback): the record is a category value
 * NpcLock/<hash of the identity> whose description holds the JSON record, written then read back;
 * the same plan joins, another plan is refused (`locked by …`) or waits; expired records are taken
 * over; force-unlock deletes by id; release deletes only its own record; two processes race, one wins;
 * the same plan from two machines holds one record with an entry per machine, and one machine's release
 * leaves the other's hold.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { acquireRemoteLock, decideRemote, forceUnlockRemote, inspectRemoteLock, leaveDecision, liveHolders, LOCK_CATEGORY_KEY, lockValueName, parseRecord, withHolder, withoutStaleOfMachine, type RemoteLockRecord } from "../../../lib/handler/lock/remote";
import { lockRun, planHash } from "../../../lib/handler/lock/run";
import { tempDir } from "../../helpers/emulator";
import { makePlan } from "../fixtures";
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

test("holders: live entries (a record without them: its taker), an entry added or refreshed, leaving writes the rest or deletes", () => {
  const legacy: RemoteLockRecord = { v: 1, id: "i1", identity: IDENTITY, holder: "alice", plan: PLAN_A, start: 100, expiry: 1000 };
  assert.deepEqual(liveHolders(legacy, 500), { i1: 1000 });
  assert.deepEqual(liveHolders(legacy, 1000), {}, "expired at its expiry");
  const two = withHolder(legacy, "m2", 1500, 500);
  assert.deepEqual(two.holders, { i1: 1000, m2: 1500 });
  assert.equal(two.expiry, 1500, "the record lives as long as its last entry");
  assert.deepEqual(withHolder(two, "m3", 2000, 1200).holders, { m2: 1500, m3: 2000 }, "dead entries dropped");
  assert.deepEqual(leaveDecision(two, "i1", 500), { action: "write", record: { ...two, holders: { m2: 1500 }, expiry: 1500 } });
  assert.deepEqual(leaveDecision(two, "m2", 500), { action: "write", record: { ...two, holders: { i1: 1000 }, expiry: 1000 } });
  assert.deepEqual(leaveDecision(two, "m2", 1200), { action: "delete" }, "the other entry is dead");
  assert.deepEqual(leaveDecision({ ...legacy, holders: { m2: 1500 } }, "m2", 500), { action: "delete" });
  assert.equal(parseRecord(JSON.stringify(two))?.holders?.m2, 1500);
  for (const bad of [{ m2: "x" }, ["m2"], null]) assert.equal(parseRecord(JSON.stringify({ ...legacy, holders: bad })), undefined, JSON.stringify(bad));
});

test("remote lock: the same plan from two machines shares one record; the first machine's release leaves the other's hold", async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const c = h.client();
    const m1 = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, token: "machine-1", holder: "ci@runner-1", ...FAST });
    const m2 = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, token: "machine-2", holder: "ci@runner-2", ...FAST });
    assert.equal(m2.joined, true);
    assert.equal(m2.id, m1.id);
    assert.deepEqual(Object.keys((await inspectRemoteLock(c, IDENTITY))?.holders ?? {}).sort(), ["machine-1", "machine-2"]);
    // A second process of machine 1 joins without a write.
    const again = await acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_A, token: "machine-1", ...FAST });
    assert.equal(again.joined, true);

    assert.equal(await m1.release(), true);
    const left = await inspectRemoteLock(c, IDENTITY);
    assert.equal(left?.id, m1.id, "the record stays while machine 2 runs");
    assert.deepEqual(Object.keys(left?.holders ?? {}), ["machine-2"]);
    await assert.rejects(acquireRemoteLock(c, { identity: IDENTITY, plan: PLAN_B, token: "machine-3", ...FAST }), (e: unknown) => e instanceof LockHeldError && e.message.includes(m1.id));
    await m2.refresh();
    assert.equal(await m2.release(), true);
    assert.equal(await inspectRemoteLock(c, IDENTITY), undefined, "the last machine deletes it");
    assert.equal(await m1.release(), false, "gone already");
  });
});

test("run lock: two machines (two lock directories) of one plan; the last process of the first machine leaves the record to the second", async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const c = h.client();
    const plan = makePlan();
    const run = async () => lockRun({ identity: IDENTITY, endpoint: h.emu.url, plan, client: c, note: () => undefined, lockDir: await tempDir("npc-lock-machine-"), lockSettleMs: 50 });
    const [a, b] = [await run(), await run()];
    assert.notEqual(a.localId, b.localId, "one local lock per machine");
    await a.takeRecord();
    await b.takeRecord();
    assert.equal(a.remoteId(), b.remoteId(), "one record");
    await a.release();
    assert.equal((await inspectRemoteLock(c, IDENTITY))?.id, b.remoteId(), "machine 1 done: machine 2 still holds it");
    const other = makePlan({ workers: [{ name: "md", replicas: 3 }] });
    const refused = await lockRun({ identity: IDENTITY, endpoint: h.emu.url, plan: other, client: c, note: () => undefined, lockDir: await tempDir("npc-lock-machine-"), lockSettleMs: 50 });
    await assert.rejects(refused.takeRecord(), LockHeldError);
    await refused.release();
    await b.release();
    assert.equal(await inspectRemoteLock(c, IDENTITY), undefined);
  });
});

test("withoutStaleOfMachine: this machine's entries of other runs are dead, other machines' and legacy entries stay", () => {
  const now = 1_000;
  const rec: RemoteLockRecord = { v: 1, id: "r1", identity: IDENTITY, holder: "h", plan: "p", start: 0, expiry: 9_000, holders: { "m1.old": 9_000, "m1.me": 5_000, "m2.x": 7_000, "m1.gone": 500 } };
  assert.deepEqual(withoutStaleOfMachine(rec, "m1", "m1.me", now)?.holders, { "m1.me": 5_000, "m2.x": 7_000 });
  assert.equal(withoutStaleOfMachine(rec, "m1", "m1.me", now)?.expiry, 7_000, "the record expires with its last live entry");
  assert.equal(withoutStaleOfMachine(rec, undefined, "m1.me", now), rec, "no machine given: every entry counts");
  assert.equal(withoutStaleOfMachine({ ...rec, holders: { "m1.old": 9_000 } }, "m1", "m1.me", now), undefined, "only a dead run of this machine: no record");
  const legacy: RemoteLockRecord = { v: 1, id: "r2", identity: IDENTITY, holder: "h", plan: "p", start: 0, expiry: 9_000 };
  assert.equal(withoutStaleOfMachine(legacy, "m1", "m1.me", now), legacy);
});

test("run lock: a run killed holding the record (SIGKILL: no release) does not lock out the next plan on the same machine", async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const c = h.client();
    const dir = await tempDir("npc-lock-killed-");
    const killed = await lockRun({ identity: IDENTITY, endpoint: h.emu.url, plan: makePlan(), client: c, note: () => undefined, lockDir: dir, lockSettleMs: 50 });
    await killed.takeRecord();
    // The killed process never releases: its local lock is stale once its pid is gone; here the test drops it as
    // the local lock's staleness check would (a lock directory whose holder is not alive is taken over).
    const held = (await inspectRemoteLock(c, IDENTITY))!;
    assert.ok(held);
    const fsp = await import("node:fs/promises");
    await fsp.rm(dir, { recursive: true, force: true });
    const next = await lockRun({ identity: IDENTITY, endpoint: h.emu.url, plan: makePlan({ workers: [{ name: "md", replicas: 3 }] }), client: c, note: () => undefined, lockDir: dir, lockSettleMs: 50 });
    await next.takeRecord();
    assert.notEqual(next.remoteId(), held.id, "a new record replaces the dead run's");
    await next.release();
    assert.equal(await inspectRemoteLock(c, IDENTITY), undefined, "and is gone after the release");
    // Another machine's live entry of another plan still refuses.
    const other = await lockRun({ identity: IDENTITY, endpoint: h.emu.url, plan: makePlan(), client: c, note: () => undefined, lockDir: await tempDir("npc-lock-other-"), lockSettleMs: 50 });
    await other.takeRecord();
    const mine = await lockRun({ identity: IDENTITY, endpoint: h.emu.url, plan: makePlan({ workers: [{ name: "md", replicas: 3 }] }), client: c, note: () => undefined, lockDir: dir, lockSettleMs: 50 });
    await assert.rejects(mine.takeRecord(), LockHeldError);
    await mine.release();
    await other.release();
  });
});

test("run lock: prepareRelease reads the record ahead, so the release is one DELETE; a read older than half the settle time is read again, and a join that landed after it is kept", async () => {
  await withEmulator({ taskMs: 10 }, async (h) => {
    const c = h.client();
    const plan = makePlan();
    const settleMs = 200;
    const run = async () => lockRun({ identity: IDENTITY, endpoint: h.emu.url, plan, client: c, note: () => undefined, lockDir: await tempDir("npc-lock-ahead-"), lockSettleMs: settleMs });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    const a = await run();
    await a.takeRecord();
    a.prepareRelease();
    await sleep(20);
    let before = c.stats.requests;
    await a.release();
    assert.equal(c.stats.requests - before, 1, "the release is the DELETE alone");
    assert.equal(await inspectRemoteLock(c, IDENTITY), undefined);

    // A second machine of the plan joins after the read ahead (its join takes the settle time, more than the
    // read's usable age): the release reads again, sees the joiner's entry and leaves the record to it.
    const b = await run();
    await b.takeRecord();
    b.prepareRelease();
    const joiner = await acquireRemoteLock(c, { identity: IDENTITY, plan: planHash(plan), token: "machine-2", holder: "ci@runner-2", settleMs, pollMs: 20 });
    assert.equal(joiner.joined, true);
    before = c.stats.requests;
    await b.release();
    assert.equal(c.stats.requests - before, 2, "read again, then the write without this machine's entry");
    const left = await inspectRemoteLock(c, IDENTITY);
    assert.equal(left?.id, joiner.id, "the joiner still holds the record");
    assert.deepEqual(Object.keys(left?.holders ?? {}), ["machine-2"]);
    assert.equal(await joiner.release(), true);
  });
});

test("remote lock: the first read of the record goes out with the key's check; a failed first read, or one from before the key existed, is read again", async () => {
  await withEmulator({ taskMs: 10, latencyMs: 40 }, async (h) => {
    const c = h.client();
    const inFlight: string[] = [];
    const together: string[][] = [];
    const track = <T>(what: string, p: Promise<T>): Promise<T> => {
      inFlight.push(what);
      together.push([...inFlight]);
      return p.finally(() => inFlight.splice(inFlight.indexOf(what), 1));
    };
    let failFirstValueRead = false;
    let valueReads = 0;
    const traced = {
      ensureCategoryKey: (k: string, d?: string) => track(`key ${k}`, c.ensureCategoryKey(k, d)),
      getCategoryValue: (k: string, v: string) => {
        valueReads++;
        if (failFirstValueRead && valueReads === 1) return track(`value ${k}`, Promise.reject(new Error("500 from a key that did not exist")));
        return track(`value ${k}`, c.getCategoryValue(k, v));
      },
      putCategoryValue: c.putCategoryValue.bind(c),
      deleteCategoryValue: c.deleteCategoryValue.bind(c),
      listCategoryValues: c.listCategoryValues.bind(c),
    };
    // The key does not exist yet: created, then the record is read again (the early answer is not used).
    const a = await acquireRemoteLock(traced, { identity: IDENTITY, plan: PLAN_A, ...FAST });
    assert.ok(together.some((t) => t.includes(`key ${LOCK_CATEGORY_KEY}`) && t.includes(`value ${LOCK_CATEGORY_KEY}`)), JSON.stringify(together));
    assert.equal(valueReads, 3, "the early read, the read after the key was created, the read-back");
    assert.equal(await a.release(), true);

    // The key exists (a fresh client knows nothing): the early read is the one used.
    const c2 = h.client();
    valueReads = 0;
    const b = await acquireRemoteLock({ ...traced, ensureCategoryKey: (k: string, d?: string) => c2.ensureCategoryKey(k, d) }, { identity: IDENTITY, plan: PLAN_A, ...FAST });
    assert.equal(valueReads, 2, "the early read and the read-back");
    assert.equal(await b.release(), true);

    // A first read that fails is not fatal: read again once the key is known to exist.
    const c3 = h.client();
    valueReads = 0;
    failFirstValueRead = true;
    const d = await acquireRemoteLock({ ...traced, ensureCategoryKey: (k: string, desc?: string) => c3.ensureCategoryKey(k, desc) }, { identity: IDENTITY, plan: PLAN_A, ...FAST });
    assert.equal(valueReads, 3);
    assert.equal(d.joined, false);
    assert.equal(await d.release(), true);
  });
});
