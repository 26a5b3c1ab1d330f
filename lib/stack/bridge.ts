/**
 * The cdktf bridge: the only module (with NutanixStack) that imports cdktf or a provider. It declares
 * the null provider and a relative local backend, and emits one `null_resource` per plan resource whose
 * local-exec provisioners run `nutanix-handler`. A move to cdktn or to `terraform_data` is a change here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { provider as nullProvider, resource as nullResource } from "@cdktf/provider-null";
import { App, LocalBackend, TerraformSelf, type TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PLAN_FILE_NAME, type Plan } from "../schema/plan";

/** The id of the construct that holds the emitted null_resources. */
export const BRIDGE_CONSTRUCT_ID = "nutanix-bridge";
/** This package's name (used to find its own bin/ at synth). */
export const PACKAGE_NAME = "nutanix-palette-cdk";
/** The handler script, relative to the package root. */
export const HANDLER_SCRIPT = "bin/nutanix-handler.js";

/** Trigger keys of every null_resource (snake_case: `self.triggers.*` references are snake-cased). */
export const TRIGGER_KEYS = ["resource_id", "kind", "generation", "plan_file", "handler", "stack"] as const;
export type TriggerKey = (typeof TRIGGER_KEYS)[number];

/** Environment variables the provisioners set from `self.triggers`. */
export const HANDLER_ENV: Readonly<Record<string, TriggerKey>> = {
  NPC_HANDLER: "handler",
  NPC_PLAN_FILE: "plan_file",
  NPC_RESOURCE_ID: "resource_id",
  NPC_GENERATION: "generation",
  NPC_KIND: "kind",
  NPC_STACK: "stack",
};

/** The create-time command (no `${…}`: Terraform would interpolate it). */
export const APPLY_COMMAND = 'node "$NPC_HANDLER" apply --plan "$NPC_PLAN_FILE" --resource "$NPC_RESOURCE_ID"';
/** The destroy-time command; reads only `self` (through the environment). */
export const DESTROY_COMMAND = 'node "$NPC_HANDLER" destroy --plan "$NPC_PLAN_FILE" --resource "$NPC_RESOURCE_ID" --generation "$NPC_GENERATION"';

/** The directory cdktf synthesizes `stack` into (Terraform's working directory), absolute. */
export function stackOutdir(stack: TerraformStack): string {
  return path.resolve(App.of(stack).outdir, "stacks", stack.node.id);
}

/** The root of this package, found from this file's location (source or dist). */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${from}`);
    dir = up;
  }
}

/** The handler script relative to `stackDir`, with `/` separators (deterministic for a given layout). */
export function defaultHandlerPath(stackDir: string): string {
  return path.relative(stackDir, path.join(packageRoot(), HANDLER_SCRIPT)).split(path.sep).join("/");
}

/** Declares the null provider and a local backend whose path is relative to the stack directory. */
export function configureStack(stack: TerraformStack): void {
  new nullProvider.NullProvider(stack, "null");
  new LocalBackend(stack, { path: `terraform.${stack.node.id}.tfstate` });
}

/**
 * A Terraform name for each resource id: the id without the stack prefix, `/` → `_`, other unsafe
 * characters → `_`, a leading digit prefixed with `r_`, made unique with `_2`, `_3`… in id order.
 */
export function logicalIds(stackId: string, ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const id of [...ids].sort()) {
    const local = id.startsWith(`${stackId}/`) ? id.slice(stackId.length + 1) : id;
    let base = local.replace(/\//g, "_").replace(/[^A-Za-z0-9_-]/g, "_");
    if (!/^[A-Za-z_]/.test(base)) base = `r_${base}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    out.set(id, name);
  }
  return out;
}

/** Options of the bridge. */
export interface BridgeOptions {
  /** The handler script path as Terraform's working directory (the stack dir) sees it. */
  readonly handler: string;
}

/** The `environment` of both provisioners: every value from `self.triggers`. */
function handlerEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(HANDLER_ENV).map(([env, key]) => [env, TerraformSelf.getString(`triggers.${key}`)]));
}

/** The plan's resources, each after its dependencies (the plan is acyclic by now), ties in id order. */
function dependencyOrder(plan: Plan): Plan["resources"] {
  const byId = new Map(plan.resources.map((r) => [r.id, r]));
  const out: Plan["resources"] = [];
  const done = new Set<string>();
  const visit = (id: string, depth: number): void => {
    const r = byId.get(id);
    if (!r || done.has(id) || depth > byId.size) return;
    r.dependsOn.forEach((d) => visit(d, depth + 1));
    if (!done.has(id)) {
      done.add(id);
      out.push(r);
    }
  };
  plan.resources.forEach((r) => visit(r.id, 0));
  return out;
}

/** Emits one null_resource per plan resource under `stack`, wired like the plan's dependencies. */
export function emitBridge(stack: TerraformStack, plan: Plan, options: BridgeOptions): void {
  const scope = new Construct(stack, BRIDGE_CONSTRUCT_ID);
  const names = logicalIds(stack.node.id, plan.resources.map((r) => r.id));
  const emitted = new Map<string, nullResource.Resource>();
  // `self.*` tokens resolve per resource, so one set serves every provisioner of the stack; making them
  // once matters: cdktf captures a stack trace per token (a third of the synth time of a large estate).
  const environment = handlerEnvironment();
  for (const r of dependencyOrder(plan)) {
    const name = names.get(r.id) as string;
    const triggers: Record<TriggerKey, string> = {
      resource_id: r.id,
      kind: r.kind,
      generation: r.generation,
      plan_file: PLAN_FILE_NAME,
      handler: options.handler,
      stack: plan.metadata.stack,
    };
    const res = new nullResource.Resource(scope, name, {
      triggers,
      dependsOn: r.dependsOn.map((d) => emitted.get(d)).filter((d): d is nullResource.Resource => d !== undefined),
      lifecycle: { createBeforeDestroy: true },
      provisioners: [
        { type: "local-exec", command: APPLY_COMMAND, environment },
        { type: "local-exec", when: "destroy", command: DESTROY_COMMAND, environment },
      ],
    });
    res.overrideLogicalId(name);
    emitted.set(r.id, res);
  }
}
