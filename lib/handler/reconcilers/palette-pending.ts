/**
 * PaletteAccount and PaletteCluster until their reconcilers (which drive Palette's API) are wired in:
 * `plan` reports the resource as an error and `apply` refuses it, naming the resource, so a plan with
 * clusters through Palette never half-applies or reports success for work nobody did.
 */
import type { ResourceOfKind } from "../../schema/plan";
import { ResourceApplyError } from "../errors";
import type { Planned, Reconciler } from "./types";

type PaletteResource = ResourceOfKind<"PaletteAccount"> | ResourceOfKind<"PaletteCluster">;

function refusal(res: PaletteResource): string {
  return `${res.id}: this handler cannot apply kind ${res.kind} yet (clusters through Palette): nothing written`;
}

/** Refuses a Palette resource in plan and apply. */
export function palettePending<R extends PaletteResource>(): Reconciler<R, Planned> {
  return {
    plan: async (_s, res) => ({ diff: { id: res.id, kind: res.kind, action: "no-change", changes: [], vms: [], notes: [], errors: [refusal(res)] } }),
    apply: async (_s, res) => {
      throw new ResourceApplyError([refusal(res)]);
    },
  };
}
