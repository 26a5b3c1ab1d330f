/**
 * The local stack lock: the pure decision from a table; then real child processes: one plan shares,
 * another plan is refused at once with `locked by …`, or waits with a lock timeout; a killed holder is
 * stale; force-unlock; the key is identity + Prism Central; many contenders at once, one winner.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { acquireLocalLock, decideLocal, defaultLocalLockDir, forceUnlockLocal, inspectLocalLock, type LocalLockRecord } from "../../../lib/handler/lock/local";
import { LockHeldError, lockKey } from "../../../lib/handler/lock/types";
import { tempDir } from "../../helpers/nutanix-fixtures";
import { lockChild } from "./child";

const PLAN_A = "a".repeat(64);
const PLAN_B = "b".repeat(64);
const ID = { identity: "shop/dc1", endpoint: "pc.example.com:9440" };

test("decideLocal: take when free or stale, join the same plan, refuse another", () => {
  const held: LocalLockRecord = { id: "1234", state: "held", plan: PLAN_A, holder: "alice@h pid 1", since: 0 };
  const cases: Array<[LocalLockRecord | undefined, boolean, string, string]> = [
    [undefined, false, PLAN_A, "take"],
    [{ ...held, state: "free" }, true, PLAN_B, "take"],
    [held, false, PLAN_B, "take"],
    [held, true, PLAN_A, "join"],
    [held, true, PLAN_B, "refuse"],
  ];
  for (const [rec, live, plan, want] of cases) assert.equal(decideLocal(rec, live, plan).action, want, JSON.stringify([rec, live, plan]));
  const d = decideLocal(held, true, PLAN_B);
  assert.deepEqual(d, { action: "refuse", by: { id: "1234", holder: "alice@h pid 1", plan: PLAN_A, since: 0 } });
});

test("the key is the stack identity and the Prism Central, under a per-user directory", () => {
  assert.equal(lockKey("shop/dc1", "pc:9440"), lockKey("shop/dc1", "pc:9440"));
  assert.notEqual(lockKey("shop/dc1", "pc:9440"), lockKey("shop/dc1", "pc2:9440"));
  assert.notEqual(lockKey("shop/dc1", "pc:9440"), lockKey("other/dc1", "pc:9440"));
  assert.match(lockKey("a", "b"), /^[0-9a-f]{64}$/);
  assert.match(path.basename(defaultLocalLockDir()), /^nutanix-palette-cdk-locks-.+$/);
});

test("in one process: a different plan is refused with who holds it; same plan joins; release frees", async () => {
  const dir = tempDir("npc-lock-");
  const a = await acquireLocalLock({ ...ID, plan: PLAN_A, holder: "alice@build-1 pid 11", dir });
  assert.equal(a.joined, false);
  const a2 = await acquireLocalLock({ ...ID, plan: PLAN_A, holder: "alice@build-1 pid 12", dir });
  assert.equal(a2.joined, true);
  assert.equal(a2.id, a.id, "a join keeps the lock id");
  await assert.rejects(acquireLocalLock({ ...ID, plan: PLAN_B, holder: "bob", dir }), (e: unknown) => {
    assert.ok(e instanceof LockHeldError);
    assert.match(e.message, new RegExp(`^locked by alice@build-1 pid 11 \\(plan ${"a".repeat(12)}, since \\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z; lock id ${a.id}\\)$`));
    return true;
  });
  // Another endpoint or identity is another lock.
  (await acquireLocalLock({ ...ID, endpoint: "pc2.example.com:9440", plan: PLAN_B, dir })).release();
  assert.equal(a.release(), false, "a2 still holds it");
  assert.deepEqual(inspectLocalLock(ID.identity, ID.endpoint, dir)?.id, a.id);
  assert.equal(a2.release(), true, "the last holder frees it");
  assert.equal(inspectLocalLock(ID.identity, ID.endpoint, dir), undefined);
  const b = await acquireLocalLock({ ...ID, plan: PLAN_B, dir });
  assert.notEqual(b.id, a.id);
  b.release();
});

test("processes: the same plan shares, another plan is refused at once (exit non-zero, locked by …)", { timeout: 60_000 }, async () => {
  const dir = tempDir("npc-lock-");
  const args = { kind: "local", ...ID, dir };
  const first = lockChild({ ...args, plan: PLAN_A, holder: "deploy-1" });
  const got = await first.next();
  assert.equal(got.ok, true);
  const second = lockChild({ ...args, plan: PLAN_A, holder: "deploy-1-exec-2" });
  assert.deepEqual(await second.next(), { ok: true, id: got.id, joined: true });
  const started = Date.now();
  const other = lockChild({ ...args, plan: PLAN_B, holder: "deploy-2" });
  const refused = await other.next();
  assert.equal(refused.ok, false);
  assert.match(String(refused.message), new RegExp(`^locked by deploy-1 \\(plan aaaaaaaaaaaa, since .+; lock id ${String(got.id)}\\)$`));
  assert.equal(await other.exited, 3);
  assert.ok(Date.now() - started < 20_000);
  assert.deepEqual(await first.release(), { released: false });
  assert.deepEqual(await second.release(), { released: true });
});

test("processes: with a lock timeout the other plan waits for the release; too short a wait is refused", { timeout: 60_000 }, async () => {
  const dir = tempDir("npc-lock-");
  const args = { kind: "local", ...ID, dir };
  const first = lockChild({ ...args, plan: PLAN_A, holder: "deploy-1" });
  assert.equal((await first.next()).ok, true);
  const impatient = lockChild({ ...args, plan: PLAN_B, holder: "deploy-2", lockTimeoutMs: 300 });
  assert.equal((await impatient.next()).ok, false);
  const patient = lockChild({ ...args, plan: PLAN_B, holder: "deploy-3", lockTimeoutMs: 30_000 });
  const line = patient.next();
  const early = await Promise.race([line.then(() => "acquired"), new Promise((r) => setTimeout(() => r("waiting"), 2000))]);
  assert.equal(early, "waiting", "the other plan waits while the lock is held");
  await first.release();
  const got = await line;
  assert.equal(got.ok, true);
  assert.equal(got.joined, false);
  await patient.release();
});

test("processes: a killed holder is stale and another plan takes the lock at once", { timeout: 60_000 }, async () => {
  const dir = tempDir("npc-lock-");
  const args = { kind: "local", ...ID, dir };
  const crashed = lockChild({ ...args, plan: PLAN_A, holder: "deploy-1" });
  assert.equal((await crashed.next()).ok, true);
  crashed.proc.kill("SIGKILL");
  await crashed.exited;
  const next = await acquireLocalLock({ ...ID, plan: PLAN_B, dir });
  assert.equal(next.joined, false);
  const holders = fs.readdirSync(path.join(dir, lockKey(ID.identity, ID.endpoint), "holders"));
  assert.equal(holders.filter((f) => f.startsWith(PLAN_A)).length, 0, "the dead holder was pruned");
  next.release();
});

test("force-unlock frees a lock held by a live process; an unknown id changes nothing", { timeout: 60_000 }, async () => {
  const dir = tempDir("npc-lock-");
  const holder = lockChild({ kind: "local", ...ID, dir, plan: PLAN_A, holder: "stuck-deploy" });
  const got = await holder.next();
  assert.equal(forceUnlockLocal("0000000000000000", dir), false);
  await assert.rejects(acquireLocalLock({ ...ID, plan: PLAN_B, dir }), LockHeldError);
  assert.equal(forceUnlockLocal(String(got.id), dir), true);
  assert.equal(forceUnlockLocal(String(got.id), dir), false, "already free");
  const b = await acquireLocalLock({ ...ID, plan: PLAN_B, dir });
  b.release();
  await holder.release();
  assert.equal(forceUnlockLocal("x", path.join(dir, "missing")), false);
});

test("processes: many different plans at once, exactly one wins", { timeout: 90_000 }, async () => {
  const dir = tempDir("npc-lock-");
  const plans = ["1", "2", "3", "4"].map((c) => c.repeat(64));
  const children = plans.map((plan, i) => lockChild({ kind: "local", ...ID, dir, plan, holder: `deploy-${i}`, holdMs: 4000 }));
  const results = await Promise.all(children.map((c) => c.next()));
  assert.equal(results.filter((r) => r.ok === true).length, 1, JSON.stringify(results));
  for (const r of results.filter((x) => x.ok === false)) assert.match(String(r.message), /^locked by deploy-\d /);
  await Promise.all(children.map((c) => c.exited));
});
