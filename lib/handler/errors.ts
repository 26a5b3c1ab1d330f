/**
 * The handler's errors, in one place. Each says what went wrong and carries what the orchestrator needs
 * to report it; nothing is bolted onto a plain `Error`.
 *
 * - `HandlerInputError`: bad input (a plan, a flag, a missing variable or file), found before any API
 *   call. The CLI exits 2.
 * - `PlanReferenceError`: a resource names another one that is not in the plan (or not of the kind it
 *   needs); the resource fails.
 * - `OwnershipError`: an entity lacks (or lost) the categories that make it this resource's; the handler
 *   refuses to touch it.
 * - `ResourceApplyError`: applying one resource failed after some of its steps may have succeeded; it
 *   lists every failed step and carries the VMs that were created, updated and deleted before it failed.
 */

/** Bad input: a plan, a flag, a missing variable or file. The CLI exits 2. */
export class HandlerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HandlerInputError";
  }
}

/** A resource refers to another that the plan lacks (or that is of another kind). */
export class PlanReferenceError extends Error {
  constructor(
    /** The resource whose reference is broken. */
    readonly from: string,
    /** The id it refers to. */
    readonly ref: string,
    /** The kind it needs there. */
    readonly expectedKind: string,
  ) {
    super(`${from} refers to ${expectedKind} ${ref}, which is not in the plan`);
    this.name = "PlanReferenceError";
  }
}

/** An entity does not carry this resource's ownership categories: the handler will not touch it. */
export class OwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OwnershipError";
  }
}

/** What a resource's apply did to VMs (names), also when it failed part-way. */
export interface VmOutcome {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly deleted: readonly string[];
}

/** Applying one resource failed; every failed step is listed, and what succeeded before is kept. */
export class ResourceApplyError extends Error {
  constructor(
    /** The failed steps, one line each (the message joins them). */
    readonly failures: readonly string[],
    /** The VMs written before the failure. @default none */
    readonly outcome?: VmOutcome,
  ) {
    super(failures.join("\n"));
    this.name = "ResourceApplyError";
  }
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // The Prism client's timeouts say "raise it"; name the handler flag that does.
  return e.message
    .replace("within the task timeout; raise it", "within the task timeout; raise it with --task-timeout <duration>")
    .replace("within the request timeout; raise it", "within the request timeout; raise it with --request-timeout <duration>");
}
