/**
 * The run settings of plan/apply/destroy in ONE zod schema, used by both the programmatic API
 * (`applyPlan`, `planDiff`, `destroyPlan` parse their options through it) and the CLI (flags are parsed
 * into the same option object, then through this schema). A violation is a HandlerInputError naming
 * the flag, what was expected and what was given.
 */
import * as z from "zod";
import { DEFAULT_ENDPOINT_POLL, DEFAULT_ENDPOINT_TIMEOUT_S, ENDPOINT_READINESS_MODES } from "./endpoints";
import { HandlerInputError } from "./errors";

/** Default of `--task-timeout`: 30 minutes (a create with a large image copy can take long). */
export const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;

/** Default of `--request-timeout`: 30 s (the Prism client's). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const shown = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(v));

const flagBoolean = (flag: string) => z.boolean({ error: (i) => `${flag}: expected true or false, got ${shown(i.input)}` });

export const RunSettingsSchema = z.strictObject({
  /** `--parallelism`: concurrent VM writes (create/update/delete including their task waits). */
  parallelism: z
    .number({ error: (i) => `--parallelism: expected a whole number from 1 to 1000, got ${shown(i.input)}` })
    .refine((n) => Number.isInteger(n) && n >= 1 && n <= 1000, { error: (i) => `--parallelism: expected a whole number from 1 to 1000, got ${shown(i.input)}` })
    .default(10),
  /** `--no-prune` turns it off: delete what the stack owns under resource ids the plan no longer holds. */
  prune: flagBoolean("--no-prune").default(true),
  /** `--wait-endpoints`. */
  waitEndpoints: flagBoolean("--wait-endpoints").default(false),
  /** `--endpoint-timeout`, in milliseconds here (seconds on the command line). */
  endpointTimeoutMs: z
    .number({ error: (i) => `--endpoint-timeout: expected a positive number of seconds, got ${shown(i.input)}` })
    .refine((n) => Number.isFinite(n) && n > 0, { error: (i) => `--endpoint-timeout: expected a positive number of seconds, got ${String(Number(i.input) / 1000)}` })
    .default(DEFAULT_ENDPOINT_TIMEOUT_S * 1000),
  /** `--endpoint-readiness`. */
  endpointReadiness: z
    .enum(ENDPOINT_READINESS_MODES as ["auto", "emulator", "tcp"], { error: (i) => `--endpoint-readiness: expected one of ${ENDPOINT_READINESS_MODES.join(", ")}, got ${JSON.stringify(i.input)}` })
    .default("auto"),
  /** Polling of the endpoint wait. */
  endpointPoll: z
    .strictObject({
      initialDelayMs: z.number().positive().optional(),
      maxDelayMs: z.number().positive().optional(),
      reportEveryMs: z.number().positive().optional(),
    }, { error: "endpointPoll: expected { initialDelayMs?, maxDelayMs?, reportEveryMs? } in milliseconds" })
    .transform((p) => ({ ...DEFAULT_ENDPOINT_POLL, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) }))
    .default(DEFAULT_ENDPOINT_POLL),
  /** `--check-reachability`. */
  checkReachability: flagBoolean("--check-reachability").default(false),
  /** `--allow-external-probes`. */
  allowExternalProbes: flagBoolean("--allow-external-probes").default(false),
  /** Per-target timeout of the reachability probe (ms). */
  probeTimeoutMs: z.number({ error: "probeTimeoutMs: expected a positive number of milliseconds" }).positive({ error: "probeTimeoutMs: expected a positive number of milliseconds" }).default(5000),
  /** `--task-timeout` (ms here, a duration on the command line): how long one Prism Central task is waited for. @default DEFAULT_TASK_TIMEOUT_MS */
  taskTimeoutMs: z
    .number({ error: (i) => `--task-timeout: expected a positive number of milliseconds, got ${shown(i.input)}` })
    .refine((n) => Number.isInteger(n) && n > 0, { error: (i) => `--task-timeout: expected a positive whole number of milliseconds, got ${shown(i.input)}` })
    .default(DEFAULT_TASK_TIMEOUT_MS),
  /** `--request-timeout` (ms here, a duration on the command line): how long one HTTP request to Prism Central may take. @default DEFAULT_REQUEST_TIMEOUT_MS */
  requestTimeoutMs: z
    .number({ error: (i) => `--request-timeout: expected a positive number of milliseconds, got ${shown(i.input)}` })
    .refine((n) => Number.isInteger(n) && n > 0, { error: (i) => `--request-timeout: expected a positive whole number of milliseconds, got ${shown(i.input)}` })
    .default(DEFAULT_REQUEST_TIMEOUT_MS),
  /** `--generation` (destroy): a plan generation. */
  generation: z
    .string({ error: (i) => `--generation: expected 64 hex characters (a plan generation), got ${shown(i.input)}` })
    .regex(/^[0-9a-f]{64}$/, { error: (i) => `--generation: expected 64 hex characters (a plan generation), got ${shown(i.input)}` })
    .optional(),
  /** `--node-ready-timeout`, in milliseconds here: how long a new node may take to turn Ready. */
  nodeReadyTimeoutMs: z
    .number({ error: (i) => `--node-ready-timeout: expected a positive duration such as 20m, got ${shown(i.input)}` })
    .refine((n) => Number.isFinite(n) && n > 0, { error: (i) => `--node-ready-timeout: expected a positive duration such as 20m, got ${shown(i.input)} ms` })
    .default(20 * 60_000),
  /** `--drain-timeout`, in milliseconds here: how long a drain may take before the removal is refused. */
  drainTimeoutMs: z
    .number({ error: (i) => `--drain-timeout: expected a positive duration such as 10m, got ${shown(i.input)}` })
    .refine((n) => Number.isFinite(n) && n > 0, { error: (i) => `--drain-timeout: expected a positive duration such as 10m, got ${shown(i.input)} ms` })
    .default(10 * 60_000),
  /** `--gateway-timeout`, in milliseconds here: how long a PCG may take to turn Running and Healthy in Palette. */
  gatewayTimeoutMs: z
    .number({ error: (i) => `--gateway-timeout: expected a positive duration such as 30m, got ${shown(i.input)}` })
    .refine((n) => Number.isFinite(n) && n > 0, { error: (i) => `--gateway-timeout: expected a positive duration such as 30m, got ${shown(i.input)} ms` })
    .default(30 * 60_000),
  /** Pause between polls of Palette in milliseconds (10000: terraform-provider-spectrocloud's `MinTimeout: 10 * time.Second`). */
  palettePollMs: z.number({ error: "palettePollMs: expected a positive number of milliseconds" }).positive({ error: "palettePollMs: expected a positive number of milliseconds" }).default(10_000),
  /** `--approve-repave`: approve the repave a machine change of a cluster through Palette starts. */
  approveRepave: flagBoolean("--approve-repave").default(false),
  /** Pause between polls of a cluster's API (node Ready, drain) in milliseconds (500). */
  kubePollMs: z.number({ error: "kubePollMs: expected a positive number of milliseconds" }).positive({ error: "kubePollMs: expected a positive number of milliseconds" }).default(500),
  /** `--yes` (destroy): confirm deleting everything of the stack. */
  yes: flagBoolean("--yes").default(false),
});

/** The validated settings, defaults filled in. */
export type RunSettings = z.output<typeof RunSettingsSchema>;

/** The settings as a caller gives them (every field optional). */
export type RunSettingsInput = z.input<typeof RunSettingsSchema>;

const KEYS = Object.keys(RunSettingsSchema.shape) as Array<keyof RunSettingsInput>;

/** Picks the run settings out of an options object (which also holds the plan, the target, loggers…) and validates them. */
export function parseRunSettings(options: Partial<Record<keyof RunSettingsInput, unknown>>): RunSettings {
  const picked: Record<string, unknown> = {};
  for (const k of KEYS) if (options[k] !== undefined) picked[k] = options[k];
  const r = RunSettingsSchema.safeParse(picked);
  if (!r.success) throw new HandlerInputError(r.error.issues.map((i) => i.message).join("\n"));
  return r.data;
}
