/**
 * Hot-remove on a running VM: AHV hot-plugs increases of sockets and memory, but a decrease, or a
 * change of cores per socket, needs the VM off. terraform-provider-nutanix powers the VM off for
 * those (`resource_nutanix_virtual_machine.go`), nutanix.ansible asks for `force_power_off`; the real
 * refusal reads "Failed to perform the operation on the VM … because the current power state of the
 * VM is 'kOn'" (TF PR #1117). The words between are not public: the emulator's are a guess.
 */
import { isFinal, taskPhase } from "./lifecycle";
import type { EmulatorState, JsonObject, StoredVm } from "./state";

function num(r: JsonObject | undefined, key: string, dflt: number): number {
  const v = r?.[key];
  return typeof v === "number" ? v : dflt;
}

/** The power state the VM is in now: its last settled spec (an update still running has not applied). */
export function actualPowerState(state: EmulatorState, vm: StoredVm, now: number): string {
  const running = vm.rollback && state.tasks[vm.rollback.task] && !isFinal(taskPhase(state.tasks[vm.rollback.task]!, now));
  const spec = (running ? vm.rollback!.spec : vm.spec) as { resources?: JsonObject };
  const p = spec.resources?.power_state;
  return typeof p === "string" ? p : "OFF";
}

/** The failure of an update that would hot-remove on a running VM, or undefined when it may go ahead. */
export function hotRemoveRefusal(state: EmulatorState, vm: StoredVm, next: JsonObject, now: number): { detail: string; code: string } | undefined {
  if (actualPowerState(state, vm, now) !== "ON") return undefined;
  const cur = (vm.spec as { resources?: JsonObject }).resources;
  const what: string[] = [];
  if (num(next, "num_sockets", 1) < num(cur, "num_sockets", 1)) what.push("num_sockets decrease");
  if (num(next, "memory_size_mib", 0) < num(cur, "memory_size_mib", 0)) what.push("memory_size_mib decrease");
  if (num(next, "num_vcpus_per_socket", 1) !== num(cur, "num_vcpus_per_socket", 1)) what.push("num_vcpus_per_socket change");
  if (what.length === 0) return undefined;
  return {
    detail: `INVALID_ARGUMENT: Failed to perform the operation on the VM with UUID '${vm.uuid}' (${what.join(", ")}), because the current power state of the VM is 'kOn'.`,
    code: "INVALID_ARGUMENT",
  };
}
