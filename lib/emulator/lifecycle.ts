/**
 * Task progression (time based, from stored timestamps, so a restarted emulator completes tasks the
 * same way) and the settling of finished tasks into entities.
 */
import type { EmulatorState, StoredTask, StoredVm } from "./state";

export type TaskPhase = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";

/** QUEUED for the first 20% of the duration, RUNNING until the end, then SUCCEEDED or FAILED. */
export function taskPhase(t: StoredTask, now: number): TaskPhase {
  const elapsed = now - t.createdAt;
  if (elapsed >= t.durationMs) return t.fail ? "FAILED" : "SUCCEEDED";
  if (elapsed < t.durationMs * 0.2) return "QUEUED";
  return "RUNNING";
}

export function isFinal(p: TaskPhase): boolean {
  return p === "SUCCEEDED" || p === "FAILED";
}

/**
 * Applies the effects of finished tasks: a failed create removes the VM (GET → 404, its IPs are
 * released); a succeeded delete removes it; a failed update restores the previous spec. Deterministic
 * from stored timestamps, so it needs no persistence of its own.
 */
export function settle(state: EmulatorState, now: number): void {
  for (const vm of Object.values(state.vms)) {
    const create = state.tasks[vm.createTask];
    if (create && create.fail && !vm.keptOnFailure && taskPhase(create, now) === "FAILED") {
      delete state.vms[vm.uuid];
      continue;
    }
    if (vm.deleteTask) {
      const d = state.tasks[vm.deleteTask];
      if (!d) vm.deleteTask = undefined;
      else {
        const p = taskPhase(d, now);
        if (p === "SUCCEEDED") {
          delete state.vms[vm.uuid];
          continue;
        }
        if (p === "FAILED") vm.deleteTask = undefined;
      }
    }
    if (vm.rollback) {
      const u = state.tasks[vm.rollback.task];
      const p = u ? taskPhase(u, now) : "SUCCEEDED";
      if (p === "FAILED") {
        vm.spec = vm.rollback.spec;
        vm.nics = vm.rollback.nics;
        vm.metadata = { ...vm.rollback.metadata, spec_version: vm.metadata.spec_version, entity_version: vm.metadata.entity_version };
        vm.rollback = undefined;
      } else if (p === "SUCCEEDED") vm.rollback = undefined;
    }
  }
}

/** "PENDING" while created, "DELETE_PENDING" while deleted, "PENDING" while updated, "ERROR" after a failed create it kept, else "COMPLETE". */
export function vmState(state: EmulatorState, vm: StoredVm, now: number): string {
  if (vm.deleteTask) return "DELETE_PENDING";
  const c = state.tasks[vm.createTask];
  if (c && !isFinal(taskPhase(c, now))) return "PENDING";
  if (c && vm.keptOnFailure && taskPhase(c, now) === "FAILED") return "ERROR";
  if (vm.rollback) {
    const u = state.tasks[vm.rollback.task];
    if (u && !isFinal(taskPhase(u, now))) return "PENDING";
  }
  return "COMPLETE";
}

/** True once the create task succeeded (lists omit entities not yet created successfully). */
export function vmCreated(state: EmulatorState, vm: StoredVm, now: number): boolean {
  const c = state.tasks[vm.createTask];
  return !c || taskPhase(c, now) === "SUCCEEDED";
}


/** True when lists show the VM: created, or kept in state ERROR after its create failed (`keepFailedCreates`). */
export function vmListed(state: EmulatorState, vm: StoredVm, now: number): boolean {
  const c = state.tasks[vm.createTask];
  return !c || taskPhase(c, now) === "SUCCEEDED" || (vm.keptOnFailure === true && taskPhase(c, now) === "FAILED");
}

/** True while the VM's create task is QUEUED (the window in which a real PC may answer GET with 404). */
export function createQueued(state: EmulatorState, vm: StoredVm, now: number): boolean {
  const c = state.tasks[vm.createTask];
  return c !== undefined && taskPhase(c, now) === "QUEUED";
}
