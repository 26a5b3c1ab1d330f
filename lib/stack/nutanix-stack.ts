/**
 * NutanixStack: a cdktf TerraformStack that owns the provider (null_resource's; terraform_data needs
 * none) and the local backend, collects the
 * plan from its constructs, validates it, emits the Terraform bridge, and writes `nutanix-plan.json`
 * (plus any registered synth files) beside `cdk.tf.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, type ISynthesisSession, type IStackSynthesizer } from "cdktf";
import type { Construct, IConstruct } from "constructs";
import { describeValue, isPropsObject, STACK_MARKER } from "../constructs/internal";
import { isSynthFileProducer, type SynthFile, type SynthFileProducer } from "../constructs/synth-file";
import { stableStringify } from "../plan/canonical";
import { PLAN_FILE_NAME, ProjectName, type Plan } from "../schema/plan";
import { formatIssue, ValidationError, type ValidationIssue } from "../schema/validation";
import { configureStack, defaultHandlerPath, emitBridge, isTerraformResourceType, stackOutdir, TERRAFORM_RESOURCE_TYPES, type TerraformResourceType } from "./bridge";
import { collectPlan } from "./collect";
import { nearestPackageName, projectOfPackageName } from "./project";

/** Props of a {@link NutanixStack}. */
export interface NutanixStackProps {
  /**
   * The handler script the provisioners run with `node`, as seen from the stack's synth directory
   * (Terraform's working directory). Relative paths keep the output portable.
   * @default - this package's bin/nutanix-handler.js, relative to `<outdir>/stacks/<stack>`
   */
  readonly handlerCommand?: string;
  /**
   * The Terraform resource type that carries each plan resource: `"null_resource"` of the hashicorp/null
   * provider (`terraform init` must download or find it in a mirror), or Terraform's built-in
   * `"terraform_data"` (Terraform ≥ 1.4, no provider, works offline). Both replace a resource when its
   * generation changes and run the same provisioners.
   * @default "null_resource"
   */
  readonly terraformResource?: TerraformResourceType;
  /**
   * The project this stack belongs to: Prism Central entities are owned by the identity
   * `<project>/<stack>`, so two programs that both call a stack `dc1` never touch each other's VMs.
   * An RFC 1123 label (lowercase letters, digits, `-`), recorded in the plan's `metadata.project`.
   * @default the `name` of the nearest package.json from the working directory upward (where cdktf runs
   * the program), `@scope/name` read as `scope-name`
   */
  readonly project?: string;
}

/** Files the stack writes itself; synth files may not take these names. */
const RESERVED_FILES = ["cdk.tf.json", "cdk.tf", "metadata.json", PLAN_FILE_NAME];

/**
 * A stack of Nutanix resources. At synth (`app.synth()` or `cdktf synth`) it validates every construct
 * and every cross-resource rule, throws one ValidationError listing all problems, and only then writes
 * `cdk.tf.json`, `nutanix-plan.json` and the registered synth files into `<outdir>/stacks/<id>/`.
 */
export class NutanixStack extends TerraformStack {
  /** Whether `x` is a NutanixStack. */
  public static isNutanixStack(x: unknown): x is NutanixStack {
    return typeof x === "object" && x !== null && Object.prototype.hasOwnProperty.call(x, STACK_MARKER);
  }

  /** The NutanixStack that contains `c`. */
  public static override of(c: IConstruct): NutanixStack {
    let cur: IConstruct | undefined = c;
    while (cur && !NutanixStack.isNutanixStack(cur)) cur = cur.node.scope;
    if (!cur) throw new ValidationError([{ path: c.node.path, field: "", message: "expected to be inside a NutanixStack" }], "no NutanixStack");
    return cur;
  }

  private readonly handlerOverride?: string | undefined;
  /** The project of this stack's identity `<project>/<stack>`. */
  public readonly project: string;
  /** The Terraform resource type the bridge emits for this stack. */
  public readonly terraformResource: TerraformResourceType;
  private readonly synthFileProducers = new Map<string, SynthFileProducer>();
  private bridgedPlan?: Plan;
  private suppressPlanValidation = false;

  constructor(scope: Construct, id: string, props: NutanixStackProps = {}) {
    super(scope, id);
    Object.defineProperty(this, STACK_MARKER, { value: true });
    if (!isPropsObject(props) || (props.handlerCommand !== undefined && (typeof props.handlerCommand !== "string" || props.handlerCommand === ""))) {
      const given = isPropsObject(props) ? props.handlerCommand : props;
      scope.node.tryRemoveChild(this.node.id);
      throw new ValidationError([{ path: this.node.path, field: isPropsObject(props) ? "handlerCommand" : "", message: `expected a non-empty handler script path, got ${describeValue(given)}` }], `invalid props for ${this.node.path}`);
    }
    if (props.terraformResource !== undefined && !isTerraformResourceType(props.terraformResource)) {
      scope.node.tryRemoveChild(this.node.id);
      throw new ValidationError([{ path: this.node.path, field: "terraformResource", message: `expected one of ${TERRAFORM_RESOURCE_TYPES.map((t) => JSON.stringify(t)).join(", ")}, got ${describeValue(props.terraformResource)}` }], `invalid props for ${this.node.path}`);
    }
    this.project = resolveProject(this, scope, props.project);
    this.handlerOverride = props.handlerCommand;
    this.terraformResource = props.terraformResource ?? "null_resource";
    configureStack(this, this.terraformResource);
    this.node.addValidation({ validate: () => (this.suppressPlanValidation ? [] : this.validatePlan().map(formatIssue)) });
    const inner = this.synthesizer;
    this.synthesizer = { synthesize: (session: ISynthesisSession) => this.synthesizeWith(inner, session) } satisfies IStackSynthesizer;
  }

  /** Every problem of this stack's plan (props are checked at construction; these are the cross-resource rules). */
  public validatePlan(): ValidationIssue[] {
    return [...collectPlan(this, this.project).issues];
  }

  /**
   * The plan of this stack.
   * @throws ValidationError listing every problem, when any rule is broken
   */
  public toPlan(): Plan {
    const { plan, issues } = collectPlan(this, this.project);
    if (issues.length > 0) throw new ValidationError(issues, `cannot synthesize stack ${this.node.id}`);
    return plan;
  }

  /**
   * Registers a file to write beside the plan at synth, e.g. `manifests/<cluster>.yaml`. The producer
   * runs after validation and before anything is written; it gets the plan.
   */
  public addSynthFile(relPath: string, producer: SynthFileProducer): void {
    const problem = checkSynthPath(relPath);
    if (problem || this.synthFileProducers.has(relPath)) {
      throw new ValidationError([{ path: this.node.path, field: "synthFiles", message: problem ?? `expected one producer per file, ${JSON.stringify(relPath)} is registered twice` }], "invalid synth file");
    }
    this.synthFileProducers.set(relPath, producer);
  }

  /** The handler script path the provisioners run, as Terraform's working directory sees it. */
  public get handlerPath(): string {
    return this.handlerOverride ?? defaultHandlerPath(stackOutdir(this));
  }

  /** Validates the plan and emits the bridge once, before cdktf resolves the stack. */
  public override prepareStack(): void {
    this.emitBridgeOnce();
    super.prepareStack();
  }

  /**
   * The stack as Terraform JSON, the bridge included. cdktf's `Testing.synth(stack)` and
   * `Testing.fullSynth(stack)` call `toTerraform()` (through the stack synthesizer) without
   * `app.synth()`'s `prepareStack()` (cdktf `lib/testing/index.ts`), so the bridge is emitted here too.
   */
  public override toTerraform(): unknown {
    this.emitBridgeOnce();
    return super.toTerraform();
  }

  /** The stack as HCL, the bridge included (`Testing.synthHcl`; see {@link NutanixStack.toTerraform}). */
  public override toHclTerraform(): ReturnType<TerraformStack["toHclTerraform"]> {
    this.emitBridgeOnce();
    return super.toHclTerraform();
  }

  private emitBridgeOnce(): void {
    if (this.bridgedPlan) return;
    const plan = this.toPlan();
    emitBridge(this, plan, { handler: this.handlerPath, resourceType: this.terraformResource });
    this.bridgedPlan = plan;
  }

  /** Runs every validation of the tree and throws one ValidationError listing all problems. */
  public override runAllValidations(): void {
    const issues = this.validatePlan();
    this.suppressPlanValidation = true;
    try {
      for (const c of this.node.findAll()) {
        for (const message of c.node.validate()) issues.push({ path: c.node.path, field: "", message });
      }
    } finally {
      this.suppressPlanValidation = false;
    }
    if (issues.length > 0) throw new ValidationError(issues, `cannot synthesize stack ${this.node.id}`);
  }

  /** Every extra file of this stack (registered producers and ISynthFileProducer constructs), checked. */
  public renderSynthFiles(plan: Plan): SynthFile[] {
    const files: SynthFile[] = [...this.synthFileProducers].map(([p, produce]) => ({ path: p, contents: produce(plan) }));
    for (const c of this.node.findAll()) if (c !== (this as IConstruct) && isSynthFileProducer(c)) files.push(...c.synthFiles(plan));
    const issues: ValidationIssue[] = [];
    const seen = new Set<string>();
    for (const f of files) {
      const problem = checkSynthPath(f.path) ?? (seen.has(f.path) ? `expected one producer per file, ${JSON.stringify(f.path)} is produced twice` : undefined);
      if (problem) issues.push({ path: this.node.path, field: "synthFiles", message: problem });
      if (typeof f.contents !== "string") issues.push({ path: this.node.path, field: "synthFiles", message: `expected text for ${f.path}, got ${describeValue(f.contents)}` });
      seen.add(f.path);
    }
    if (issues.length > 0) throw new ValidationError(issues, `cannot synthesize stack ${this.node.id}`);
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private synthesizeWith(inner: IStackSynthesizer, session: ISynthesisSession): void {
    const plan = this.bridgedPlan ?? this.toPlan();
    const files = [{ path: PLAN_FILE_NAME, contents: stableStringify(plan) }, ...this.renderSynthFiles(plan)];
    inner.synthesize(session);
    const dir = path.join(session.outdir, "stacks", this.node.id);
    for (const f of files) writeAtomically(path.join(dir, ...f.path.split("/")), f.contents);
  }
}

/** The stack's project: given and valid, or from the nearest package.json; else a ValidationError. */
function resolveProject(stack: NutanixStack, scope: Construct, given: unknown): string {
  const fail = (message: string): never => {
    scope.node.tryRemoveChild(stack.node.id);
    throw new ValidationError([{ path: stack.node.path, field: "project", message }], `invalid props for ${stack.node.path}`);
  };
  if (given !== undefined) {
    const r = ProjectName.safeParse(given);
    return r.success ? r.data : fail(`${r.error.issues[0]?.message ?? "expected a project name"}, got ${describeValue(given)}`);
  }
  const found = nearestPackageName(process.cwd());
  if (!found) return fail(`expected a project name: no package.json with a name from ${process.cwd()} upward; pass { project: "<name>" }`);
  const project = projectOfPackageName(found.name);
  const r = ProjectName.safeParse(project);
  return r.success ? r.data : fail(`expected a project name (an RFC 1123 label) from the name of ${found.file}, got ${JSON.stringify(found.name)}; pass { project: "<name>" }`);
}

/** Why `p` cannot be a synth file path, or undefined. */
function checkSynthPath(p: unknown): string | undefined {
  if (typeof p !== "string" || p === "") return `expected a relative file path, got ${describeValue(p)}`;
  const parts = p.split("/");
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p) || p.includes("\\") || parts.some((s) => s === "" || s === "." || s === "..")) {
    return `expected a relative path inside the stack directory such as manifests/x.yaml, got ${JSON.stringify(p)}`;
  }
  if (RESERVED_FILES.includes(p)) return `expected a file name other than ${RESERVED_FILES.join(", ")}, got ${JSON.stringify(p)}`;
  return undefined;
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomically(file: string, contents: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}
