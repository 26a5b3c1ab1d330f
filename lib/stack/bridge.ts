/**
 * The cdktf bridge: the only module (with NutanixStack) that imports cdktf or a provider, and the only
 * one that knows the Terraform resource type. It declares a relative local backend and emits one
 * resource per plan resource whose local-exec provisioners run `nutanix-handler`:
 *
 * - `null_resource` (the default) from the hashicorp/null provider, declared here: its `triggers`
 *   (a `map(string)`) force a replacement when they change;
 * - `terraform_data`, built into Terraform since 1.4 (developer.hashicorp.com, "The terraform_data
 *   managed resource type"): its `triggers_replace` forces a replacement when it changes, and it needs
 *   no provider, so `terraform init` works offline.
 *
 * Both carry the same trigger values, the same provisioners (reading only `self.<triggers>.*`) and
 * `create_before_destroy`. A move to cdktn is a change here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { provider as nullProvider, resource as nullResource } from "@cdktf/provider-null";
import { App, LocalBackend, TerraformResource, TerraformSelf, type TerraformResourceConfig, type TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PLAN_FILE_NAME, type Plan } from "../schema/plan";
import { specSummary } from "../plan/summary";

/** The id of the construct that holds the emitted null_resources. */
export const BRIDGE_CONSTRUCT_ID = "nutanix-bridge";
/** This package's name (used to find its own bin/ at synth). */
export const PACKAGE_NAME = "nutanix-palette-cdk";
/** The handler script, relative to the package root. */
export const HANDLER_SCRIPT = "bin/nutanix-handler.js";

/** The Terraform resource types the bridge can emit. */
export const TERRAFORM_RESOURCE_TYPES = ["null_resource", "terraform_data"] as const;
export type TerraformResourceType = (typeof TERRAFORM_RESOURCE_TYPES)[number];
/** The resource type emitted unless a stack asks for another. */
export const DEFAULT_TERRAFORM_RESOURCE: TerraformResourceType = "null_resource";

/** Whether `x` names a resource type the bridge can emit. */
export function isTerraformResourceType(x: unknown): x is TerraformResourceType {
  return typeof x === "string" && (TERRAFORM_RESOURCE_TYPES as readonly string[]).includes(x);
}

/** The attribute that holds the triggers: `triggers` of null_resource, `triggers_replace` of terraform_data. */
export function triggersAttribute(type: TerraformResourceType): "triggers" | "triggers_replace" {
  return type === "terraform_data" ? "triggers_replace" : "triggers";
}

/**
 * Fixed trigger keys of every emitted resource (snake_case: `self.triggers.*` references are
 * snake-cased). Beside them each resource carries the flat summary of its spec (./summary.ts).
 */
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

/**
 * Declares a local backend whose path is relative to the stack directory, and the null provider when
 * the stack emits null_resource (terraform_data needs none).
 */
export function configureStack(stack: TerraformStack, type: TerraformResourceType = DEFAULT_TERRAFORM_RESOURCE): void {
  if (type === "null_resource") new nullProvider.NullProvider(stack, "null");
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
  /**
   * The Terraform resource type to emit.
   * @default "null_resource"
   */
  readonly resourceType?: TerraformResourceType;
}

/** The `environment` of both provisioners: every value from `self.<triggers attribute>`. */
function handlerEnvironment(type: TerraformResourceType): Record<string, string> {
  const attr = triggersAttribute(type);
  return Object.fromEntries(Object.entries(HANDLER_ENV).map(([env, key]) => [env, TerraformSelf.getString(`${attr}.${key}`)]));
}

/**
 * Terraform's built-in `terraform_data` through cdktf's generic TerraformResource (cdktf ships no class
 * for it, and it needs no provider). Only `triggers_replace` is set; `input` stays unset.
 */
class TerraformData extends TerraformResource {
  constructor(scope: Construct, id: string, private readonly triggersReplace: Readonly<Record<string, string>>, config: Omit<TerraformResourceConfig, "terraformResourceType">) {
    super(scope, id, { ...config, terraformResourceType: "terraform_data" });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: { ...this.triggersReplace } };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { triggers_replace: { value: { ...this.triggersReplace }, isBlock: false, type: "map", storageClassType: "stringMap" } };
  }
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

/** The trigger values of one plan resource: the fixed keys, then the flat summary of its spec. */
export function triggersOf(r: Plan["resources"][number], plan: Plan, handler: string): Record<string, string> {
  const fixed: Record<TriggerKey, string> = {
    resource_id: r.id,
    kind: r.kind,
    generation: r.generation,
    plan_file: PLAN_FILE_NAME,
    handler,
    stack: plan.metadata.stack,
  };
  return { ...fixed, ...specSummary(r, TRIGGER_KEYS) };
}

/** Emits one resource of the chosen type per plan resource under `stack`, wired like the plan's dependencies. */
export function emitBridge(stack: TerraformStack, plan: Plan, options: BridgeOptions): void {
  const type = options.resourceType ?? DEFAULT_TERRAFORM_RESOURCE;
  const scope = new Construct(stack, BRIDGE_CONSTRUCT_ID);
  const names = logicalIds(stack.node.id, plan.resources.map((r) => r.id));
  const emitted = new Map<string, TerraformResource>();
  // `self.*` tokens resolve per resource, so one set serves every provisioner of the stack; making them
  // once matters: cdktf captures a stack trace per token (a third of the synth time of a large estate).
  const environment = handlerEnvironment(type);
  for (const r of dependencyOrder(plan)) {
    const name = names.get(r.id) as string;
    const triggers = triggersOf(r, plan, options.handler);
    const config = {
      dependsOn: r.dependsOn.map((d) => emitted.get(d)).filter((d): d is TerraformResource => d !== undefined),
      lifecycle: { createBeforeDestroy: true },
      provisioners: [
        { type: "local-exec" as const, command: APPLY_COMMAND, environment },
        { type: "local-exec" as const, when: "destroy" as const, command: DESTROY_COMMAND, environment },
      ],
    };
    const res = type === "terraform_data" ? new TerraformData(scope, name, triggers, config) : new nullResource.Resource(scope, name, { triggers, ...config });
    res.overrideLogicalId(name);
    emitted.set(r.id, res);
  }
}
