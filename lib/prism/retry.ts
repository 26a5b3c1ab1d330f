/** Retries: exponential backoff with full jitter, or the server's Retry-After, and the sleeping between attempts. */

export interface RetryOptions {
  /** Total attempts per request, first included. @default 6 */
  maxAttempts?: number;
  /** @default 200 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
}

/** The longest Retry-After honoured. */
const MAX_RETRY_AFTER_MS = 300_000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A status worth another attempt: 429 or any 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export class RetryPolicy {
  /** Total attempts per request, first included (at least 1). */
  readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  /**
   * @param random source of jitter, in [0, 1)
   * @param onRetry told of every pause before a repeated attempt, with the line to log
   */
  constructor(
    options: RetryOptions | undefined,
    private readonly random: () => number,
    private readonly onRetry: (line: string) => void,
  ) {
    this.maxAttempts = Math.max(1, options?.maxAttempts ?? 6);
    this.baseDelayMs = options?.baseDelayMs ?? 200;
    this.maxDelayMs = options?.maxDelayMs ?? 5000;
  }

  /** Full jitter: uniform in [0, min(maxDelay, base × 2^(attempt−1))). */
  backoffDelay(attempt: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * cap);
  }

  /** Sleeps before attempt `attempt + 1`: the Retry-After when given (capped at 5 min), else the backoff. */
  async pause(attempt: number, retryAfterMs: number | undefined, what: string): Promise<void> {
    const delay = retryAfterMs !== undefined ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : this.backoffDelay(attempt);
    this.onRetry(`prism: retry ${attempt}/${this.maxAttempts - 1} of ${what} in ${delay} ms${retryAfterMs !== undefined ? " (Retry-After)" : ""}`);
    await sleep(delay);
  }
}
