/** The palette-emulator: Palette's API for the Nutanix flow, on loopback, for tests and demos. */
export { PaletteEmulator, startPaletteEmulator, maskValue, type PaletteEmulatorOptions, type LoggedRequest } from "./emulator";
export { PaletteFaults, DEFAULT_PALETTE_FAULTS, type PaletteFaultConfig, type PaletteFaultPatch } from "./faults";
export { clusterView, overlordView, type ClusterPhase } from "./lifecycle";
export { derivePool, controlPlaneEndpoint } from "./pools";
export { defaultState, seededUid, type PaletteState } from "./state";
export { API_KEY_ENV, parseCli } from "./cli";
