/**
 * The stack lock of one apply or destroy: the local lock (exclusive on this machine, keyed by stack
 * identity + Prism Central endpoint) first, then the record in Prism Central, both joined by the
 * processes of the same plan (the plan-wide hash: SHA-256 of the canonical plan, identical in every
 * local-exec of one `cdktf deploy`). Released in reverse order; the record is deleted only by the last
 * process of the plan on this machine. A long run refreshes the record before it expires.
 */
import { createHash } from "node:crypto";
import { stableStringify } from "../../plan/canonical";
import type { Plan } from "../../schema/plan";
import { acquireLocalLock } from "./local";
import { acquireRemoteLock, DEFAULT_LOCK_TTL_MS, type RemoteLockClient } from "./remote";

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
  /** The local lock's id (what `force-unlock` takes) and the record's. */
  readonly ids: { readonly local: string; readonly remote: string };
  release(): Promise<void>;
}

/** The plan-wide hash the processes of one plan share. */
export function planHash(plan: Plan): string {
  return createHash("sha256").update(stableStringify(plan)).digest("hex");
}

/**
 * Takes the stack lock for a run of `plan` against `endpoint`.
 * @throws LockHeldError (`locked by …`) when another plan holds either lock
 */
export async function lockRun(init: { identity: string; endpoint: string; plan: Plan; client: RemoteLockClient; note: (line: string) => void } & RunLockOptions): Promise<RunLock> {
  const hash = planHash(init.plan);
  const timeout = init.lockTimeoutMs ?? 0;
  const local = await acquireLocalLock({ identity: init.identity, endpoint: init.endpoint, plan: hash, lockTimeoutMs: timeout, ...(init.lockDir !== undefined ? { dir: init.lockDir } : {}) });
  let remote: Awaited<ReturnType<typeof acquireRemoteLock>>;
  try {
    remote = await acquireRemoteLock(init.client, { identity: init.identity, plan: hash, lockTimeoutMs: timeout, ...(init.lockSettleMs !== undefined ? { settleMs: init.lockSettleMs } : {}) });
  } catch (e) {
    local.release();
    throw e;
  }
  init.note(`lock ${init.identity}: ${local.joined ? "joined" : "took"} lock ${local.id} (Prism Central record ${remote.id}${remote.joined ? ", joined" : ""})`);
  const timer = setInterval(() => void remote.refresh().catch((e: unknown) => init.note(`lock ${init.identity}: refreshing the Prism Central record failed: ${(e as Error).message}`)), DEFAULT_LOCK_TTL_MS / 3);
  timer.unref();
  return {
    ids: { local: local.id, remote: remote.id },
    async release(): Promise<void> {
      clearInterval(timer);
      if (local.release()) await remote.release().catch(() => false);
    },
  };
}
