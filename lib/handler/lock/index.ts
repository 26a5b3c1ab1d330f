/**
 * Stack locks (issue 13 item 6), taken by every apply and destroy (./run.ts): a local lock on one machine
 * and a record in Prism Central across machines, both keyed by the stack identity, shared by processes
 * of the same plan, refusing another plan with `locked by …` unless asked to wait.
 */
export { LockHeldError, lockKey, type LockHolderInfo } from "./types";
export { acquireLocalLock, decideLocal, defaultLocalLockDir, forceUnlockLocal, inspectLocalLock, type HeldLocalLock, type LocalLockRecord, type LocalLockRequest } from "./local";
export {
  acquireRemoteLock,
  decideRemote,
  DEFAULT_LOCK_TTL_MS,
  DEFAULT_SETTLE_MS,
  forceUnlockRemote,
  inspectRemoteLock,
  LOCK_CATEGORY_KEY,
  lockValueName,
  parseRecord,
  type HeldRemoteLock,
  type RemoteLockClient,
  type RemoteLockRecord,
  type RemoteLockRequest,
} from "./remote";
export { lockRun, planHash, type RunLock, type RunLockOptions } from "./run";
