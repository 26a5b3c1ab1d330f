/**
 * The local stack lock: exclusive on one machine, keyed by stack identity + Prism Central endpoint
 * (./types.ts `lockKey`), shared by the processes that apply the SAME plan (the parallel local-exec
 * processes of one `cdktf deploy` carry one plan-wide hash), refused at once for another plan unless
 * the caller waits (`lockTimeoutMs`).
 *
 * Layout, under a per-user directory (`<os.tmpdir()>/nutanix-palette-cdk-locks-<uid>/<key>/`, mode 0700):
 *
 * - `record.<n>.json`: a log of lock records; the one with the highest `n` is the lock. Each record is
 *   written to a temporary file and then `link(2)`ed to its name, which fails with EEXIST when the
 *   name exists: creating `record.<n+1>` is an atomic, exclusive compare-and-swap against "the lock is
 *   still record n". Every decision to take or join the lock is committed that way, so two processes
 *   can never both win over one record. Older records are deleted lazily (only the highest counts).
 * - `holders/<plan>.<pid>.<rand>.json`: one file per process using the lock for `<plan>`, written
 *   BEFORE that process commits its record, so whoever reads a record also sees its live holders.
 *
 * A record is free when it is a force-unlock record, or when no holder of its plan is alive (a holder
 * whose pid no longer exists is stale and pruned; a reused pid makes a dead holder look alive until
 * that pid ends: the one known imprecision). A crash leaves at worst a holder file of a dead pid and a
 * temporary file: both are ignored and pruned.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultHolder, lockKey, LockHeldError, newLockId, type LockHolderInfo } from "./types";

/** One record of the log. */
export interface LocalLockRecord {
  readonly id: string;
  /** "held" by `plan`, or "free" (written by force-unlock). */
  readonly state: "held" | "free";
  readonly plan: string;
  readonly holder: string;
  readonly since: number;
}

/** What a process asks for. */
export interface LocalLockRequest {
  /** The stack identity, e.g. `<project>/<stack>`. */
  readonly identity: string;
  /** The Prism Central endpoint, e.g. `pc.example.com:9440`. */
  readonly endpoint: string;
  /** The plan-wide hash of the plan this process applies. */
  readonly plan: string;
  /**
   * A description of this process for messages.
   * @default "<user>@<host> pid <pid>"
   */
  readonly holder?: string;
  /**
   * How long to wait for a lock held by another plan; 0 refuses at once (as Terraform's default `-lock-timeout=0s`).
   * @default 0
   */
  readonly lockTimeoutMs?: number;
  /**
   * How often to look again while waiting.
   * @default 100
   */
  readonly pollMs?: number;
  /**
   * The directory holding every lock.
   * @default defaultLocalLockDir()
   */
  readonly dir?: string;
  /**
   * Whether a pid is alive (for tests).
   * @default signal 0 to the pid
   */
  readonly isAlive?: (pid: number) => boolean;
}

/** A lock this process holds (alone or shared with processes of the same plan). */
export interface HeldLocalLock {
  /** The lock's id (kept while processes of one plan join it), what `force-unlock` takes. */
  readonly id: string;
  /** The lock's directory. */
  readonly path: string;
  /** Whether another live process of the same plan held it when this one joined. */
  readonly joined: boolean;
  /** Leaves the lock; returns true when no other live holder of this plan is left (the lock is free now). */
  release(): boolean;
}

/** What to do about the current record. Pure. */
export type LocalDecision = { readonly action: "take" } | { readonly action: "join" } | { readonly action: "refuse"; readonly by: LockHolderInfo };

/**
 * The decision for a process of plan `plan` that read `current` (undefined: no record yet) and found
 * whether a live process of the record's plan holds it.
 */
export function decideLocal(current: LocalLockRecord | undefined, recordPlanHasLiveHolder: boolean, plan: string): LocalDecision {
  if (!current || current.state === "free" || !recordPlanHasLiveHolder) return { action: "take" };
  if (current.plan === plan) return { action: "join" };
  return { action: "refuse", by: { id: current.id, holder: current.holder, plan: current.plan, since: current.since } };
}

/** The per-user directory of the local locks. */
export function defaultLocalLockDir(): string {
  const uid = typeof process.getuid === "function" ? String(process.getuid()) : os.userInfo().username;
  return path.join(os.tmpdir(), `nutanix-palette-cdk-locks-${uid}`);
}

const RECORD = /^record\.(\d{12})\.json$/;
const recordName = (n: number): string => `record.${String(n).padStart(12, "0")}.json`;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The highest record of a lock directory, with its number; undefined when there is none. */
function readCurrent(dir: string): { n: number; record: LocalLockRecord } | undefined {
  for (let attempt = 0; attempt < 5; attempt++) {
    const numbers = fs.readdirSync(dir).flatMap((f) => {
      const m = RECORD.exec(f);
      return m ? [Number(m[1])] : [];
    });
    if (numbers.length === 0) return undefined;
    const n = Math.max(...numbers);
    try {
      return { n, record: JSON.parse(fs.readFileSync(path.join(dir, recordName(n)), "utf8")) as LocalLockRecord };
    } catch (e) {
      // Deleted by a newer record's cleanup between readdir and read: look again.
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  throw new Error(`lock ${dir}: its records keep changing`);
}

/** Atomically creates `record.<n>` with `record`; false when that number is taken (someone else won). */
function commit(dir: string, n: number, record: LocalLockRecord): boolean {
  const tmp = path.join(dir, `tmp.${process.pid}.${newLockId()}`);
  fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
  try {
    fs.linkSync(tmp, path.join(dir, recordName(n)));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Deletes the records below `n` (only the highest counts). */
function pruneRecords(dir: string, n: number): void {
  for (const f of fs.readdirSync(dir)) {
    const m = RECORD.exec(f);
    if (m && Number(m[1]) < n) fs.rmSync(path.join(dir, f), { force: true });
  }
}

interface HolderFile {
  readonly pid: number;
  readonly plan: string;
}

/** Whether a live process holds (or is taking) the lock for `plan`; dead holders are pruned. */
function liveHolder(dir: string, plan: string, isAlive: (pid: number) => boolean, except?: string): boolean {
  const holders = path.join(dir, "holders");
  let alive = false;
  for (const f of fs.existsSync(holders) ? fs.readdirSync(holders) : []) {
    if (f === except || !f.endsWith(".json")) continue;
    let h: HolderFile;
    try {
      h = JSON.parse(fs.readFileSync(path.join(holders, f), "utf8")) as HolderFile;
    } catch {
      continue; // being written or gone
    }
    if (!isAlive(h.pid)) fs.rmSync(path.join(holders, f), { force: true });
    else if (h.plan === plan) alive = true;
  }
  return alive;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Takes (or joins) the local lock of a stack.
 * @throws LockHeldError when another plan holds it (after `lockTimeoutMs`)
 */
export async function acquireLocalLock(req: LocalLockRequest): Promise<HeldLocalLock> {
  const base = req.dir ?? defaultLocalLockDir();
  const dir = path.join(base, lockKey(req.identity, req.endpoint));
  fs.mkdirSync(path.join(dir, "holders"), { recursive: true, mode: 0o700 });
  const isAlive = req.isAlive ?? pidAlive;
  const holder = req.holder ?? defaultHolder(os.userInfo().username, os.hostname());
  const deadline = Date.now() + (req.lockTimeoutMs ?? 0);
  const mine = `${req.plan}.${process.pid}.${newLockId()}.json`;
  const mineFile = path.join(dir, "holders", mine);
  for (;;) {
    // Registered before committing, so a reader of our record sees us alive.
    fs.writeFileSync(mineFile, JSON.stringify({ pid: process.pid, plan: req.plan, holder, since: Date.now() }), { mode: 0o600 });
    const current = readCurrent(dir);
    const decision = current ? decideLocal(current.record, liveHolder(dir, current.record.plan, isAlive, mine), req.plan) : decideLocal(undefined, false, req.plan);
    if (decision.action !== "refuse") {
      // A join keeps the lock's id, holder and start, so `force-unlock <id>` from a refused run's message still works.
      const joining = decision.action === "join" && current ? current.record : undefined;
      const record: LocalLockRecord = joining ?? { id: newLockId(), state: "held", plan: req.plan, holder, since: Date.now() };
      const n = current ? current.n + 1 : 0;
      if (commit(dir, n, record)) {
        pruneRecords(dir, n);
        return heldLock(dir, record.id, decision.action === "join", mineFile, req.plan, isAlive, mine);
      }
      continue; // someone else committed first: decide again on their record
    }
    fs.rmSync(mineFile, { force: true });
    if (Date.now() >= deadline) throw new LockHeldError(decision.by, "local");
    await sleep(Math.min(req.pollMs ?? 100, Math.max(1, deadline - Date.now())));
  }
}

function heldLock(dir: string, id: string, joined: boolean, mineFile: string, plan: string, isAlive: (pid: number) => boolean, mine: string): HeldLocalLock {
  let released = false;
  return {
    id,
    path: dir,
    joined,
    release(): boolean {
      if (!released) fs.rmSync(mineFile, { force: true });
      released = true;
      return !liveHolder(dir, plan, isAlive, mine);
    },
  };
}

/**
 * Frees a local lock whatever holds it, like `terraform force-unlock`: appends a "free" record to the
 * lock whose current record has id `id`. Returns false when no lock under `dir` has that id.
 */
export function forceUnlockLocal(id: string, dir: string = defaultLocalLockDir()): boolean {
  if (!fs.existsSync(dir)) return false;
  for (const key of fs.readdirSync(dir)) {
    const lockDir = path.join(dir, key);
    if (!/^[0-9a-f]{64}$/.test(key) || !fs.statSync(lockDir).isDirectory()) continue;
    const current = readCurrent(lockDir);
    if (!current || current.record.id !== id || current.record.state === "free") continue;
    if (commit(lockDir, current.n + 1, { id: newLockId(), state: "free", plan: "", holder: "force-unlock", since: Date.now() })) {
      pruneRecords(lockDir, current.n + 1);
      return true;
    }
    return false; // the lock changed meanwhile: its holder is no longer `id`
  }
  return false;
}

/** The current holder of a stack's local lock, or undefined when it is free. */
export function inspectLocalLock(identity: string, endpoint: string, dir: string = defaultLocalLockDir(), isAlive: (pid: number) => boolean = pidAlive): LockHolderInfo | undefined {
  const lockDir = path.join(dir, lockKey(identity, endpoint));
  if (!fs.existsSync(lockDir)) return undefined;
  const current = readCurrent(lockDir);
  if (!current || current.record.state === "free" || !liveHolder(lockDir, current.record.plan, isAlive)) return undefined;
  const r = current.record;
  return { id: r.id, holder: r.holder, plan: r.plan, since: r.since };
}
