/**
 * Palette's templates for the custom cloud `nutanix`: the cloud config and pool templates of one cluster (sent with
 * a cluster create or a pool update) and the three templates of the one-time registration.
 */
export { paletteContext } from "./context";
export { cloudConfigObjects, controlPlaneObjects, paletteTemplates, withoutNamespace, workerObjects, type PaletteObject } from "./templates";
export { paletteRegistrationTemplates, type PaletteRegistrationTemplates } from "./registration";
export type { PaletteClusterDescription, PaletteMachine, PalettePool, PalettePoolTemplate, PaletteTemplates } from "./types";
