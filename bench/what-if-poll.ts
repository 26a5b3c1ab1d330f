/**
 * A what-if, for the benchmark only: the task-polling change proposed for lib/prism/client.ts
 * `waitForTask`, installed over the prototype so its effect can be measured without editing the
 * client. Nothing in lib/ uses this file.
 *
 * The stock loop GETs the task at once (always QUEUED right after the POST: a wasted call), then
 * sleeps 100, 160, 256, 410… ms (×1.6), so a 500 ms task is seen done at ≈ 650 ms (+30 %). The
 * proposal: (1) sleep before the first GET; (2) learn, per `operation_type`, the shortest duration of
 * the tasks this client saw finish (`completion_time_usecs − creation_time_usecs`, both on the
 * server's clock, so client/server clock skew does not matter) and sleep that long from the wait's
 * start; (3) after that, poll with a short backoff (25 ms × 1.5, capped by maxDelayMs). Until a
 * duration is known, the stock schedule applies minus the wasted first GET.
 */
import { PrismClient, type WaitOptions } from "../lib/prism/client";
import { PrismApiError, PrismTaskError, PrismTimeoutError } from "../lib/prism/errors";
import type { TaskEntity } from "../lib/prism/types";

const learned = new WeakMap<PrismClient, Map<string, number>>();
const original = PrismClient.prototype.waitForTask;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitForTaskLearned(this: PrismClient, uuid: string, options: WaitOptions = {}): Promise<TaskEntity> {
  const timeoutMs = options.timeoutMs ?? 1_800_000;
  const maxDelay = options.maxDelayMs ?? 5000;
  const start = Date.now();
  const deadline = start + timeoutMs;
  let durations = learned.get(this);
  if (!durations) learned.set(this, (durations = new Map()));
  let op: string | undefined;
  let delay = options.initialDelayMs ?? 250;
  let short = 25;
  let first = true;
  for (;;) {
    const expected = op !== undefined ? durations.get(op) : durations.size === 1 ? [...durations.values()][0] : undefined;
    let wait: number;
    if (expected !== undefined && Date.now() < start + expected) wait = start + expected - Date.now();
    else if (expected !== undefined) {
      wait = short;
      short = Math.min(maxDelay, Math.ceil(short * 1.5));
    } else {
      wait = delay;
      if (!first) delay = Math.min(maxDelay, Math.ceil(delay * 1.6));
    }
    first = false;
    await sleep(Math.max(0, Math.min(wait, deadline - Date.now())));
    let task: TaskEntity;
    try {
      task = await this.getTask(uuid);
    } catch (e) {
      if (e instanceof PrismApiError && (e.status === 404 || e.hasReason("INVALID_UUID"))) {
        throw new PrismTaskError(uuid, "INVALID_UUID", { uuid, status: "INVALID_UUID", error_detail: e.message });
      }
      throw e;
    }
    options.onProgress?.(task);
    op = task.operation_type ?? op;
    const status = String(task.status);
    if (status === "SUCCEEDED") {
      const d = typeof task.completion_time_usecs === "number" && typeof task.creation_time_usecs === "number" ? (task.completion_time_usecs - task.creation_time_usecs) / 1000 : undefined;
      if (op !== undefined && d !== undefined && d > 0) durations.set(op, Math.min(durations.get(op) ?? Infinity, d));
      return task;
    }
    if (status === "FAILED" || status === "ABORTED" || status === "INVALID_UUID") throw new PrismTaskError(uuid, status, task);
    if (Date.now() >= deadline) throw new PrismTimeoutError(`task ${uuid} (last status ${status}, ${task.percentage_complete ?? 0}%)`, timeoutMs);
  }
}

/** Installs the proposed polling; returns the function that restores the stock one. */
export function installLearnedPolling(): () => void {
  PrismClient.prototype.waitForTask = waitForTaskLearned;
  return () => {
    PrismClient.prototype.waitForTask = original;
  };
}
