/**
 * `palette-emulator`: runs the Palette emulator until SIGINT/SIGTERM. Prints one line on stdout,
 * `palette-emulator listening on <url> …`, once it accepts connections (never the API key). Bad flags: exit 2.
 */
import { parseArgs } from "node:util";
import { startPaletteEmulator, type PaletteEmulatorOptions } from "./emulator";

export const API_KEY_ENV = "PALETTE_EMULATOR_API_KEY";

const USAGE = `Usage: palette-emulator [options]

A Spectro Cloud Palette API emulator for the Nutanix flow (HTTP on loopback, state in a JSON file).

Options:
  --port N              port to listen on; 0 = any free port (default 0)
  --host H              loopback address to bind (default 127.0.0.1)
  --state FILE          state file (JSON, written atomically); loaded when present, else created from the seed
  --api-key KEY         the accepted API key (better: the ${API_KEY_ENV} environment variable, not visible in ps)
  --step-ms N           length of one lifecycle step of PCGs and clusters (default 1000)
  --latency-ms N        latency added to every API request
  --fault-rate R        fraction of API requests failing: 500/503 R/2, 429 R/4, connection resets R/4
  --fault-seed S        seed of the fault PRNG (default 1)
  --request-budget N    after N API requests answer every request with 429
  --rate-limit N        token bucket: N requests per second per client and resource prefix (burst 5×N)
  --retry-after S       send Retry-After: S with every 429 (default: no header, as documented)
  --quiet               do not log bad requests on stderr
  --help                show this help
`;

class UsageError extends Error {}

function num(flag: string, v: string | undefined, opts: { min?: number; max?: number; int?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw new UsageError(`--${flag}: expected ${opts.int ? "an integer" : "a number"}${opts.max !== undefined ? ` from ${opts.min ?? 0} to ${opts.max}` : opts.min !== undefined ? ` ≥ ${opts.min}` : ""}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): { help: true } | { help: false; options: PaletteEmulatorOptions; quiet: boolean } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        state: { type: "string" },
        "api-key": { type: "string" },
        "step-ms": { type: "string" },
        "latency-ms": { type: "string" },
        "fault-rate": { type: "string" },
        "fault-seed": { type: "string" },
        "request-budget": { type: "string" },
        "rate-limit": { type: "string" },
        "retry-after": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true };
  const s = (k: string): string | undefined => values[k] as string | undefined;
  const apiKey = s("api-key") ?? env[API_KEY_ENV];
  if (!apiKey) throw new UsageError(`an API key is required: set ${API_KEY_ENV} (or --api-key)`);
  const options: PaletteEmulatorOptions = { apiKey, host: s("host") ?? "127.0.0.1", port: num("port", s("port"), { int: true, min: 0, max: 65535 }) ?? 0 };
  const statePath = s("state");
  if (statePath !== undefined) options.statePath = statePath;
  const step = num("step-ms", s("step-ms"), { int: true, min: 0 });
  if (step !== undefined) options.stepMs = step;
  const faults: NonNullable<PaletteEmulatorOptions["faults"]> = {};
  const latency = num("latency-ms", s("latency-ms"), { int: true, min: 0 });
  if (latency !== undefined) faults.latencyMs = latency;
  const fr = num("fault-rate", s("fault-rate"), { min: 0, max: 1 });
  if (fr !== undefined) Object.assign(faults, { errorRate: fr / 2, rateLimitRate: fr / 4, resetRate: fr / 4 });
  const seed = num("fault-seed", s("fault-seed"), { int: true });
  if (seed !== undefined) faults.seed = seed;
  const budget = num("request-budget", s("request-budget"), { int: true, min: 0 });
  if (budget !== undefined) faults.requestBudget = budget;
  const ra = num("retry-after", s("retry-after"), { int: true, min: 0 });
  if (ra !== undefined) faults.retryAfterSeconds = ra;
  options.faults = faults;
  const rl = num("rate-limit", s("rate-limit"), { min: 0.001 });
  if (rl !== undefined) options.rateLimit = { perSecond: rl, burst: Math.max(1, Math.round(rl * 5)) };
  return { help: false, options, quiet: values.quiet === true };
}

/** Entry point of bin/palette-emulator.js. */
export async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`palette-emulator: ${e.message}\nRun palette-emulator --help for usage.\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { options, quiet } = parsed;
  options.log = quiet ? () => undefined : (line) => process.stderr.write(`${line}\n`);
  let emu;
  try {
    emu = await startPaletteEmulator(options);
  } catch (e) {
    process.stderr.write(`palette-emulator: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`palette-emulator listening on ${emu.url}${options.statePath ? ` state ${options.statePath}` : ""}\n`);
  const shutdown = (signal: string): void => {
    process.stderr.write(`palette-emulator: ${signal}, stopping\n`);
    void emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
