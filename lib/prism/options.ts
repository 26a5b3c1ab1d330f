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
  caBundle?: string;
  /** Per request. @default 30000 */
  timeoutMs?: number;
  retries?: RetryOptions;
  logger?: (line: string) => void;
  /** Source of jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** @default "nutanix-palette-cdk (nutanix/v3)" */
  userAgent?: string;
}
