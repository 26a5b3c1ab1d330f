/** Counters a client keeps of what it sent. */

export interface PrismStats {
  /** HTTP requests sent (every attempt). */
  requests: number;
  /** Attempts repeated after a retryable failure (connection error, 429, 5xx). */
  retries: number;
  /** Attempts with a writing method (POST create, PUT, DELETE; list POSTs are reads). */
  writes: number;
  /** Edit conflicts (409 or conflicting task) that made updateVm re-read and retry. */
  conflicts: number;
  /** Logins (GET /users/me that kept cookies), re-logins included. */
  logins: number;
}

export function emptyStats(): PrismStats {
  return { requests: 0, retries: 0, writes: 0, conflicts: 0, logins: 0 };
}
