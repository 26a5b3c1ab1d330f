/** Prism Central v3 emulator. */
export { startEmulator, type EmulatorOptions, type EmulatorUser, type RunningEmulator, type Counters } from "./server";
export { Faults, FaultPatch, DEFAULT_FAULTS, splitFaultRate, type FaultConfig } from "./faults";
export { SeedSchema, SeedError, parseSeed, loadSeedFile, loadDefaultSeed, stateFromSeed, type Seed, type SeedInput } from "./seed";
export { writeFileAtomic, readStateFile, type EmulatorState } from "./state";
export { deterministicUuid, mulberry32 } from "./util";
export { parseFiql, matchFiql, type FiqlExpr, type FiqlTerm } from "./fiql";
export { main } from "./cli";
