/**
 * Terraform's path without a terraform binary: reads a synthesized cdk.tf.json, orders its
 * null_resources (or terraform_data resources: `triggers_replace` in place of `triggers`) by depends_on, and runs their local-exec provisioners as real child processes the way
 * `terraform apply` / `terraform destroy` would:
 *
 * - working directory: the stack directory (where cdk.tf.json and nutanix-plan.json are);
 * - environment: this process's environment plus `env`, plus each provisioner's `environment` with
 *   `${self.triggers.<key>}` resolved from the resource's triggers (the old object's for a destroy);
 * - a tiny JSON state (which null_resources exist, with which triggers, tainted or not), so a second
 *   apply runs only what changed;
 * - apply: a new resource runs its create-time provisioner; changed triggers replace it with
 *   create_before_destroy: the new object's create provisioner runs, and the old (deposed) object is
 *   destroyed WITHOUT its destroy-time provisioner, as Terraform does (hashicorp/terraform issues
 *   #31266 "Deposed resources do not call `when = destroy` provisioners" and #13395; observed with
 *   Terraform 1.11.4 by test/e2e/real-terraform.test.ts, which compares this stand-in with it); a failed
 *   create provisioner taints the object (replaced next time, and — like Terraform — no destroy
 *   provisioner runs for a tainted object) and skips its dependents; a block removed from the configuration leaves the state with no provisioner run
 *   (Terraform runs no destroy provisioner for a deleted block);
 * - destroy: destroy-time provisioners in reverse dependency order;
 * - independent resources run in parallel, at most `parallelism` (Terraform's default 10) at once.
 */
import { spawn } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as path from "node:path";

/** One local-exec provisioner. */
export interface LocalExec {
  command: string;
  environment: Record<string, string>;
  when: "create" | "destroy";
}

/** A null_resource (or terraform_data) of cdk.tf.json. */
export interface NullResource {
  /** The logical name, e.g. `pcg-host_cp`. */
  name: string;
  triggers: Record<string, string>;
  /** Logical names this one depends on. */
  dependsOn: string[];
  createBeforeDestroy: boolean;
  provisioners: LocalExec[];
}

/** The helper's state file. */
export interface TfState {
  resources: Record<
    string,
    {
      triggers: Record<string, string>;
      tainted?: boolean;
      dependsOn: string[];
      provisioners: LocalExec[];
      /** Old objects of a create_before_destroy replacement whose create failed: destroyed by a later apply. */
      deposed?: Array<Record<string, string>>;
    }
  >;
}

/** One provisioner run. */
export interface TfStep {
  resource: string;
  phase: "create" | "destroy";
  triggers: Record<string, string>;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  startedAt: number;
}

export interface TfResult {
  ok: boolean;
  steps: TfStep[];
  state: TfState;
  /** What happened to each resource: created, replaced, unchanged, failed, skipped, forgotten (removed block), destroyed. */
  actions: Record<string, "created" | "replaced" | "unchanged" | "failed" | "skipped" | "forgotten" | "destroyed">;
}

export interface TfOptions {
  /** The stack directory: cdktf.out/stacks/<stack>. */
  stackDir: string;
  /** @default <stackDir>/terraform.npc-state.json */
  statePath?: string;
  /** Added to the environment of every provisioner (e.g. NUTANIX_ENDPOINT and credentials). */
  env?: NodeJS.ProcessEnv;
  /** @default 10 */
  parallelism?: number;
  log?: (line: string) => void;
}

interface CdkTfJson {
  resource?: { null_resource?: Record<string, RawNull>; terraform_data?: Record<string, RawNull> };
}

interface RawNull {
  triggers?: Record<string, string>;
  /** terraform_data's triggers (any value in Terraform; the bridge writes a map of strings). */
  triggers_replace?: Record<string, string>;
  depends_on?: string[];
  lifecycle?: { create_before_destroy?: boolean };
  provisioner?: Array<{ "local-exec"?: { command: string; environment?: Record<string, string>; when?: string } }>;
}

/** Reads the null_resources and terraform_data resources of a stack's cdk.tf.json. */
export async function readNullResources(stackDir: string): Promise<NullResource[]> {
  const doc = JSON.parse(await fsp.readFile(path.join(stackDir, "cdk.tf.json"), "utf8")) as CdkTfJson;
  const raw = { ...(doc.resource?.null_resource ?? {}), ...(doc.resource?.terraform_data ?? {}) };
  return Object.entries(raw).map(([name, r]) => ({
    name,
    triggers: r.triggers ?? r.triggers_replace ?? {},
    dependsOn: (r.depends_on ?? []).map((d) => {
      const m = /^(?:null_resource|terraform_data)\.(.+)$/.exec(d);
      if (!m) throw new Error(`${name}: unsupported depends_on ${d}`);
      return m[1]!;
    }),
    createBeforeDestroy: r.lifecycle?.create_before_destroy === true,
    provisioners: (r.provisioner ?? []).flatMap((p) =>
      p["local-exec"] ? [{ command: p["local-exec"].command, environment: p["local-exec"].environment ?? {}, when: p["local-exec"].when === "destroy" ? ("destroy" as const) : ("create" as const) }] : [],
    ),
  }));
}

/**
 * Resolves `${self.triggers.<key>}` (null_resource) and `${self.triggers_replace.<key>}` (terraform_data),
 * the only interpolations a destroy provisioner may use.
 */
export function resolveSelf(value: string, triggers: Record<string, string>): string {
  return value.replace(/\$\{self\.(triggers|triggers_replace)\.([A-Za-z0-9_]+)\}/g, (_m, attr: string, key: string) => {
    if (!(key in triggers)) throw new Error(`\${self.${attr}.${key}}: no such trigger`);
    return triggers[key]!;
  });
}

async function readState(file: string): Promise<TfState> {
  try {
    return JSON.parse(await fsp.readFile(file, "utf8")) as TfState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { resources: {} };
    throw e;
  }
}

const writeChains = new Map<string, Promise<void>>();

/** Writes the state atomically; writes to one file are serialized. */
function writeState(file: string, state: TfState): Promise<void> {
  const text = JSON.stringify(state, null, 2);
  const prev = writeChains.get(file) ?? Promise.resolve();
  const next = prev.then(async () => {
    const tmp = `${file}.tmp`;
    await fsp.writeFile(tmp, text);
    await fsp.rename(tmp, file);
  });
  writeChains.set(file, next.catch(() => undefined));
  return next;
}

function sameTriggers(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function runProvisioner(opts: TfOptions, resource: string, phase: "create" | "destroy", p: LocalExec, triggers: Record<string, string>): Promise<TfStep> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(opts.env ?? {}) };
  for (const [k, v] of Object.entries(p.environment)) env[k] = resolveSelf(v, triggers);
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", p.command], { cwd: opts.stackDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => {
      const step: TfStep = { resource, phase, triggers, code, stdout, stderr, ms: Date.now() - startedAt, startedAt };
      opts.log?.(`null_resource.${resource}: ${phase} provisioner exited ${code} after ${step.ms} ms`);
      resolve(step);
    });
  });
}

/** A small semaphore for Terraform's -parallelism. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** `terraform apply`. */
export async function terraformApply(opts: TfOptions): Promise<TfResult> {
  const statePath = opts.statePath ?? path.join(opts.stackDir, "terraform.npc-state.json");
  const config = await readNullResources(opts.stackDir);
  const state = await readState(statePath);
  const steps: TfStep[] = [];
  const actions: TfResult["actions"] = {};
  const limit = limiter(opts.parallelism ?? 10);
  const byName = new Map(config.map((r) => [r.name, r]));
  const done = new Map<string, Promise<boolean>>();

  // Blocks deleted from the configuration: forgotten, no provisioner (Terraform's behaviour).
  for (const name of Object.keys(state.resources)) {
    if (!byName.has(name)) {
      delete state.resources[name];
      actions[name] = "forgotten";
    }
  }

  const visit = (r: NullResource): Promise<boolean> => {
    let p = done.get(r.name);
    if (p) return p;
    p = (async () => {
      const deps = await Promise.all(r.dependsOn.map((d) => (byName.has(d) ? visit(byName.get(d)!) : Promise.resolve(true))));
      if (deps.some((ok) => !ok)) {
        actions[r.name] = "skipped";
        return false;
      }
      const old = state.resources[r.name];
      if (old && !old.tainted && sameTriggers(old.triggers, r.triggers)) {
        // Deposed objects left by an earlier failed replacement: destroyed now, no provisioner runs.
        delete old.deposed;
        actions[r.name] = "unchanged";
        return true;
      }
      const create = r.provisioners.filter((x) => x.when === "create");
      let ok = true;
      for (const prov of create) {
        const step = await limit(() => runProvisioner(opts, r.name, "create", prov, r.triggers));
        steps.push(step);
        if (step.code !== 0) {
          ok = false;
          break;
        }
      }
      // The old object becomes deposed; it is destroyed (no destroy-time provisioner) after the create,
      // or, when the create failed, by a later apply (Terraform keeps a deposed object whose replacement failed).
      const stillDeposed = [...(old?.deposed ?? []), ...(old && !old.tainted ? [old.triggers] : [])];
      state.resources[r.name] = {
        triggers: r.triggers,
        dependsOn: r.dependsOn,
        provisioners: r.provisioners,
        ...(ok ? {} : { tainted: true }),
        ...(!ok && stillDeposed.length > 0 ? { deposed: stillDeposed } : {}),
      };
      await writeState(statePath, state);
      actions[r.name] = ok ? (old ? "replaced" : "created") : "failed";
      return ok;
    })();
    done.set(r.name, p);
    return p;
  };
  const results = await Promise.all(config.map(visit));

  await writeState(statePath, state);
  return { ok: results.every(Boolean), steps, state, actions };
}

/** `terraform destroy`: destroy-time provisioners in reverse dependency order (independent ones in parallel). */
export async function terraformDestroy(opts: TfOptions): Promise<TfResult> {
  const statePath = opts.statePath ?? path.join(opts.stackDir, "terraform.npc-state.json");
  const state = await readState(statePath);
  const steps: TfStep[] = [];
  const actions: TfResult["actions"] = {};
  const limit = limiter(opts.parallelism ?? 10);
  const names = Object.keys(state.resources);
  // A resource is destroyed after everything that depends on it.
  const dependents = new Map<string, string[]>(names.map((n) => [n, names.filter((m) => state.resources[m]!.dependsOn.includes(n))]));
  const done = new Map<string, Promise<boolean>>();
  const visit = (name: string): Promise<boolean> => {
    let p = done.get(name);
    if (p) return p;
    p = (async () => {
      const ok = (await Promise.all(dependents.get(name)!.map(visit))).every(Boolean);
      if (!ok) {
        actions[name] = "skipped";
        return false;
      }
      const r = state.resources[name]!;
      let good = true;
      if (!r.tainted) {
        for (const prov of r.provisioners.filter((x) => x.when === "destroy")) {
          const step = await limit(() => runProvisioner(opts, name, "destroy", prov, r.triggers));
          steps.push(step);
          if (step.code !== 0) good = false;
        }
      }
      if (good) {
        delete state.resources[name];
        actions[name] = "destroyed";
      } else actions[name] = "failed";
      await writeState(statePath, state);
      return good;
    })();
    done.set(name, p);
    return p;
  };
  const results = await Promise.all(names.map(visit));
  return { ok: results.every(Boolean), steps, state, actions };
}
