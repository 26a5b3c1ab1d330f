/**
 * The peers' task polling, to run the same apply with the handler's polling replaced:
 *
 * - CAPX (nutanix-cloud-native/cluster-api-provider-nutanix, pkg/client/status.go `WaitForTaskToSucceed`):
 *   `wait.PollUntilContextCancel(ctx, 2 s, immediate = true, …)`: a poll at once, then one every 2 s
 *   after the previous answer; stops on SUCCEEDED, errors on FAILED / INVALID_UUID.
 * - TPN (nutanix/terraform-provider-nutanix, `resource.StateChangeConf{Delay: 3 s, MinTimeout: 3 s}` for
 *   VM tasks; hashicorp/terraform-plugin-sdk helper/resource/state.go `WaitForStateContext`): sleeps
 *   `Delay`, then polls; the wait starts at 100 ms and doubles after each pending answer, raised to
 *   `MinTimeout` and capped at 10 s (kept in the variable): 3 s, then 3 s, 6 s, 10 s, 10 s…
 *
 * `replaceTaskPolling` swaps `PrismClient.prototype.waitForTask` (what every handler wait goes through)
 * for the duration of `fn` only; the handler is otherwise untouched.
 */
import { PrismClient } from "../lib/prism/client";
import { PrismTaskError, PrismTimeoutError } from "../lib/prism/errors";
import type { TaskEntity } from "../lib/prism/types";
import type { WaitOptions } from "../lib/prism/tasks";

export type PeerName = "capx" | "tpn";

/** The pause before poll number `i` (0-based), in ms, measured from the previous answer (or from the wait's start). */
export type PollSchedule = (i: number) => number;

export const CAPX_SCHEDULE: PollSchedule = (i) => (i === 0 ? 0 : 2000);

export const TPN_SCHEDULE: PollSchedule = (i) => {
  if (i === 0) return 3000;
  // StateChangeConf: `wait` starts at 100 ms; after each pending answer wait *= 2, then wait < MinTimeout →
  // MinTimeout, wait > 10 s → 10 s (the bound is kept in `wait`): 3 s, 6 s, 10 s, 10 s…
  let wait = 100;
  for (let k = 0; k < i; k++) {
    wait *= 2;
    if (wait < 3000) wait = 3000;
    else if (wait > 10_000) wait = 10_000;
  }
  return wait;
};

export const PEER_SCHEDULES: Record<PeerName, PollSchedule> = { capx: CAPX_SCHEDULE, tpn: TPN_SCHEDULE };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A waitForTask that follows `schedule` and nothing else (no learned durations). */
export function scheduledWait(schedule: PollSchedule): PrismClient["waitForTask"] {
  return async function (this: PrismClient, uuid: string, options: WaitOptions = {}): Promise<TaskEntity> {
    const timeoutMs = options.timeoutMs ?? 1_800_000;
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; ; i++) {
      await sleep(schedule(i));
      const task = await this.getTask(uuid);
      options.onProgress?.(task);
      const status = String(task.status);
      if (status === "SUCCEEDED") return task;
      if (status === "FAILED" || status === "ABORTED" || status === "INVALID_UUID") throw new PrismTaskError(uuid, status, task);
      if (Date.now() >= deadline) throw new PrismTimeoutError(`task ${uuid} (last status ${status})`, timeoutMs);
    }
  };
}

/** Runs `fn` with every PrismClient's task polling replaced by `schedule`. */
export async function replaceTaskPolling<T>(schedule: PollSchedule, fn: () => Promise<T>): Promise<T> {
  const own = Object.getOwnPropertyDescriptor(PrismClient.prototype, "waitForTask")!;
  Object.defineProperty(PrismClient.prototype, "waitForTask", { ...own, value: scheduledWait(schedule) });
  try {
    return await fn();
  } finally {
    Object.defineProperty(PrismClient.prototype, "waitForTask", own);
  }
}
