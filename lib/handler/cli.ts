/**
 * nutanix-handler: validate | plan | apply | destroy | status of a nutanix-palette-cdk plan against Prism
 * Central. Exit 0 done, 1 failed, 2 bad input (bad plan, unknown resource, bad flags, missing credentials);
 * `plan --detailed-exitcode` exits as `terraform plan -detailed-exitcode` does (Terraform CLI docs,
 * "Command: plan"): 0 no changes, 1 error, 2 changes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PLAN_FILE_NAME } from "../schema/plan";
import { applyPlan, destroyPlan, destroyPreview, loadPlan, planDiff, statusPlan, validatePlan, type ApplyOptions, type DestroyOptions, type PlanResult } from "./index";
import { parseDuration } from "./duration";
import { forceUnlockMain } from "./force-unlock";
import { errorMessage, HandlerInputError } from "./errors";
import { parseRunSettings } from "./options";
import { summaryTable } from "./progress";
import { DEFAULT_ENDPOINT_TIMEOUT_S, type EndpointReadinessMode } from "./endpoints";
import type { RunResult } from "./types";
import { paletteMain } from "./palette/cli";
import type { Plan } from "../schema/plan";
import { kubeconfigHints } from "./kube/kubeconfig";
import { kubeconfigCommand } from "./palette/kubeconfig";

export const USAGE = `Usage: nutanix-handler <command> [options]

Commands:
  validate   check the plan file (schema, ids, dependencies, generations); no API call
  plan       show what apply would do, per resource: create / update in place / replace / delete / no change
  apply      make Prism Central match the plan (or one --resource), then prune removed resources
  destroy    delete what --resource owns (superseded --generation: no-op) and the stack's VMs of resources no
             longer in the plan that it is in charge of, or everything of the stack: it lists what it will
             delete first, then needs --yes or a "yes" typed at the terminal prompt
  status     list the stack's clusters, pools, VMs, their IPs and power state as Prism Central has them (reads only)
  kubeconfig print an admin kubeconfig of --cluster <resource id> (client certificate from the cluster CA, 1 h;
             for a cluster through Palette, Palette's admin kubeconfig)
  force-unlock <lock id>
             free a stack lock left by a run that will not come back, like terraform force-unlock: the local
             lock with that id and, with a plan (--plan or the nearest one), the Prism Central record with it

Options:
  --plan <file>              plan file (default: ./${PLAN_FILE_NAME}, else the only cdktf.out/stacks/*/${PLAN_FILE_NAME})
  --resource <id>            one resource (a construct path such as dc1/pcg-host/cp); default all
  --generation <sha256>      destroy: the generation being destroyed (the bridge passes its own)
  --endpoint <url>           Prism Central, https://host[:9440] (default: $NUTANIX_ENDPOINT, else the plan's account);
  --endpoint <account>=<url> per PrismCentralAccount id, repeatable. A plan with several accounts takes only this
                             form (a plain --endpoint or $NUTANIX_ENDPOINT is refused: exit 2); each resource goes
                             to its own account's Prism Central
  --palette-endpoint <url>   Palette, https://host[:port], for every PaletteAccount (default: $PALETTE_ENDPOINT,
                             else the account's endpoint)
  --credentials-file <file>  JSON {"username": ..., "password": ...} (default: the account's variables,
                             normally NUTANIX_USERNAME / NUTANIX_PASSWORD); <account>=<file> per account,
                             repeatable (several accounts: only this form)
  --ca-bundle <file>         PEM CA certificates to trust in addition to the system ones (also $NUTANIX_CA_BUNDLE),
                             for every account; <account>=<file> for one account, repeatable
  --insecure                 do not verify the TLS certificate (explicit opt-in)
  --parallelism <n>          concurrent VM writes and task waits (default 10)
  --lock-timeout <duration>  apply/destroy: how long to wait for the stack lock held by another plan, e.g. 30s,
                             5m (default 0s: refuse at once with "locked by …", exit 1, nothing changed)
  --task-timeout <duration>  how long one Prism Central task is waited for, e.g. 45m, 1h30m (default 30m)
  --request-timeout <dur.>   how long one HTTP request may take, e.g. 60s (default 30s); a bare number is seconds
  --no-prune                 apply/plan/destroy --resource: leave VMs of resources no longer in the plan alone
  --detailed-exitcode        plan: exit 0 when nothing would change, 2 when something would, 1 on any error
                             (bad input included), as terraform plan -detailed-exitcode does
  --yes                      destroy: confirm deleting everything the stack owns
  --output-dir <dir>         where local output goes: PCG install bundles in <dir>/pcg/<pcg name>/
                             (default: the directory of the plan file)
  --wait-endpoints           apply: each NutanixCluster waits, after its pools converged, until its kube-vip
                             address answers on its port (off by default; dials the VIP only against a real
                             Prism Central)
  --endpoint-timeout <s>     apply: how long --wait-endpoints waits, in seconds (default ${DEFAULT_ENDPOINT_TIMEOUT_S})
  --endpoint-readiness <m>   apply: auto (default: the emulator's simulated readiness when the target is the
                             emulator, else a TCP connect), emulator, or tcp (refused against the emulator
                             unless the VIP is loopback)
  --check-reachability       apply: each PrivateCloudGateway checks that Palette and Prism Central accept a TCP
                             connection (through its proxy when set); off by default; loopback targets only
                             unless --allow-external-probes; against the emulator, loopback only, always
  --allow-external-probes    apply: let --check-reachability dial addresses outside this machine
  --node-ready-timeout <d>   apply: how long a new node may take to turn Ready, e.g. 20m (default 20m);
                             on timeout the pool fails and nothing old is deleted
  --drain-timeout <d>        apply: how long draining a node may take before its removal fails (default 10m)
  --gateway-timeout <d>      apply: how long a PrivateCloudGateway with a PaletteAccount may take to turn
                             Running and Healthy in Palette after its manifests are applied (default 30m)
  --approve-repave           apply: approve the repave Palette holds after a machine change of a cluster
                             through Palette (without it, apply reports that the repave awaits approval
                             and exits non-zero)
  --cluster <id>             kubeconfig: the NutanixCluster (or PaletteCluster) resource id
  --json                     print the result as JSON on stdout (progress stays on stderr)
  --quiet                    no progress lines (the summary and errors still print)
  -h, --help                 this text
  --version                  print the package version

Environment:
  NUTANIX_ENDPOINT, NUTANIX_USERNAME, NUTANIX_PASSWORD, NUTANIX_CA_BUNDLE   target and credentials (see above);
                             NUTANIX_ENDPOINT may also hold "<account>=<url> <account>=<url>" (several accounts)
  PALETTE_ENDPOINT, PALETTE_API_KEY   Palette target and key (the key variable is the PaletteAccount's apiKey)
  NPC_APPLY_FLAGS            extra flags for every apply, e.g. "--wait-endpoints --endpoint-timeout 900";
                             cdktf deploy passes its environment to the local-exec provisioners, so this is how
                             a deploy opts in to the apply-only checks

Exit codes: 0 done, 1 failed (see the summary), 2 bad input (plan --detailed-exitcode: 0 no changes, 2 changes,
1 error).`;

/** The CLI's options (node:util parseArgs). */
const CLI_OPTIONS = {
  plan: { type: "string" },
  resource: { type: "string" },
  generation: { type: "string" },
  endpoint: { type: "string", multiple: true },
  "palette-endpoint": { type: "string" },
  "credentials-file": { type: "string", multiple: true },
  "ca-bundle": { type: "string", multiple: true },
  insecure: { type: "boolean" },
  parallelism: { type: "string" },
  "task-timeout": { type: "string" },
  "lock-timeout": { type: "string" },
  "request-timeout": { type: "string" },
  "no-prune": { type: "boolean" },
  yes: { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  "output-dir": { type: "string" },
  "wait-endpoints": { type: "boolean" },
  "endpoint-timeout": { type: "string" },
  "endpoint-readiness": { type: "string" },
  "check-reachability": { type: "boolean" },
  "allow-external-probes": { type: "boolean" },
  "detailed-exitcode": { type: "boolean" },
  "node-ready-timeout": { type: "string" },
  "drain-timeout": { type: "string" },
  "gateway-timeout": { type: "string" },
  "approve-repave": { type: "boolean" },
  cluster: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Flags appended to every `apply` from NPC_APPLY_FLAGS (whitespace-separated; no quoting). */
export function applyFlagsFromEnv(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = env.NPC_APPLY_FLAGS?.trim();
  if (!extra) return [...argv];
  let command: string | undefined;
  try {
    command = parseArgs({ args: [...argv], options: CLI_OPTIONS, strict: false, allowPositionals: true }).positionals[0];
  } catch {
    return [...argv];
  }
  return command === "apply" ? [...argv, ...extra.split(/\s+/)] : [...argv];
}

const COMMANDS = ["validate", "plan", "apply", "destroy", "status", "kubeconfig"] as const;
type Command = (typeof COMMANDS)[number];

/** The nearest plan file: ./nutanix-plan.json, else the single one under ./cdktf.out/stacks/. */
export function defaultPlanFile(cwd: string = process.cwd()): string {
  const here = path.join(cwd, PLAN_FILE_NAME);
  if (fs.existsSync(here)) return here;
  const stacks = path.join(cwd, "cdktf.out", "stacks");
  const found = fs.existsSync(stacks)
    ? fs.readdirSync(stacks).map((d) => path.join(stacks, d, PLAN_FILE_NAME)).filter((f) => fs.existsSync(f))
    : [];
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new HandlerInputError(`several plans under ${stacks}: pass --plan (one of ${found.map((f) => path.relative(cwd, f)).join(", ")})`);
  throw new HandlerInputError(`no ${PLAN_FILE_NAME} here or under cdktf.out/stacks/: run cdktf synth, or pass --plan <file>`);
}

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty: boolean;
  tty?: { write(text: string): void };
  /** Asks a question at the terminal and resolves to the answer; absent when stdin is not a terminal. */
  prompt?: (question: string) => Promise<string>;
}

/** A question on stderr, the answer from stdin (a terminal). */
async function askTerminal(question: string): Promise<string> {
  const readline = await import("node:readline/promises");
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

const defaultIo = (): Io => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: process.stderr.isTTY === true,
  tty: process.stderr,
  ...(process.stdin.isTTY === true ? { prompt: askTerminal } : {}),
});

/** The programmatic options a command line stands for (run settings still to be checked by RunSettingsSchema). */
export type CliOptions = Omit<ApplyOptions & DestroyOptions, "plan" | "log" | "tty"> & { cluster?: string };

/** A parsed command line: help, or one command with its options. */
export type ParsedCli =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly command: Command;
      readonly json: boolean;
      readonly quiet: boolean;
      /** `plan --detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
      readonly detailedExitcode: boolean;
      /** `--plan`, or undefined to look for the nearest plan file. */
      readonly planFile: string | undefined;
      readonly options: CliOptions;
    };

/** A number flag's syntax (its range is the schema's business). */
function numberFlag(flag: string, text: string | undefined, re: RegExp, expected: string): number | undefined {
  if (text === undefined) return undefined;
  if (!re.test(text)) throw new HandlerInputError(`--${flag}: expected ${expected}, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A duration flag (`90s`, `20m`, `1h`, `500ms`) in milliseconds. */
function durationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new HandlerInputError(`--${flag}: expected a duration such as 90s, 20m or 1h, got ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3600_000 }[m[2] as "ms" | "s" | "m" | "h"]);
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof CLI_OPTIONS }>>["values"];

/** Which flags go with which command; throws HandlerInputError. */
function checkFlagCombinations(cmd: Command, v: Values): void {
  if (v.generation !== undefined && cmd !== "destroy") throw new HandlerInputError("--generation is for destroy only");
  if (v.yes && cmd !== "destroy") throw new HandlerInputError("--yes is for destroy only");
  if (v["detailed-exitcode"] && cmd !== "plan") throw new HandlerInputError("--detailed-exitcode is for plan only");
  for (const flag of ["wait-endpoints", "endpoint-timeout", "endpoint-readiness", "check-reachability", "allow-external-probes", "gateway-timeout", "approve-repave"] as const) {
    if (v[flag] !== undefined && cmd !== "apply") throw new HandlerInputError(`--${flag} is for apply only`);
  }
  if ((v["endpoint-timeout"] !== undefined || v["endpoint-readiness"] !== undefined) && !v["wait-endpoints"]) {
    throw new HandlerInputError(`--${v["endpoint-timeout"] !== undefined ? "endpoint-timeout" : "endpoint-readiness"} needs --wait-endpoints`);
  }
  if (v["no-prune"] && cmd !== "apply" && cmd !== "plan" && cmd !== "destroy") throw new HandlerInputError("--no-prune is for apply, plan and destroy --resource only");
  if (v["no-prune"] && cmd === "destroy" && v.resource === undefined) throw new HandlerInputError("--no-prune is for destroy --resource only: destroy of the whole stack deletes everything it owns");
  if (v["lock-timeout"] !== undefined && cmd !== "apply" && cmd !== "destroy") throw new HandlerInputError("--lock-timeout is for apply and destroy only");
  if (v.cluster !== undefined && cmd !== "kubeconfig") throw new HandlerInputError("--cluster is for kubeconfig only");
  if (cmd === "kubeconfig" && v.cluster === undefined) throw new HandlerInputError("kubeconfig needs --cluster <NutanixCluster resource id>");
  if (v["allow-external-probes"] && !v["check-reachability"]) throw new HandlerInputError("--allow-external-probes needs --check-reachability");
}

/**
 * Parses the command line (pure: no file, no network). Throws HandlerInputError for a bad command
 * line; node:util's own errors (unknown flag, missing value) pass through as they are.
 */
export function parseCli(argv: readonly string[]): ParsedCli {
  const parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: CLI_OPTIONS });
  const v = parsed.values;
  if (v.help) return { help: true };
  const [command, ...extra] = parsed.positionals;
  if (!command || !(COMMANDS as readonly string[]).includes(command) || extra.length > 0) {
    throw new CliUsageError(`expected one command (${COMMANDS.join(", ")})${command ? `, got ${[command, ...extra].join(" ")}` : ""}`);
  }
  const cmd = command as Command;
  checkFlagCombinations(cmd, v);
  const parallelism = numberFlag("parallelism", v.parallelism, /^\d+$/, "a whole number");
  const seconds = numberFlag("endpoint-timeout", v["endpoint-timeout"], /^\d+(\.\d+)?$/, "a positive number of seconds");
  const nodeReady = durationFlag("node-ready-timeout", v["node-ready-timeout"]);
  const drain = durationFlag("drain-timeout", v["drain-timeout"]);
  const gateway = durationFlag("gateway-timeout", v["gateway-timeout"]);
  const options: CliOptions = {
    ...(gateway !== undefined ? { gatewayTimeoutMs: gateway } : {}),
    ...(v["approve-repave"] ? { approveRepave: true } : {}),
    ...(nodeReady !== undefined ? { nodeReadyTimeoutMs: nodeReady } : {}),
    ...(drain !== undefined ? { drainTimeoutMs: drain } : {}),
    ...(v.cluster !== undefined ? { cluster: v.cluster } : {}),
    ...(v.resource !== undefined ? { resource: v.resource } : {}),
    ...(v.endpoint !== undefined ? { endpoint: v.endpoint } : {}),
    ...(v["palette-endpoint"] !== undefined ? { paletteEndpoint: v["palette-endpoint"] } : {}),
    ...(v["credentials-file"] !== undefined ? { credentialsFile: v["credentials-file"] } : {}),
    ...(v["ca-bundle"] !== undefined ? { caBundleFile: v["ca-bundle"] } : {}),
    ...(v.insecure ? { insecure: true } : {}),
    ...(parallelism !== undefined ? { parallelism } : {}),
    ...(v["task-timeout"] !== undefined ? { taskTimeoutMs: parseDuration("task-timeout", v["task-timeout"]) } : {}),
    ...(v["request-timeout"] !== undefined ? { requestTimeoutMs: parseDuration("request-timeout", v["request-timeout"]) } : {}),
    ...(v["output-dir"] !== undefined ? { outputDir: v["output-dir"] } : {}),
    ...(v["lock-timeout"] !== undefined ? { lockTimeoutMs: lockTimeout(v["lock-timeout"]) } : {}),
    ...(cmd === "apply" || cmd === "plan" ? { prune: !v["no-prune"] } : cmd === "destroy" && v["no-prune"] ? { prune: false } : {}),
    ...(v["wait-endpoints"] ? { waitEndpoints: true } : {}),
    ...(seconds !== undefined ? { endpointTimeoutMs: Math.round(seconds * 1000) } : {}),
    ...(v["endpoint-readiness"] !== undefined ? { endpointReadiness: v["endpoint-readiness"] as EndpointReadinessMode } : {}),
    ...(v["check-reachability"] ? { checkReachability: true } : {}),
    ...(v["allow-external-probes"] ? { allowExternalProbes: true } : {}),
    ...(v.generation !== undefined ? { generation: v.generation } : {}),
    ...(v.yes ? { yes: true } : {}),
  };
  return { help: false, command: cmd, json: v.json === true, quiet: v.quiet === true, detailedExitcode: v["detailed-exitcode"] === true, planFile: v.plan, options };
}

/** `--lock-timeout`: a duration, or zero (`0`, `0s`: refuse at once, Terraform's `-lock-timeout=0s`). */
function lockTimeout(text: string): number {
  return /^0+(\.0+)?(ms|s|m|h)?$/.test(text.trim()) ? 0 : parseDuration("lock-timeout", text);
}

/** A command line that is not one command: the usage text follows the message. */
class CliUsageError extends Error {}

type Parsed = Extract<ParsedCli, { help: false }>;
type RunOpts = CliOptions & { plan: string; log?: (line: string) => void; tty?: { write(text: string): void } };

/**
 * `destroy` of the whole stack: with --yes it goes ahead; at a terminal it lists what Prism Central holds
 * for the stack (reads only) and asks, as `terraform destroy` does ("Only 'yes' will be accepted", Terraform
 * CLI docs, "Command: destroy"); with neither it refuses before any API call, listing what the plan owns.
 * Resolves to the exit code when it stops, undefined to go ahead.
 */
async function confirmDestroy(p: Parsed, opts: RunOpts, io: Io): Promise<number | undefined> {
  if (p.options.resource !== undefined || p.options.yes === true) return undefined;
  if (!io.prompt) {
    const owned = describePlanOwnership(loadPlan(opts.plan));
    throw new HandlerInputError(`destroy without --resource deletes everything stack ${owned.stack} owns in Prism Central, and there is no terminal to ask: pass --yes to confirm. It would delete:\n${owned.lines.join("\n")}`);
  }
  const preview = await destroyPreview(opts);
  io.stderr(`${preview.text}\n`);
  const answer = await io.prompt(`Delete everything stack ${preview.stack} owns? Only 'yes' will be accepted: `);
  if (answer.trim() === "yes") return undefined;
  io.stderr("destroy cancelled: nothing was deleted\n");
  return 1;
}

/** What the plan's resources own, from the plan alone (no API call): one line per resource. */
function describePlanOwnership(plan: Plan): { stack: string; lines: string[] } {
  const lines = plan.resources.map((r) =>
    r.kind === "NodePool"
      ? `  - ${r.id} (NodePool): ${r.spec.replicas} VM(s) ${r.spec.clusterName}-${r.spec.name}-<n>`
      : `  - ${r.id} (${r.kind})`,
  );
  lines.push("  - and every VM the stack owns under resource ids no longer in the plan");
  return { stack: plan.metadata.stack, lines };
}

/** The exit code of a plan run under --detailed-exitcode (errors are 1 there; 2 means changes). */
function detailedExitCode(r: PlanResult): number {
  if (!r.ok) return 1;
  return r.diffs.some((d) => d.action !== "no-change") ? 2 : 0;
}

/** Runs one parsed command; resolves to the exit code. */
async function runCommand(p: Parsed, io: Io): Promise<number> {
  const log = p.quiet ? undefined : (line: string): void => io.stderr(`${line}\n`);
  // The run settings go through the one schema the API uses, before the plan is read.
  parseRunSettings(p.options);
  const planFile = p.planFile ?? defaultPlanFile();
  const print = (r: unknown): void => io.stdout(`${JSON.stringify(r, null, 2)}\n`);
  if (p.command === "validate") {
    const r = validatePlan(planFile);
    if (p.json) print(r);
    else io.stderr(`${planFile}: valid plan of stack ${r.stack} with ${r.resources.length} resource(s)\n${r.warnings.map((w) => `warning: ${w}\n`).join("")}`);
    return 0;
  }
  const opts: RunOpts = { ...p.options, plan: planFile, ...(process.env.NPC_LOCK_DIR ? { lockDir: process.env.NPC_LOCK_DIR } : {}), ...(log ? { log } : {}), ...(io.isTty && io.tty && !p.json ? { tty: io.tty } : {}) };
  if (p.command === "kubeconfig") {
    const { cluster, ...rest } = opts;
    io.stdout(await kubeconfigCommand({ ...rest, cluster: cluster ?? "" }));
    return 0;
  }
  let result: RunResult;
  if (p.command === "status") {
    const r = await statusPlan(opts);
    if (p.json) print(r);
    else io.stdout(`${r.text}\n`);
    result = r;
  } else if (p.command === "plan") {
    const r = await planDiff(opts);
    if (p.json) print(r);
    else io.stdout(`${r.text}\n`);
    if (p.detailedExitcode) {
      reportFailures(r, io);
      return detailedExitCode(r);
    }
    result = r;
  } else if (p.command === "apply") {
    result = await applyPlan(opts);
    if (p.json) print(result);
    else if (!log) io.stderr(`${summaryTable(result.resources)}\n`);
    for (const c of kubeconfigHints(result, planFile)) io.stderr(`${c}\n`);
  } else {
    const stop = await confirmDestroy(p, opts, io);
    if (stop !== undefined) return stop;
    result = await destroyPlan({ ...opts, ...(p.options.resource === undefined ? { yes: true } : {}) });
    if (p.json) print(result);
    else if (!log) io.stderr(`${result.noop ?? summaryTable(result.resources)}\n`);
  }
  reportFailures(result, io);
  return result.exitCode;
}

function reportFailures(result: RunResult, io: Io): void {
  if (result.ok) return;
  for (const r of result.resources.filter((x) => x.result === "failed")) io.stderr(`error: ${r.id}: ${r.error ?? "failed"}\n`);
}

/** This package's version, from the nearest package.json named nutanix-palette-cdk above this file. */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "nutanix-palette-cdk" && typeof pkg.version === "string") return pkg.version;
    }
    if (path.dirname(dir) === dir) return "unknown";
  }
}

/** Runs the CLI: parse (pure) → validated options → run. Resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  if (argv[0] === "palette") return paletteMain(argv.slice(1), io);
  if (argv[0] === "force-unlock") return forceUnlockMain(argv.slice(1), io, () => defaultPlanFile());
  let parsed: ParsedCli;
  const json = argv.includes("--json");
  if (argv.includes("--version")) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  // Under --detailed-exitcode, 2 means "changes": every error, bad input included, is 1 (as terraform).
  const inputCode: 1 | 2 = argv.includes("--detailed-exitcode") ? 1 : 2;
  try {
    parsed = parseCli(applyFlagsFromEnv(argv));
  } catch (e) {
    if (e instanceof HandlerInputError) return reportInputError(e, json, io, inputCode);
    io.stderr(`nutanix-handler: ${errorMessage(e)}\n\n${USAGE}\n`);
    return inputCode;
  }
  if (parsed.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  try {
    return await runCommand(parsed, io);
  } catch (e) {
    if (e instanceof HandlerInputError) return reportInputError(e, parsed.json, io, inputCode);
    const msg = errorMessage(e);
    if (parsed.json) io.stdout(`${JSON.stringify({ ok: false, exitCode: 1, error: msg }, null, 2)}\n`);
    io.stderr(`nutanix-handler: ${msg}\n`);
    return 1;
  }
}

function reportInputError(e: HandlerInputError, json: boolean, io: Io, code: 1 | 2 = 2): number {
  if (json) io.stdout(`${JSON.stringify({ ok: false, exitCode: code, error: e.message }, null, 2)}\n`);
  io.stderr(`nutanix-handler: ${e.message}\n`);
  return code;
}
