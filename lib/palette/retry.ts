/**
 * When and how long to wait before another attempt. palette-sdk-go (`api/apiutil/retry/retry.go`,
 * `transport/runtime.go`) retries 429 and every status above 500 with exponential backoff: 2 s initial delay, ×2
 * per attempt, plus up to 50 % jitter. This policy keeps that shape (base × 2^(n−1) plus up to 50 % jitter,
 * capped), also retries 500 (documented as "an explicit error" but transient in practice: guess) and honours a
 * `Retry-After` when the server sends one (librarium documents none, so its absence is the normal case).
 */

export interface PaletteRetryOptions {
  /** Attempts per request, the first included. @default 5 */
  maxAttempts?: number;
  /** First backoff delay. @default 2000 (palette-sdk-go) */
  baseDelayMs?: number;
  /** Largest backoff delay. @default 30000 */
  maxDelayMs?: number;
}

/** The longest Retry-After honoured. */
export const MAX_RETRY_AFTER_MS = 120_000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** 429 or 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export class PaletteRetryPolicy {
  readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: PaletteRetryOptions | undefined, private readonly random: () => number) {
    this.maxAttempts = Math.max(1, options?.maxAttempts ?? 5);
    this.baseDelayMs = Math.max(0, options?.baseDelayMs ?? 2000);
    this.maxDelayMs = Math.max(0, options?.maxDelayMs ?? 30_000);
  }

  /** Delay before attempt `attempt + 1`: Retry-After (capped) when given, else base × 2^(attempt−1) + up to 50 % jitter. */
  delay(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
    const d = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(d + this.random() * d * 0.5);
  }
}
