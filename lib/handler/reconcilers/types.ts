/**
 * The contract of a reconciler: one per resource kind. `plan` reads Prism Central (and local files) and
 * returns the resource's diff plus whatever its `apply` needs; `apply` carries that out. Optional hooks
 * hold what is special about a kind, so the orchestrator never asks which kind it runs.
 */
import type { PlanResource } from "../../schema/plan";
import type { VmOutcome } from "../errors";
import type { Services } from "../services";
import type { ResourceDiff } from "../types";

/** What `plan` found: the diff, and for kinds that need it, the steps apply will take. */
export interface Planned {
  readonly diff: ResourceDiff;
}

/** What `apply` did. */
export interface Applied {
  /** A short account for the summary, e.g. "created 3 VM(s); 3 running". */
  readonly detail: string;
  /** VMs written (node pools). @default none */
  readonly outcome?: VmOutcome;
}

/** What a reconciler's local destroy step did (VMs are deleted by the orchestrator, by ownership). */
export interface DestroyedLocally {
  readonly ok: boolean;
  readonly text: string;
}

export interface Reconciler<R extends PlanResource, P extends Planned = Planned> {
  /** Compares the resource with Prism Central; reads only. Problems that will fail apply go to `diff.errors`. */
  plan(s: Services, res: R): Promise<P>;
  /** Carries out a plan; throws (a ResourceApplyError when steps failed) when the resource is not converged. */
  apply(s: Services, res: R, planned: P): Promise<Applied>;
  /**
   * What a destroy of this resource does besides deleting the VMs it owns (e.g. a PCG's local install
   * bundle, a kube-vip address claim). @default nothing
   */
  destroy?(s: Services, res: R): DestroyedLocally | Promise<DestroyedLocally>;
  /**
   * True when `destroy` must run before any VM of the stack is deleted in a whole-stack destroy (what Palette
   * deletes through a PCG needs the PCG's host cluster). @default false
   */
  destroyBeforeVms?(res: R): boolean;
  /**
   * True when every write of `apply` goes through the session's Prism Central client, whose `writeGate` holds
   * each write until the run's lock record is confirmed: apply may then start (and read) while the record
   * settles. False: apply starts only once the record is confirmed (its Kubernetes or Palette writes are not
   * gated by the Prism client). @default false
   */
  readonly writesOnlyThroughPrism?: boolean;
  /**
   * The reason shown when the resource is skipped because a dependency failed; `cause` is the first
   * failure behind it. @default the scheduler's reason
   */
  skipReason?(res: R, cause: string): string;
}
