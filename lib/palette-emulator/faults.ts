/**
 * Fault injection, the same model as the Prism Central emulator's (seeded mulberry32 PRNG, so a run is
 * repeatable): latency, 500/503 answers, 429 (with or without Retry-After), connection resets before handling
 * or after a write was applied and persisted, the next N writes reset after being applied, and a request budget
 * after which every request gets 429. Faults never apply to `/_emulator` paths.
 */
import { z } from "zod";
import { mulberry32 } from "./random";

export interface PaletteFaultConfig {
  latencyMs: number;
  latencyJitterMs: number;
  /** Fraction answered 500 or 503 (half each). */
  errorRate: number;
  /** Fraction answered 429. */
  rateLimitRate: number;
  /** Fraction whose connection is destroyed: half before handling, half (writes) after. */
  resetRate: number;
  /** The next N writes are applied and persisted, then their connection is reset. */
  resetNextWrites: number;
  /** The next N requests are answered 429 (deterministic, for tests). */
  rateLimitNext: number;
  /** The next N requests are answered 503 (deterministic, for tests). */
  failNext: number;
  /** The connections of the next N requests are reset before they are handled (deterministic, for tests). */
  resetNext: number;
  /** After this many API requests every request gets 429; null = unlimited. */
  requestBudget: number | null;
  /** Retry-After seconds sent with a 429; null = no header (librarium documents none). */
  retryAfterSeconds: number | null;
  seed: number;
}

export const DEFAULT_PALETTE_FAULTS: PaletteFaultConfig = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  rateLimitRate: 0,
  resetRate: 0,
  resetNextWrites: 0,
  rateLimitNext: 0,
  failNext: 0,
  resetNext: 0,
  requestBudget: null,
  retryAfterSeconds: null,
  seed: 1,
};

const Rate = z.number().min(0).max(1);
const Count = z.number().int().min(0);

/** Body of `PUT /_emulator/faults`: any subset, plus `faultRate` (errors R/2, 429 R/4, resets R/4). */
export const PaletteFaultPatch = z.strictObject({
  latencyMs: Count.optional(),
  latencyJitterMs: Count.optional(),
  errorRate: Rate.optional(),
  rateLimitRate: Rate.optional(),
  resetRate: Rate.optional(),
  resetNextWrites: Count.optional(),
  rateLimitNext: Count.optional(),
  failNext: Count.optional(),
  resetNext: Count.optional(),
  requestBudget: Count.nullable().optional(),
  retryAfterSeconds: Count.nullable().optional(),
  seed: z.number().int().optional(),
  faultRate: Rate.optional(),
});
export type PaletteFaultPatch = z.infer<typeof PaletteFaultPatch>;

export type PaletteFaultDecision = { kind: "none" } | { kind: "status"; status: 500 | 503 | 429 } | { kind: "reset-before" } | { kind: "reset-after" };

export class PaletteFaults {
  private cfg: PaletteFaultConfig;
  private rand: () => number;
  private used = 0;

  constructor(initial: Partial<PaletteFaultConfig> = {}) {
    this.cfg = { ...DEFAULT_PALETTE_FAULTS, ...initial };
    this.rand = mulberry32(this.cfg.seed);
  }

  get config(): PaletteFaultConfig {
    return { ...this.cfg };
  }

  apply(patch: PaletteFaultPatch): PaletteFaultConfig {
    const { faultRate, ...rest } = patch;
    const next: PaletteFaultConfig = { ...this.cfg, ...(faultRate !== undefined ? { errorRate: faultRate / 2, rateLimitRate: faultRate / 4, resetRate: faultRate / 4 } : {}) };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    if (patch.seed !== undefined) this.rand = mulberry32(patch.seed);
    if (patch.requestBudget !== undefined) this.used = 0;
    this.cfg = next;
    return this.config;
  }

  latency(): number {
    return this.cfg.latencyMs + (this.cfg.latencyJitterMs > 0 ? Math.floor(this.rand() * this.cfg.latencyJitterMs) : 0);
  }

  decide(isWrite: boolean): PaletteFaultDecision {
    this.used++;
    if (this.cfg.requestBudget !== null && this.used > this.cfg.requestBudget) return { kind: "status", status: 429 };
    if (this.cfg.rateLimitNext > 0) {
      this.cfg.rateLimitNext--;
      return { kind: "status", status: 429 };
    }
    if (this.cfg.failNext > 0) {
      this.cfg.failNext--;
      return { kind: "status", status: 503 };
    }
    if (this.cfg.resetNext > 0) {
      this.cfg.resetNext--;
      return { kind: "reset-before" };
    }
    if (isWrite && this.cfg.resetNextWrites > 0) {
      this.cfg.resetNextWrites--;
      return { kind: "reset-after" };
    }
    const { errorRate, rateLimitRate, resetRate } = this.cfg;
    if (errorRate + rateLimitRate + resetRate <= 0) return { kind: "none" };
    const x = this.rand();
    if (x < errorRate / 2) return { kind: "status", status: 500 };
    if (x < errorRate) return { kind: "status", status: 503 };
    if (x < errorRate + rateLimitRate) return { kind: "status", status: 429 };
    if (x < errorRate + rateLimitRate + resetRate) return isWrite && this.rand() < 0.5 ? { kind: "reset-after" } : { kind: "reset-before" };
    return { kind: "none" };
  }
}
