/**
 * The base of every construct that becomes one resource of the plan.
 */
import { Construct, type IConstruct } from "constructs";
import type { ResourceKind } from "../schema/plan";
import { ValidationError, type ValidationIssue } from "../schema/validation";
import { describeValue, findStack, RESOURCE_MARKER, type ConstructPropCheck } from "./internal";

/**
 * A construct that is one resource of the plan. Its plan id is its construct path; its spec is
 * rendered lazily at synth, so changes made after construction (such as `addNodePool`) are included.
 */
export abstract class NutanixResource extends Construct {
  /** Whether `x` is a NutanixResource (works across copies of this library). */
  public static isNutanixResource(x: unknown): x is NutanixResource {
    return typeof x === "object" && x !== null && RESOURCE_MARKER in x;
  }

  /** The resource kind in the plan. */
  public abstract readonly kind: ResourceKind;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, RESOURCE_MARKER, { value: true });
    if (!findStack(this)) {
      this.fail([{ path: this.node.path, field: "", message: "expected to be created inside a NutanixStack (pass the stack, or a construct inside it, as scope)" }]);
    }
  }

  /** The plan resource id: the construct path, e.g. `dc1/pcg-host/cp`. */
  public get resourceId(): string {
    return this.node.path;
  }

  /**
   * The spec of this resource in the plan.
   * @internal
   */
  public abstract _renderSpec(): unknown;

  /**
   * The resources this one depends on because of its props (an account, a cluster, …). Dependencies
   * added with `node.addDependency()` are added by the plan collector.
   * @internal
   */
  public abstract _propDependencies(): IConstruct[];

  /**
   * The kind of this construct's plan resource: `kind`, unless the construct stands for another kind
   * (a NutanixCluster provisioned through Palette is a `PaletteCluster`).
   * @internal
   */
  public _planKind(): ResourceKind {
    return this.kind;
  }

  /**
   * Resources whose settings this one carries in its own spec: they are no plan resources of their
   * own, and a dependency on one of them is a dependency on this one. None by default.
   * @internal
   */
  public _absorbedResources(): readonly NutanixResource[] {
    return [];
  }

  /**
   * Removes this half-built construct from the tree and throws: a failed constructor leaves the tree
   * as it was, so the stack can still synthesize what was built before.
   */
  protected fail(issues: readonly ValidationIssue[]): never {
    this.node.scope?.node.tryRemoveChild(this.node.id);
    throw new ValidationError(issues, `invalid props for ${this.node.path}`);
  }

  /** Runs a props check; on failure removes this construct from the tree and rethrows. */
  protected checked<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ValidationError) this.fail(e.issues);
      throw e;
    }
  }
}

/**
 * The check of a prop that must be a construct of one plan kind (an account, a cluster): the message
 * names the kind expected and what was given, or is undefined when the value is one.
 */
export function resourceProp(kind: ResourceKind): ConstructPropCheck {
  return (value) =>
    NutanixResource.isNutanixResource(value) && value.kind === kind ? undefined : `expected a ${kind} construct, got ${describeValue(value)}`;
}
