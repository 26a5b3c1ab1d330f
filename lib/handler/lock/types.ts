/**
 * What the stack locks have in common: who holds a lock, the error a run gets when another plan holds
 * it, and the key a lock is stored under (the stack identity and the Prism Central, never where the
 * plan file lies: two checkouts of one program are one stack).
 */
import { createHash, randomBytes } from "node:crypto";

/** Who holds a lock, for the message of a refused run. */
export interface LockHolderInfo {
  /** The lock record's id, what `force-unlock` takes. */
  readonly id: string;
  /** A description of the holder, e.g. `alice@build-7 pid 4242`. */
  readonly holder: string;
  /** The plan-wide hash of the plan being applied. */
  readonly plan: string;
  /** When the lock was taken (ms since the epoch). */
  readonly since: number;
}

/** A run found the lock held by another plan (and did not wait, or waited in vain). */
export class LockHeldError extends Error {
  constructor(
    readonly info: LockHolderInfo,
    readonly where: "local" | "remote",
  ) {
    super(`locked by ${info.holder} (plan ${info.plan.slice(0, 12)}, since ${new Date(info.since).toISOString()}; lock id ${info.id}${where === "remote" ? ", in Prism Central" : ""})`);
    this.name = "LockHeldError";
  }
}

/** The key of a stack's lock: SHA-256 hex of the stack identity and the Prism Central endpoint. */
export function lockKey(identity: string, endpoint: string): string {
  return createHash("sha256").update(`${identity}\n${endpoint}`).digest("hex");
}

/** A description of this process for lock records. */
export function defaultHolder(user: string, host: string, pid: number = process.pid): string {
  return `${user}@${host} pid ${pid}`;
}

/** A fresh random lock record id (16 hex). */
export function newLockId(): string {
  return randomBytes(8).toString("hex");
}
