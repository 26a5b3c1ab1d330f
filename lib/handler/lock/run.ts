/**
 * The stack lock of one apply or destroy, in two steps. The local lock (exclusive on this machine, keyed
 * by stack identity + Prism Central endpoint) is taken at once; the record in Prism Central only when
 * the run is going to write (`takeRecord`), so a converged re-apply makes no write at all (issue 12:
 * "a converged re-apply makes 0 writes"). Both are joined by the processes of the same plan (the
 * plan-wide hash: SHA-256 of the canonical plan, identical in every local-exec of one `cdktf deploy`).
 *
 * The process that takes the record leaves a marker (`remote.json`) in the local lock's directory;
 * whichever process of the plan on this machine leaves the local lock last leaves the record named by
 * the marker (so a record taken by one process outlives it while another process of the plan runs).
 * This machine's entry in the record is the local lock's id (remote.ts `holders`): leaving removes only
 * that entry, and deletes the record only when no other machine's run of the plan holds an entry.
 * A run that never took the record and finds no marker makes no Prism Central request for the lock.
 * A long run refreshes the record before it expires.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stableStringify } from "../../plan/canonical";
import type { Plan } from "../../schema/plan";
import { acquireLocalLock } from "./local";
import { acquireRemoteLock, DEFAULT_LOCK_TTL_MS, leaveRecord, readRecordAhead, type HeldRemoteLock, type LockRecordRead, type RemoteLockClient } from "./remote";

/** The lock settings of a run. */
export interface RunLockOptions {
  /**
   * How long to wait for a lock held by another plan (`--lock-timeout`); 0 refuses at once, as Terraform's `-lock-timeout=0s`.
   * @default 0
   */
  readonly lockTimeoutMs?: number;
  /**
   * The directory of the local locks (also `$NPC_LOCK_DIR` in the CLI).
   * @default lock/local.ts defaultLocalLockDir()
   */
  readonly lockDir?: string;
  /**
   * Wait between writing the Prism Central record and reading it back.
   * @default 1000 (lock/remote.ts DEFAULT_SETTLE_MS)
   */
  readonly lockSettleMs?: number;
}

/** A lock a run holds. */
export interface RunLock {
  /** The local lock's id (what `force-unlock` takes). */
  readonly localId: string;
  /** The Prism Central record's id once `takeRecord` succeeded. */
  readonly remoteId: () => string | undefined;
  /**
   * Takes (or joins) the Prism Central record before the run's first write; idempotent.
   * @throws LockHeldError (`locked by …`) when another plan holds it
   */
  takeRecord(): Promise<void>;
  /**
   * Resolves once takeRecord's record was written (the read-back still to come) or joined; rejects as
   * takeRecord when it refuses first. Starts takeRecord.
   */
  recordWritten(): Promise<void>;
  /**
   * Starts reading the record the release will leave, while the run's last writes are in flight, so the
   * release is one round trip; the release reads again when this read is too old (remote.ts readRecordAhead).
   */
  prepareRelease(): void;
  release(): Promise<void>;
}

/** The plan-wide hash the processes of one plan share. */
export function planHash(plan: Plan): string {
  return createHash("sha256").update(stableStringify(plan)).digest("hex");
}

/** 12 hex of SHA-256 of `<user>@<host>:<lock directory>`: one per machine and lock directory. */
export function machineToken(lockDir: string): string {
  return createHash("sha256").update(`${os.userInfo().username}@${os.hostname()}:${path.resolve(lockDir)}`).digest("hex").slice(0, 12);
}

/** The marker of a record taken by a process of the plan: which category value, which record id, this machine's entry. */
interface RecordMarker {
  readonly value: string;
  readonly id: string;
  readonly token: string;
}

const MARKER = "remote.json";

function readMarker(dir: string): RecordMarker | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER), "utf8")) as Partial<RecordMarker>;
    return typeof m.value === "string" && typeof m.id === "string" && typeof m.token === "string" ? { value: m.value, id: m.id, token: m.token } : undefined;
  } catch {
    return undefined;
  }
}


/**
 * Takes the local stack lock for a run of `plan` against `endpoint`; the record waits for `takeRecord`.
 * @throws LockHeldError (`locked by …`) when another plan holds the local lock
 */
export async function lockRun(init: { identity: string; endpoint: string; plan: Plan; client: RemoteLockClient; note: (line: string) => void } & RunLockOptions): Promise<RunLock> {
  const hash = planHash(init.plan);
  const timeout = init.lockTimeoutMs ?? 0;
  const local = await acquireLocalLock({ identity: init.identity, endpoint: init.endpoint, plan: hash, lockTimeoutMs: timeout, ...(init.lockDir !== undefined ? { dir: init.lockDir } : {}) });
  init.note(`lock ${init.identity}: ${local.joined ? "joined" : "took"} lock ${local.id}`);
  // This machine (user, host, lock directory) and run: entries of this machine with another run's id are
  // runs that died holding the record (the local lock is ours now), remote.ts withoutStaleOfMachine.
  const machine = machineToken(path.dirname(local.path));
  const token = `${machine}.${local.id}`;
  let remote: HeldRemoteLock | undefined;
  let timer: NodeJS.Timeout | undefined;
  let taking: Promise<void> | undefined;
  let ahead: { value: string; read: LockRecordRead } | undefined;
  let wroteIt!: () => void;
  const written = new Promise<void>((resolve) => (wroteIt = resolve));
  const takeRecord = (): Promise<void> => {
    taking ??= (async () => {
      remote = await acquireRemoteLock(init.client, { identity: init.identity, plan: hash, token, machine, lockTimeoutMs: timeout, onWritten: wroteIt, ...(init.lockSettleMs !== undefined ? { settleMs: init.lockSettleMs } : {}) });
      fs.writeFileSync(path.join(local.path, MARKER), JSON.stringify({ value: remote.value, id: remote.id, token } satisfies RecordMarker), { mode: 0o600 });
      init.note(`lock ${init.identity}: Prism Central record ${remote.id}${remote.joined ? " (joined)" : ""} taken before the first write`);
      const held = remote;
      timer = setInterval(() => void held.refresh().catch((e: unknown) => init.note(`lock ${init.identity}: refreshing the Prism Central record failed: ${(e as Error).message}`)), DEFAULT_LOCK_TTL_MS / 3);
      timer.unref();
    })();
    return taking;
  };
  return {
    localId: local.id,
    remoteId: () => remote?.id,
    takeRecord,
    recordWritten(): Promise<void> {
      return Promise.race([written, takeRecord()]);
    },
    prepareRelease(): void {
      const value = remote?.value ?? readMarker(local.path)?.value;
      if (value !== undefined) ahead = { value, read: readRecordAhead(init.client, value, init.lockSettleMs) };
    },
    async release(): Promise<void> {
      await taking?.catch(() => undefined); // a take still under way ends first (its marker names the record to delete)
      if (timer) clearInterval(timer);
      if (!local.release()) return;
      // The last process of the plan here: leave the record (this machine's entry) whichever process of the plan took it.
      const marker = readMarker(local.path);
      if (!marker) return;
      await leaveRecord(init.client, marker.value, marker.id, marker.token, Date.now(), machine, ahead?.value === marker.value ? ahead.read : undefined).catch(() => undefined);
      fs.rmSync(path.join(local.path, MARKER), { force: true });
    },
  };
}
