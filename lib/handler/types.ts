/**
 * Data the handler produces: per-resource diffs (what `plan` shows and `apply` executes) and run results
 * (what `--json` prints). Plain JSON-serializable objects.
 */

/** What happens to a resource. */
export type ResourceAction = "create" | "update" | "replace" | "delete" | "no-change";

/** A field's value as `--json` prints it: numbers as numbers, booleans as booleans. */
export type FieldValue = string | number | boolean;

/** One field that differs: `from` is what Prism Central has, `to` what the plan wants. */
export interface FieldChange {
  readonly field: string;
  readonly from?: FieldValue | undefined;
  readonly to?: FieldValue;
}

/** One VM-level step of a node pool (or of a prune/destroy). */
export interface VmChange {
  /** create: a new VM; update: in place (spec_version); replace: new VM up, then the old one deleted; delete; wait: a create still running. */
  readonly op: "create" | "update" | "replace" | "delete" | "wait";
  /** The VM's name (for replace: the old VM). */
  readonly name: string;
  readonly uuid?: string | undefined;
  /** For replace: the new VM's name and uuid. */
  readonly newName?: string;
  readonly newUuid?: string;
  readonly changes: readonly FieldChange[];
  readonly reason?: string;
}

/** The diff of one resource against Prism Central. */
export interface ResourceDiff {
  readonly id: string;
  readonly kind: string;
  readonly action: ResourceAction;
  /** Resource-level changes (not tied to one VM). */
  readonly changes: readonly FieldChange[];
  readonly vms: readonly VmChange[];
  /** Facts worth showing (resolved entities, readiness). */
  readonly notes: readonly string[];
  /** Problems that make an apply of this resource fail (all listed). */
  readonly errors: readonly string[];
}

/** Outcome of one resource in a run. */
export type ResourceResultStatus = "ok" | "failed" | "skipped";

/** One row of the summary. */
export interface ResourceResult {
  readonly id: string;
  readonly kind: string;
  /** The action that was (or would have been) taken. */
  readonly action: ResourceAction | "verify" | "prune" | "destroy";
  readonly result: ResourceResultStatus;
  readonly ms: number;
  /** A short account of what was done, e.g. "created 3 VMs". */
  readonly detail?: string;
  /** Why it failed or was skipped (never contains secrets). */
  readonly error?: string;
  readonly diff?: ResourceDiff;
  /** VMs written by this resource. */
  readonly created?: readonly string[];
  readonly updated?: readonly string[];
  readonly deleted?: readonly string[];
}

/** What a command returns (and `--json` prints). */
export interface RunResult {
  readonly command: "validate" | "plan" | "apply" | "destroy" | "status";
  readonly stack: string;
  readonly ok: boolean;
  /** 0 ok, 1 failed. (Bad input throws HandlerInputError instead: exit 2.) */
  readonly exitCode: 0 | 1;
  readonly resources: readonly ResourceResult[];
  readonly ms: number;
  /** Client counters: requests sent (retries included), writes, retries. */
  readonly api: { readonly requests: number; readonly writes: number; readonly retries: number };
  /** The Prism Central endpoint (the first account's when the run has several). */
  readonly endpoint?: string;
  /** With several accounts: each account's endpoint, by account id. */
  readonly endpoints?: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
  /** Set when nothing was done on purpose (e.g. destroy of a superseded generation). */
  readonly noop?: string;
}
