/**
 * The real Terraform path for the e2e tests: a small cdktf program in a temporary directory (TypeScript
 * run by tsx, importing this repository's lib), driven by the REAL cdktf CLI (`deploy`, `diff`,
 * `destroy`), which runs the machine's `terraform`. Each program
 *
 * - reads what it declares from `params.json` beside `main.ts` (so a test "edits the program" by
 *   rewriting that file; `cdktf deploy`/`destroy` re-synthesize first, as for a user's edit);
 * - has its own `package.json` name (the project a stack identity will carry, issue 13 item 5);
 * - runs the handler through a recording wrapper (the stack's `handlerCommand`) that appends one JSON
 *   line per invocation (`apply`/`destroy`, resource id, generation) to `$NPC_INVOCATION_LOG`, then
 *   runs `bin/nutanix-handler.js` in the same process; so the Terraform stand-in
 *   (./terraform.ts) can be compared with the real runs.
 *
 * The CLI runs without telemetry and update checks (`CHECKPOINT_DISABLE`, `DISABLE_VERSION_CHECK`,
 * `sendCrashReports: "false"`), with an empty Terraform CLI configuration of its own
 * (`TF_CLI_CONFIG_FILE`, developer.hashicorp.com "CLI Configuration File") and its own `CDKTF_HOME`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import type { TerraformResourceType } from "../../lib/stack/bridge";

/** The repository root (this file is test/helpers/real-terraform.ts). */
const REPO = path.resolve(__dirname, "..", "..");

/** The terraform binary cdktf will run (`$TERRAFORM_BINARY_NAME` or `terraform` on the PATH), or undefined. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = env.TERRAFORM_BINARY_NAME ?? "terraform";
  if (path.isAbsolute(name)) return isExecutable(name) ? name : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** One worker pool of the test program. */
export interface PoolParams {
  readonly name: string;
  readonly replicas: number;
  /** @default 4 */
  readonly memoryGiB?: number;
  /** @default "ubuntu-2204-kube-v1.30.5" */
  readonly image?: string;
}

/** What the test program declares: one account and one cluster. */
export interface ProgramParams {
  /** @default "dc1" */
  readonly stack?: string;
  readonly clusterName: string;
  /** The control-plane endpoint (kube-vip) address. */
  readonly endpoint: string;
  /** The node IP pool of the cluster, on the seed's vm-net-20 (10.20.0.0/24). */
  readonly ipPool: { readonly start: string; readonly end: string };
  /** @default 1 */
  readonly cpReplicas?: number;
  /** @default "ubuntu-2204-kube-v1.30.5" */
  readonly cpImage?: string;
  readonly workers: readonly PoolParams[];
  /** @default "terraform_data" */
  readonly terraformResource?: TerraformResourceType;
}

/** One handler invocation, as the recording wrapper saw it. */
export interface Invocation {
  readonly command: string;
  readonly resource: string;
  readonly generation: string;
}

/** The result of one CLI run. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

const MAIN_TS = (lib: string): string => `// A cdktf program for the real-Terraform e2e tests; it declares what params.json says.
import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount } from ${JSON.stringify(lib)};

const p = JSON.parse(fs.readFileSync(path.join(__dirname, "params.json"), "utf8"));
const app = new App();
const stack = new NutanixStack(app, p.stack ?? "dc1", {
  terraformResource: p.terraformResource ?? "terraform_data",
  handlerCommand: path.join(__dirname, "record-handler.js"),
});
const pc = new PrismCentralAccount(stack, "pc", {
  endpoint: "https://pc.dc1.example.com:9440",
  credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
});
const machine = (memoryGiB: number, image: string) => ({
  vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB, systemDiskGiB: 40, image, cluster: "PE-1", subnets: ["vm-net-20"],
});
new NutanixCluster(stack, p.clusterName, {
  account: pc,
  name: p.clusterName,
  kubernetesVersion: "1.30.5",
  endpoint: { address: p.endpoint },
  controlPlane: { replicas: p.cpReplicas ?? 1, machine: machine(4, p.cpImage ?? "ubuntu-2204-kube-v1.30.5") },
  workers: p.workers.map((w: { name: string; replicas: number; memoryGiB?: number; image?: string }) => ({
    name: w.name, replicas: w.replicas, machine: machine(w.memoryGiB ?? 4, w.image ?? "ubuntu-2204-kube-v1.30.5"),
  })),
  nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [p.ipPool] },
});
app.synth();
`;

const RECORDER_JS = (handler: string): string => `"use strict";
// Records one handler invocation (command, resource, generation) and runs the real handler.
const fs = require("node:fs");
const args = process.argv.slice(2);
const flag = (f) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : ""; };
if (process.env.NPC_INVOCATION_LOG) {
  const line = { command: args[0], resource: flag("--resource"), generation: process.env.NPC_GENERATION || flag("--generation") };
  fs.appendFileSync(process.env.NPC_INVOCATION_LOG, JSON.stringify(line) + "\\n");
}
require(${JSON.stringify(handler)});
`;

/** A cdktf program in its own directory, run with the real cdktf CLI. */
export class CdktfProgram {
  /** The file the recording wrapper appends invocations to. */
  readonly invocationLog: string;

  private constructor(
    /** The program's directory (cdktf.json, main.ts, params.json). */
    readonly dir: string,
    private readonly home: string,
  ) {
    this.invocationLog = path.join(home, "invocations.jsonl");
  }

  /** Creates the program `name` (its package.json name) under `parent` with `params`. */
  static async create(parent: string, name: string, params: ProgramParams): Promise<CdktfProgram> {
    const dir = path.join(parent, name);
    const home = path.join(parent, `${name}.home`);
    await fsp.mkdir(dir, { recursive: true });
    await fsp.mkdir(home, { recursive: true });
    await fsp.symlink(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
    await fsp.writeFile(path.join(dir, "package.json"), `${JSON.stringify({ name, version: "0.0.0", private: true }, null, 2)}\n`);
    const cdktfJson = { app: "node --import tsx main.ts", language: "typescript", output: "cdktf.out", projectId: `npc-e2e-${name}`, sendCrashReports: "false", terraformProviders: [], terraformModules: [], context: {} };
    await fsp.writeFile(path.join(dir, "cdktf.json"), `${JSON.stringify(cdktfJson, null, 2)}\n`);
    await fsp.writeFile(path.join(dir, "main.ts"), MAIN_TS(path.join(REPO, "lib")));
    await fsp.writeFile(path.join(dir, "record-handler.js"), RECORDER_JS(path.join(REPO, "bin", "nutanix-handler.js")));
    await fsp.writeFile(path.join(home, "terraformrc"), "# an empty Terraform CLI configuration: nothing from the user's\n");
    const program = new CdktfProgram(dir, home);
    await program.setParams(params);
    return program;
  }

  /** "Edits the program": what it declares from now on. */
  async setParams(params: ProgramParams): Promise<void> {
    await fsp.writeFile(path.join(this.dir, "params.json"), `${JSON.stringify(params, null, 2)}\n`);
  }

  /** The stack directory cdktf synthesizes into (Terraform's working directory). */
  stackDir(stack = "dc1"): string {
    return path.join(this.dir, "cdktf.out", "stacks", stack);
  }

  /** The environment of a CLI run: no telemetry, no update check, no user CLI configuration, plus `env`. */
  environment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      DISABLE_VERSION_CHECK: "true",
      CI: "1",
      FORCE_COLOR: "0",
      NO_COLOR: "1",
      TF_IN_AUTOMATION: "1",
      TF_CLI_CONFIG_FILE: path.join(this.home, "terraformrc"),
      CDKTF_HOME: path.join(this.home, "cdktf-home"),
      NPC_INVOCATION_LOG: this.invocationLog,
      ...env,
    };
  }

  /** Runs `cdktf <command>` (`--auto-approve` for deploy and destroy) in the program's directory. */
  cdktf(command: "deploy" | "diff" | "destroy" | "synth", env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<RunResult> {
    const args = [command, ...(command === "deploy" || command === "destroy" ? ["--auto-approve"] : [])];
    return run(path.join(REPO, "node_modules", ".bin", "cdktf"), args, this.dir, this.environment(env), timeoutMs);
  }

  /** Takes the invocations recorded since the last call (sorted: parallel runs have no order). */
  async takeInvocations(): Promise<Invocation[]> {
    return takeInvocations(this.invocationLog);
  }
}

/** Reads and clears an invocation log; the lines sorted by command, resource, generation. */
export async function takeInvocations(file: string): Promise<Invocation[]> {
  let text = "";
  try {
    text = await fsp.readFile(file, "utf8");
    await fsp.rm(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Invocation);
  const key = (i: Invocation) => `${i.command} ${i.resource} ${i.generation}`;
  return lines.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Runs a child process to completion (killed after `timeoutMs`), collecting its output. */
export function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends terraform and the provisioners with the CLI.
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The last `n` lines of a run's output, for assertion messages. */
export function tail(r: RunResult, n = 40): string {
  return `exit ${r.code} after ${r.ms} ms\n${`${r.stdout}\n${r.stderr}`.split("\n").slice(-n).join("\n")}`;
}
