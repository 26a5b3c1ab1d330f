/**
 * The remote stack lock: a lock record in Prism Central, as far as Prism Central allows. The record is
 * a category value: key `NpcLock`, value = a short hash of the stack identity, and the value's
 * `description` holds JSON `{v, id, identity, holder, plan, start, expiry, holders}`. Categories are the one
 * PC v3 object this library can write without touching a VM (`PUT /categories/{key}/{value}` with
 * `{value, description}`, Nutanix Prism Central v3 API reference, "categories"; key and value are at
 * most 64 characters). How long a description PC accepts is not documented (guess: the record is kept
 * under 400 characters; the holder is cut to 100).
 *
 * Prism Central has no compare-and-swap for categories (no `spec_version` on a category value, unlike
 * the intent entities), so a take is: read; when free or expired, write our record; wait `settleMs`;
 * read it back; we hold the lock only when the read-back is our record (or a record of our own plan).
 * The race that remains: run B reads "free" before run A's write lands and writes its own record only
 * after A's read-back, so both read back their own record. That needs B to stall for more than
 * `settleMs` (1 s by default) between two consecutive requests; both runs must also start within that
 * window. On one machine, the local lock (./local.ts) excludes even that. Records expire (`ttlMs`,
 * 30 minutes unless refreshed), so a crashed holder blocks nobody for long; `forceUnlockRemote` deletes
 * a record by its id, like `terraform force-unlock`.
 *
 * The same plan applied from two machines shares one record; each machine's run is one entry of its
 * `holders` (token → expiry; run.ts gives the local lock's id, one per machine and run). A join adds its
 * entry and reads it back; a release removes only its own entry and deletes the record only when no
 * other live entry is left, so one machine finishing never drops the other's hold. What remains, again
 * for want of a compare-and-swap: a join and a release (or two joins) that interleave within one round
 * trip. A release that read the record before a join's write landed deletes it after: the joiner's
 * read-back (after `settleMs`) sees it gone and takes the lock again, unless the release stalled longer
 * than `settleMs` between its read and its DELETE. Two writes of the record at once can drop one entry
 * (that joiner's read-back retries) or keep a finished machine's entry, which then holds the lock for
 * other plans until that entry expires (at most `ttlMs`; `force-unlock` frees it).
 */
import { createHash } from "node:crypto";
import * as os from "node:os";
import type { PrismClient } from "../../prism";
import { isNotFound } from "../../prism/not-found";
import { defaultHolder, LockHeldError, newLockId, type LockHolderInfo } from "./types";

/** The category key of the lock records. */
export const LOCK_CATEGORY_KEY = "NpcLock";
/** The description of that key. */
export const LOCK_CATEGORY_DESCRIPTION = "Stack locks of nutanix-palette-cdk: one value per stack identity, the record in its description";
/** Default lifetime of a record that is not refreshed. */
export const DEFAULT_LOCK_TTL_MS = 30 * 60_000;
/** Default wait between the write and the read-back. */
export const DEFAULT_SETTLE_MS = 1000;

/** The Prism calls the remote lock uses. */
export type RemoteLockClient = Pick<PrismClient, "ensureCategoryKey" | "getCategoryValue" | "putCategoryValue" | "deleteCategoryValue" | "listCategoryValues">;

/** The record in a category value's description. */
export interface RemoteLockRecord {
  readonly v: 1;
  readonly id: string;
  readonly identity: string;
  readonly holder: string;
  readonly plan: string;
  /** ms since the epoch */
  readonly start: number;
  /** ms since the epoch; after it the record is stale */
  readonly expiry: number;
  /**
   * The runs sharing the record: holder token → that run's expiry (ms since the epoch). Absent in a record
   * written before tokens: its taker counts as one entry under the record's id ({@link liveHolders}).
   */
  readonly holders?: Readonly<Record<string, number>>;
}

/** What a run asks for. */
export interface RemoteLockRequest {
  /** The stack identity, e.g. `<project>/<stack>`. */
  readonly identity: string;
  /** The plan-wide hash of the plan this run applies. */
  readonly plan: string;
  /**
   * A description of this process for messages.
   * @default "<user>@<host> pid <pid>"
   */
  readonly holder?: string;
  /**
   * This run's entry in the record's `holders`: one per machine and run (run.ts: the local lock's id, shared
   * by the processes of one plan on one machine).
   * @default 16 hex of SHA-256 of "<user>@<host>"
   */
  readonly token?: string;
  /**
   * This machine's prefix of tokens (`<machine>.<local lock id>`, run.ts): the caller holds this machine's
   * local lock of the identity, so an entry of this machine other than `token` is a run that died (SIGKILL)
   * without leaving, and counts as gone ({@link withoutStaleOfMachine}).
   * @default none (every entry counts until it expires)
   */
  readonly machine?: string;
  /**
   * Lifetime of the record unless refreshed.
   * @default 1_800_000 (30 minutes)
   */
  readonly ttlMs?: number;
  /**
   * Wait between writing the record and reading it back.
   * @default 1000
   */
  readonly settleMs?: number;
  /**
   * How long to wait for a record of another plan to go away; 0 refuses at once.
   * @default 0
   */
  readonly lockTimeoutMs?: number;
  /**
   * How often to look again while waiting.
   * @default 1000
   */
  readonly pollMs?: number;
  /**
   * The clock (for tests).
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Told once our record was written, when the settle starts (or at once on a join): reads from then on
   * are as good as reads after the read-back (a run that could write meanwhile would have to hold a
   * record, and the read-back would not be ours); writes must still wait for the read-back.
   * @default undefined
   */
  readonly onWritten?: () => void;
}

/** A remote lock this run holds. */
export interface HeldRemoteLock {
  /** The record's id, what `force-unlock` takes. */
  readonly id: string;
  /** The category value that holds the record. */
  readonly value: string;
  /** Whether a record of the same plan was there already. */
  readonly joined: boolean;
  /** Moves the expiry `ttlMs` ahead (for long applies); throws LockHeldError when the record is no longer ours. */
  refresh(): Promise<void>;
  /**
   * Leaves the record when it is still ours: removes this run's entry, and deletes the record when no other
   * live entry is left. False when it was not ours any more (expired and taken, or force-unlocked).
   */
  release(): Promise<boolean>;
}

/** The category value of a stack identity's record: `l` + 32 hex of SHA-256 (within PC's 64 characters). */
export function lockValueName(identity: string): string {
  return `l${createHash("sha256").update(identity).digest("hex").slice(0, 32)}`;
}

/** The record in a description, or undefined when it is not one (a foreign or damaged value counts as free). */
export function parseRecord(description: unknown): RemoteLockRecord | undefined {
  if (typeof description !== "string") return undefined;
  try {
    const r = JSON.parse(description) as Partial<RemoteLockRecord>;
    const ok = r.v === 1 && typeof r.id === "string" && typeof r.identity === "string" && typeof r.holder === "string" && typeof r.plan === "string" && typeof r.start === "number" && typeof r.expiry === "number";
    const holdersOk = r.holders === undefined || (typeof r.holders === "object" && r.holders !== null && !Array.isArray(r.holders) && Object.values(r.holders).every((e) => typeof e === "number"));
    return ok && holdersOk ? (r as RemoteLockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: the entries of `record` still live at `now` (a record without `holders`: its taker, under the record's id). */
export function liveHolders(record: RemoteLockRecord, now: number): Record<string, number> {
  const all = record.holders ?? { [record.id]: record.expiry };
  return Object.fromEntries(Object.entries(all).filter(([, e]) => e > now));
}

/** Pure: `record` with the entry `token` set to expire at `expiry` (dead entries dropped); the record expires with its last entry. */
export function withHolder(record: RemoteLockRecord, token: string, expiry: number, now: number): RemoteLockRecord {
  const holders = { ...liveHolders(record, now), [token]: expiry };
  return { ...record, holders, expiry: Math.max(...Object.values(holders)) };
}

/**
 * Pure: what leaving `record` takes for `token` at `now`: the record without its entry while another live
 * entry is left (`write`), else `delete`.
 */
export function leaveDecision(record: RemoteLockRecord, token: string, now: number): { readonly action: "write"; readonly record: RemoteLockRecord } | { readonly action: "delete" } {
  const rest = liveHolders(record, now);
  delete rest[token];
  const left = Object.values(rest);
  return left.length === 0 ? { action: "delete" } : { action: "write", record: { ...record, holders: rest, expiry: Math.max(...left) } };
}

/**
 * Pure: `record` without the live entries of `machine` other than `token` — runs of this machine that died
 * without leaving, since the caller holds this machine's local lock of the identity (run.ts); undefined when
 * no live entry is left. Entries of other machines (and records written before tokens) are kept.
 */
export function withoutStaleOfMachine(record: RemoteLockRecord | undefined, machine: string | undefined, token: string, now: number): RemoteLockRecord | undefined {
  if (!record || machine === undefined) return record;
  const live = liveHolders(record, now);
  const kept = Object.fromEntries(Object.entries(live).filter(([k]) => k === token || !k.startsWith(`${machine}.`)));
  const left = Object.values(kept);
  if (left.length === Object.keys(live).length) return record;
  return left.length === 0 ? undefined : { ...record, holders: kept, expiry: Math.max(...left) };
}

/** The default holder token: one per user and host. */
export function defaultToken(): string {
  return createHash("sha256").update(`${os.userInfo().username}@${os.hostname()}`).digest("hex").slice(0, 16);
}

/**
 * Leaves the record `id` under `value` for `token` ({@link leaveDecision}); false when the record there is
 * not `id` any more (nothing is changed then).
 */
export async function leaveRecord(client: RemoteLockClient, value: string, id: string, token: string, now: number = Date.now(), machine?: string, read?: LockRecordRead): Promise<boolean> {
  const ahead = read && now - read.sentAt <= read.maxAgeMs ? await read.record.then((record) => ({ record }), () => undefined) : undefined;
  const cur = ahead ? ahead.record : await readRecord(client, value);
  if (!cur || cur.id !== id) return false;
  const pruned = withoutStaleOfMachine(cur, machine, token, now);
  const d = pruned ? leaveDecision(pruned, token, now) : ({ action: "delete" } as const);
  if (d.action === "delete") return client.deleteCategoryValue(LOCK_CATEGORY_KEY, value);
  await write(client, value, d.record);
  return true;
}

/** What to do about the record found. Pure. */
export type RemoteDecision = { readonly action: "take" } | { readonly action: "join"; readonly record: RemoteLockRecord } | { readonly action: "refuse"; readonly by: LockHolderInfo };

/** The decision for a run of `plan` at time `now` that found `record` (undefined: none, or not a record). */
export function decideRemote(record: RemoteLockRecord | undefined, plan: string, now: number): RemoteDecision {
  if (!record || record.expiry <= now) return { action: "take" };
  if (record.plan === plan) return { action: "join", record };
  return { action: "refuse", by: { id: record.id, holder: record.holder, plan: record.plan, since: record.start } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A read of the record started ahead of the release (run.ts `prepareRelease`, sent while the run's last
 * writes are in flight), so the release is one round trip (the DELETE) instead of two. `sentAt`: when the
 * GET was sent; its answer shows the record as it was at some moment after that.
 */
export interface LockRecordRead {
  readonly sentAt: number;
  /** How old the read may be when the release acts on it; older, the release reads again. */
  readonly maxAgeMs: number;
  readonly record: Promise<RemoteLockRecord | undefined>;
}

/**
 * Starts a read of the record for {@link leaveRecord}, usable for half the settle time. A join whose write
 * lands after the read is deleted with the record, as with a read just before the DELETE: the joiner's
 * read-back, `settleMs` after its write, finds the record gone and takes the lock again. The joiner is safe
 * while the read and the DELETE are less than `settleMs` apart; half of it leaves room for the DELETE's own
 * trip. A failed read is not used (the release reads again).
 */
export function readRecordAhead(client: RemoteLockClient, value: string, settleMs: number = DEFAULT_SETTLE_MS): LockRecordRead {
  const sentAt = Date.now();
  const record = readRecord(client, value);
  record.catch(() => undefined);
  return { sentAt, maxAgeMs: settleMs / 2, record };
}

async function readRecord(client: RemoteLockClient, value: string): Promise<RemoteLockRecord | undefined> {
  return parseRecord((await client.getCategoryValue(LOCK_CATEGORY_KEY, value))?.description);
}

function write(client: RemoteLockClient, value: string, r: RemoteLockRecord): Promise<void> {
  return client.putCategoryValue(LOCK_CATEGORY_KEY, value, JSON.stringify(r));
}

/**
 * Takes (or joins) the remote lock of a stack in Prism Central.
 * @throws LockHeldError when a live record of another plan is there (after `lockTimeoutMs`)
 */
export async function acquireRemoteLock(client: RemoteLockClient, req: RemoteLockRequest): Promise<HeldRemoteLock> {
  const now = req.now ?? Date.now;
  const ttl = req.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const value = lockValueName(req.identity);
  const holder = (req.holder ?? defaultHolder(os.userInfo().username, os.hostname())).slice(0, 100);
  const token = req.token ?? defaultToken();
  const deadline = now() + (req.lockTimeoutMs ?? 0);
  const settle = (): Promise<void> => sleep(req.settleMs ?? DEFAULT_SETTLE_MS);
  const has = (r: RemoteLockRecord | undefined): boolean => r !== undefined && r.plan === req.plan && (liveHolders(r, now())[token] ?? 0) > now();
  // The first read of the record goes out with the key's check (one round trip instead of two). Only an
  // answer from a key that already existed is used: what a real Prism Central answers for a value of a
  // missing key is not documented (the client reads 404 as absent), so when the read failed or the key was
  // just created, the record is read again after the key exists.
  const ahead = readRecord(client, value);
  ahead.catch(() => undefined);
  const created = await client.ensureCategoryKey(LOCK_CATEGORY_KEY, LOCK_CATEGORY_DESCRIPTION);
  let first: Promise<RemoteLockRecord | undefined> | undefined = created ? undefined : ahead.catch(() => readRecord(client, value));
  for (;;) {
    const current = first ?? readRecord(client, value);
    first = undefined;
    const decision = decideRemote(withoutStaleOfMachine(await current, req.machine, token, now()), req.plan, now());
    let by: LockHolderInfo;
    if (decision.action === "join") {
      const r = decision.record;
      const entry = liveHolders(r, now())[token];
      // Another process of this run on this machine put the entry there already: nothing to write.
      if (entry !== undefined && entry - now() >= ttl / 2) {
        req.onWritten?.();
        return held(client, value, r, true, ttl, now, token, req.machine);
      }
      await write(client, value, withHolder(r, token, now() + ttl, now()));
      req.onWritten?.();
      await settle();
      const back = await readRecord(client, value);
      if (back?.id === r.id && has(back)) return held(client, value, back, true, ttl, now, token, req.machine);
      if (!back || back.plan === req.plan) continue; // released meanwhile, or another join's write won: again
      by = { id: back.id, holder: back.holder, plan: back.plan, since: back.start };
    } else if (decision.action === "take") {
      const start = now();
      const mine: RemoteLockRecord = { v: 1, id: newLockId(), identity: req.identity, holder, plan: req.plan, start, expiry: start + ttl, holders: { [token]: start + ttl } };
      await write(client, value, mine);
      req.onWritten?.();
      await settle();
      const back = await readRecord(client, value);
      if (back?.id === mine.id) return held(client, value, mine, false, ttl, now, token, req.machine);
      if (!back || back.plan === req.plan) continue; // deleted meanwhile, or a run of this plan elsewhere took it: join that one
      by = { id: back.id, holder: back.holder, plan: back.plan, since: back.start };
    } else by = decision.by;
    if (now() >= deadline) throw new LockHeldError(by, "remote");
    await sleep(Math.min(req.pollMs ?? 1000, Math.max(1, deadline - now())));
  }
}

function held(client: RemoteLockClient, value: string, record: RemoteLockRecord, joined: boolean, ttl: number, now: () => number, token: string, machine?: string): HeldRemoteLock {
  return {
    id: record.id,
    value,
    joined,
    async refresh(): Promise<void> {
      const cur = await readRecord(client, value);
      if (!cur || cur.id !== record.id) throw new LockHeldError(cur ? { id: cur.id, holder: cur.holder, plan: cur.plan, since: cur.start } : { id: record.id, holder: "(nobody: the record is gone)", plan: record.plan, since: record.start }, "remote");
      await write(client, value, withHolder(cur, token, now() + ttl, now()));
    },
    release(): Promise<boolean> {
      return leaveRecord(client, value, record.id, token, now(), machine);
    },
  };
}

/** Deletes the record with id `id` whatever holds it. Returns false when no record has that id. */
export async function forceUnlockRemote(client: RemoteLockClient, id: string): Promise<boolean> {
  let values: Awaited<ReturnType<RemoteLockClient["listCategoryValues"]>>;
  try {
    values = await client.listCategoryValues(LOCK_CATEGORY_KEY);
  } catch (e) {
    if (isNotFound(e)) return false; // no NpcLock key: no record at all
    throw e;
  }
  for (const v of values) {
    const r = parseRecord(v.description);
    if (r?.id === id && typeof v.value === "string") return client.deleteCategoryValue(LOCK_CATEGORY_KEY, v.value);
  }
  return false;
}

/** The live record of a stack identity, or undefined. */
export async function inspectRemoteLock(client: RemoteLockClient, identity: string, now: number = Date.now()): Promise<RemoteLockRecord | undefined> {
  const r = await readRecord(client, lockValueName(identity));
  return r && r.expiry > now ? r : undefined;
}
