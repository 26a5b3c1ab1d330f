/** What a PrismClient is built from. */
import type { RetryOptions } from "./retry";

export interface PrismClientOptions {
  /** `https://host:port` or `host[:port]`; default scheme https, default port 9440. `http://` is allowed. */
  endpoint: string;
  username: string;
  password: string;
  /** Skip TLS verification. Warns once. */
  insecure?: boolean;
  /** PEM text; every block must be a CERTIFICATE; added to the system CAs. */
  caBundle?: string | undefined;
  /** Per request. @default 30000 */
  timeoutMs?: number;
  retries?: RetryOptions;
  logger?: (line: string) => void;
  /** Source of jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** @default "nutanix-palette-cdk (nutanix/v3)" */
  userAgent?: string;
  /**
   * checkAuth() is the one login (GET /users/me with basic auth) and later calls send the session
   * cookie it set (NTNX_IGW_SESSION, nutanix.dev: "make the first API call using basic credentials to
   * receive the cookies"); false keeps basic auth on every request.
   * @default true
   */
  session?: boolean;
  /**
   * A small JSON file where the learned task durations are kept per Prism Central, so each process
   * starts warm (e.g. beside the plan). Read at construction, rewritten when a duration is learned.
   * @default undefined (durations are kept in memory only)
   */
  taskDurationsFile?: string;
  /**
   * How long a GET of a just-created (or just-reserved) VM may answer 404 before it counts as absent:
   * right after a 202 "the intent spec may not be created yet" (nutanix.dev intentful API text).
   * @default 3000
   */
  visibilityGraceMs?: number;
  /** Minutes an idempotence reservation (POST /idempotence_identifiers) stays valid. @default 60 */
  reservationMinutes?: number;
  /**
   * Awaited before every request that changes Prism Central (any method but GET and list POSTs, the
   * idempotence reservations included), never before reads; a rejection fails the request unsent. The
   * handler opens a run's session with the stack lock's confirmation here, so the session reads while
   * the lock record settles and writes only once the record was read back as its own.
   * @default undefined (no gate)
   */
  writeGate?: () => Promise<void>;
}
