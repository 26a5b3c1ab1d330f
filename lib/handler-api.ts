/**
 * The handler API at the package root, loaded lazily: importing the root (every `cdktf synth` does)
 * must not load the handler, the Prism Central client or the emulator. Each function requires
 * lib/handler on its first call; the types come through `import type`, which emits nothing.
 * HandlerInputError is the one value loaded eagerly: its module imports nothing of the handler's I/O.
 */
import type * as Handler from "./handler";

export { HandlerInputError } from "./handler/errors";
export type { ApplyOptions, DestroyOptions, HandlerOptions, PlanResult, ResourceDiff, ResourceResult, RunResult } from "./handler";

let loaded: typeof Handler | undefined;

/** lib/handler, required on first use. */
function handler(): typeof Handler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazy load is the point of this module
  loaded ??= require("./handler") as typeof Handler;
  return loaded;
}

/** Makes Prism Central match the plan (or one resource), then prunes removed resources. See lib/handler. */
export function applyPlan(...args: Parameters<typeof Handler.applyPlan>): ReturnType<typeof Handler.applyPlan> {
  return handler().applyPlan(...args);
}

/** Compares the plan (or one resource) with Prism Central. Reads only: zero writes. See lib/handler. */
export function planDiff(...args: Parameters<typeof Handler.planDiff>): ReturnType<typeof Handler.planDiff> {
  return handler().planDiff(...args);
}

/** Deletes what the plan (or one resource) owns in Prism Central. See lib/handler. */
export function destroyPlan(...args: Parameters<typeof Handler.destroyPlan>): ReturnType<typeof Handler.destroyPlan> {
  return handler().destroyPlan(...args);
}

/** Validates a plan file or object (no API call). See lib/handler. */
export function validatePlan(...args: Parameters<typeof Handler.validatePlan>): ReturnType<typeof Handler.validatePlan> {
  return handler().validatePlan(...args);
}
