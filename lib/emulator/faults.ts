/**
 * Fault injection with a seeded PRNG (mulberry32) so a run is repeatable: latency, 500/503 answers,
 * 429 with Retry-After, connection resets (before handling, or after a write was applied and
 * persisted, so the client never sees the acknowledgement), failed tasks, and a request budget
 * after which every request gets 429. Faults never apply to admin paths.
 */
import { z } from "zod";
import { mulberry32 } from "./util";

export interface FaultConfig {
  /** Added to every API request. */
  latencyMs: number;
  /** Extra random latency, uniform in [0, latencyJitterMs). */
  latencyJitterMs: number;
  /** Fraction of API requests answered 500 INTERNAL_ERROR or 503 (half each). */
  errorRate: number;
  /** Fraction answered 429 with Retry-After. */
  rateLimitRate: number;
  /** Fraction whose connection is destroyed: half before handling, half after handling a write. */
  resetRate: number;
  /** Fraction of tasks that end FAILED with an error_detail. */
  taskFailureRate: number;
  /** The next N tasks end FAILED (deterministic, for tests). */
  failNextTasks: number;
  /** The next N writes are applied and persisted, then their connection is reset (the answer is lost). */
  resetNextWrites: number;
  /** After this many API requests every request gets 429; null = unlimited. */
  requestBudget: number | null;
  /** Retry-After seconds sent with 429. */
  retryAfterSeconds: number;
  /** PRNG seed. Setting it restarts the sequence. */
  seed: number;
}

export const DEFAULT_FAULTS: FaultConfig = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  rateLimitRate: 0,
  resetRate: 0,
  taskFailureRate: 0,
  failNextTasks: 0,
  resetNextWrites: 0,
  requestBudget: null,
  retryAfterSeconds: 1,
  seed: 1,
};

const Rate = z.number().min(0, { error: "expected a rate from 0 to 1" }).max(1, { error: "expected a rate from 0 to 1" });
const Ms = z.number().int({ error: "expected whole milliseconds" }).min(0, { error: "expected milliseconds ≥ 0" });

/** Body of PUT /_emulator/faults: any subset of FaultConfig, plus `faultRate` (the CLI mix). */
export const FaultPatch = z.strictObject({
  latencyMs: Ms.optional(),
  latencyJitterMs: Ms.optional(),
  errorRate: Rate.optional(),
  rateLimitRate: Rate.optional(),
  resetRate: Rate.optional(),
  taskFailureRate: Rate.optional(),
  failNextTasks: z.number().int().min(0).optional(),
  resetNextWrites: z.number().int().min(0).optional(),
  requestBudget: z.number().int().min(0).nullable().optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
  faultRate: Rate.optional(),
});
export type FaultPatch = z.infer<typeof FaultPatch>;

/** `faultRate` R is the mix: errors R/2 (500 and 503), 429 R/4, resets R/4. */
export function splitFaultRate(r: number): Pick<FaultConfig, "errorRate" | "rateLimitRate" | "resetRate"> {
  return { errorRate: r / 2, rateLimitRate: r / 4, resetRate: r / 4 };
}

export type FaultDecision =
  | { kind: "none" }
  | { kind: "status"; status: 500 | 503 | 429; reason: "fault" | "budget" }
  | { kind: "reset-before" }
  | { kind: "reset-after" };

export class Faults {
  private cfg: FaultConfig;
  private rand: () => number;
  private used = 0;

  constructor(initial: Partial<FaultConfig> = {}) {
    this.cfg = { ...DEFAULT_FAULTS, ...initial };
    this.rand = mulberry32(this.cfg.seed);
  }

  get config(): FaultConfig {
    return { ...this.cfg };
  }

  /** Requests counted against the budget so far. */
  get budgetUsed(): number {
    return this.used;
  }

  apply(patch: FaultPatch): FaultConfig {
    const { faultRate, ...rest } = patch;
    const next: FaultConfig = { ...this.cfg, ...(faultRate !== undefined ? splitFaultRate(faultRate) : {}) };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    if (patch.seed !== undefined) this.rand = mulberry32(patch.seed);
    if (patch.requestBudget !== undefined) this.used = 0;
    this.cfg = next;
    return this.config;
  }

  latency(): number {
    const j = this.cfg.latencyJitterMs > 0 ? Math.floor(this.rand() * this.cfg.latencyJitterMs) : 0;
    return this.cfg.latencyMs + j;
  }

  /** Decides the fate of one API request. */
  decide(isWrite: boolean): FaultDecision {
    this.used++;
    if (this.cfg.requestBudget !== null && this.used > this.cfg.requestBudget) return { kind: "status", status: 429, reason: "budget" };
    if (isWrite && this.cfg.resetNextWrites > 0) {
      this.cfg.resetNextWrites--;
      return { kind: "reset-after" };
    }
    const { errorRate, rateLimitRate, resetRate } = this.cfg;
    if (errorRate + rateLimitRate + resetRate <= 0) return { kind: "none" };
    const x = this.rand();
    if (x < errorRate / 2) return { kind: "status", status: 500, reason: "fault" };
    if (x < errorRate) return { kind: "status", status: 503, reason: "fault" };
    if (x < errorRate + rateLimitRate) return { kind: "status", status: 429, reason: "fault" };
    if (x < errorRate + rateLimitRate + resetRate) {
      const after = isWrite && this.rand() < 0.5;
      return after ? { kind: "reset-after" } : { kind: "reset-before" };
    }
    return { kind: "none" };
  }

  /** Whether a new task should fail. */
  taskShouldFail(): boolean {
    if (this.cfg.failNextTasks > 0) {
      this.cfg.failNextTasks--;
      return true;
    }
    return this.cfg.taskFailureRate > 0 && this.rand() < this.cfg.taskFailureRate;
  }
}
