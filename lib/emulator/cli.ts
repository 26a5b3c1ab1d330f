/**
 * `prism-emulator`: runs the Prism Central v3 emulator until SIGINT/SIGTERM. Prints one line on
 * stdout, `prism-emulator listening on <url> …`, once it accepts connections. Bad flags: exit 2.
 */
import { parseArgs } from "node:util";
import { CREATE_VM_OPERATION, DELETE_VM_OPERATION, UPDATE_VM_OPERATION } from "./operations";
import { SeedError } from "./seed";
import { startEmulator, type EmulatorOptions } from "./server";

const USAGE = `Usage: prism-emulator [options]

A Prism Central v3 API emulator (HTTP or HTTPS, state in a JSON file).

Options:
  --port N              port to listen on; 0 = any free port (default 9440)
  --host H              address to bind (default 127.0.0.1; a non-loopback address must be given explicitly)
  --state FILE          state file (JSON, written atomically); loaded when present, else created from the seed
  --seed FILE           seed file (JSON) used when the state file does not exist (default: built-in seed)
  --https               serve HTTPS with a self-signed certificate; its PEM is written next to the state file
  --latency-ms N        latency added to every API request
  --task-ms N           task duration (default 200)
  --create-task-ms N    duration of VM create tasks (default: --task-ms)
  --update-task-ms N    duration of VM update tasks (default: --task-ms)
  --delete-task-ms N    duration of VM delete tasks (default: --task-ms)
  --fault-rate R        fraction of API requests failing: 500/503 R/2, 429 R/4, connection resets R/4
  --fault-seed S        seed of the fault PRNG (default 1)
  --task-failure-rate R fraction of tasks ending FAILED
  --lenient-versions    accept PUTs with a stale or missing spec_version (the default, as pc.2024.3 does)
  --strict-versions     refuse a stale spec_version (409) or a missing one (422), as older PCs did
  --accept-unreserved-uuids  accept a metadata.uuid not reserved through /idempotence_identifiers (pre-2022.1)
  --allow-hot-remove    apply CPU/memory decreases and cores-per-socket changes to running VMs
  --exact-filters       apply the filter of clusters/list (a real PC may ignore it, TF #542)
  --no-404-window       answer GET of a new VM at once (a real PC may answer 404 right after the 202)
  --gpu-capacity        refuse (through the task) VMs asking for more GPUs than are UNUSED
  --node-ready-ms N     Kubernetes side: a booted node turns Ready after N ms (default 0)
  --nodes-never-ready   Kubernetes side: every new node stays NotReady
  --request-budget N    after N API requests answer every request with 429
  --username U          accepted user (default admin)
  --password P          its password (default Nutanix/4u; visible in ps: prefer PRISM_EMULATOR_PASSWORD)

Environment:
  PRISM_EMULATOR_PASSWORD  the password of --username (or of admin), instead of --password
  --quiet               do not log bad requests on stderr
  --help                show this help
`;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

class UsageError extends Error {}

function num(flag: string, v: string | undefined, opts: { min?: number; max?: number; int?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    const range = opts.max !== undefined ? ` from ${opts.min ?? 0} to ${opts.max}` : opts.min !== undefined ? ` ≥ ${opts.min}` : "";
    throw new UsageError(`--${flag}: expected ${opts.int ? "an integer" : "a number"}${range}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): { help: true } | { help: false; options: EmulatorOptions; quiet: boolean } {
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
        seed: { type: "string" },
        https: { type: "boolean" },
        "latency-ms": { type: "string" },
        "task-ms": { type: "string" },
        "create-task-ms": { type: "string" },
        "update-task-ms": { type: "string" },
        "delete-task-ms": { type: "string" },
        "fault-rate": { type: "string" },
        "fault-seed": { type: "string" },
        "task-failure-rate": { type: "string" },
        "lenient-versions": { type: "boolean" },
        "strict-versions": { type: "boolean" },
        "accept-unreserved-uuids": { type: "boolean" },
        "allow-hot-remove": { type: "boolean" },
        "exact-filters": { type: "boolean" },
        "no-404-window": { type: "boolean" },
        "gpu-capacity": { type: "boolean" },
        "node-ready-ms": { type: "string" },
        "nodes-never-ready": { type: "boolean" },
        "request-budget": { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true };
  const s = (k: string): string | undefined => values[k] as string | undefined;
  const host = s("host") ?? "127.0.0.1";
  if (host.trim() === "") throw new UsageError("--host: expected an address");
  const options: EmulatorOptions = { host, port: num("port", s("port"), { int: true, min: 0, max: 65535 }) ?? 9440 };
  const statePath = s("state");
  if (statePath !== undefined) options.statePath = statePath;
  const seedPath = s("seed");
  if (seedPath !== undefined) options.seedPath = seedPath;
  if (values.https) options.https = true;
  const latency = num("latency-ms", s("latency-ms"), { int: true, min: 0 });
  if (latency !== undefined) options.latencyMs = latency;
  const taskMs = num("task-ms", s("task-ms"), { int: true, min: 0 });
  if (taskMs !== undefined) options.taskMs = taskMs;
  const byOp: Record<string, number> = {};
  for (const [flag, op] of [["create-task-ms", CREATE_VM_OPERATION], ["update-task-ms", UPDATE_VM_OPERATION], ["delete-task-ms", DELETE_VM_OPERATION]] as const) {
    const v = num(flag, s(flag), { int: true, min: 0 });
    if (v !== undefined) byOp[op] = v;
  }
  if (Object.keys(byOp).length > 0) options.taskMsByOperation = byOp;
  const fr = num("fault-rate", s("fault-rate"), { min: 0, max: 1 });
  if (fr !== undefined) options.faultRate = fr;
  const fs = num("fault-seed", s("fault-seed"), { int: true });
  if (fs !== undefined) options.faultSeed = fs;
  const tfr = num("task-failure-rate", s("task-failure-rate"), { min: 0, max: 1 });
  if (tfr !== undefined) options.taskFailureRate = tfr;
  if (values["lenient-versions"] && values["strict-versions"]) throw new UsageError("--lenient-versions and --strict-versions exclude each other");
  if (values["lenient-versions"]) options.lenientVersions = true;
  if (values["strict-versions"]) options.strictVersions = true;
  if (values["accept-unreserved-uuids"]) options.requireReservedUuids = false;
  if (values["allow-hot-remove"]) options.refuseHotRemove = false;
  if (values["exact-filters"]) options.looseFilters = false;
  if (values["no-404-window"]) options.notFoundAfterCreate = false;
  if (values["gpu-capacity"]) options.gpuCapacity = true;
  const nodeReadyMs = num("node-ready-ms", s("node-ready-ms"), { int: true, min: 0 });
  if (nodeReadyMs !== undefined) options.nodeReadyMs = nodeReadyMs;
  if (values["nodes-never-ready"]) options.nodesNeverReady = true;
  const budget = num("request-budget", s("request-budget"), { int: true, min: 0 });
  if (budget !== undefined) options.requestBudget = budget;
  const envPassword = env.PRISM_EMULATOR_PASSWORD !== undefined && env.PRISM_EMULATOR_PASSWORD !== "" ? env.PRISM_EMULATOR_PASSWORD : undefined;
  const p = s("password") ?? envPassword;
  const u = s("username") ?? (p !== undefined ? "admin" : undefined);
  if ((u === undefined) !== (p === undefined)) throw new UsageError("--username needs a password: --password P or PRISM_EMULATOR_PASSWORD");
  if (u !== undefined && p !== undefined) {
    if (u === "") throw new UsageError("--username: expected a non-empty name");
    options.users = [{ username: u, password: p }];
  }
  return { help: false, options, quiet: values.quiet === true };
}

/** Entry point of bin/prism-emulator.js. */
export async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`prism-emulator: ${e.message}\nRun prism-emulator --help for usage.\n`);
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
  if (!LOOPBACK.has(options.host!)) process.stderr.write(`prism-emulator: warning: binding ${options.host}, which is not a loopback address\n`);
  options.logger = quiet ? () => undefined : (line) => process.stderr.write(`${line}\n`);
  let emu;
  try {
    emu = await startEmulator(options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof SeedError || err.code === "EADDRINUSE" || err.code === "EACCES" || err.code === "EADDRNOTAVAIL" || /state file/.test(err.message)) {
      process.stderr.write(`prism-emulator: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const parts = [`prism-emulator listening on ${emu.url}`, `username ${emu.username}`, `password ${emu.password}`];
  if (emu.caFile) parts.push(`ca ${emu.caFile}`);
  if (emu.statePath) parts.push(`state ${emu.statePath}`);
  process.stdout.write(`${parts.join(" ")}\n`);
  const shutdown = (signal: string): void => {
    process.stderr.write(`prism-emulator: ${signal}, stopping\n`);
    void emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
