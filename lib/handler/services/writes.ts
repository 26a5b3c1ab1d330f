/**
 * API writes of a run: one semaphore (`--parallelism`) that every VM create/update/delete holds until its
 * task has finished, and the run's task polling settings.
 *
 * A create reserves its uuid (two round trips, `/idempotence_identifiers`) before it takes a write
 * permit, so the permit covers only the POST and the task wait. At most `--parallelism` creates hold a
 * reservation not yet POSTed (`ahead`): the next ones reserve while the running tasks run, and a large
 * run does not send every reservation at once ahead of the first POSTs.
 */
import type { PrismClient } from "../../prism/client";
import { Semaphore } from "../scheduler";

/** Task polling: short first delay, backoff to a cap. */
export interface PollOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_POLL: PollOptions = { initialDelayMs: 100, maxDelayMs: 1500, timeoutMs: 30 * 60_000 };

export class Writes {
  readonly semaphore: Semaphore;
  /** Creates holding a reservation whose POST was not answered yet (at most `--parallelism`). */
  readonly ahead: Semaphore;
  readonly poll: PollOptions;

  constructor(
    private readonly client: PrismClient,
    parallelism: number,
    poll: Partial<PollOptions> = {},
  ) {
    this.semaphore = new Semaphore(parallelism);
    this.ahead = new Semaphore(parallelism);
    this.poll = { ...DEFAULT_POLL, ...poll };
  }

  /** The number of permits (`--parallelism`). */
  get size(): number {
    return this.semaphore.size;
  }

  /** Runs `fn` holding one write permit. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.semaphore.run(fn);
  }

  /** Waits for a task with this run's polling settings. */
  async waitTask(taskUuid: string): Promise<void> {
    if (!taskUuid) return;
    await this.client.waitForTask(taskUuid, this.poll);
  }

  /** Deletes a VM and waits for the task, holding one write permit. Returns false when it was already gone. */
  deleteVmAndWait(uuid: string): Promise<boolean> {
    return this.run(async () => {
      const task = await this.client.deleteVm(uuid);
      if (task === null) return false;
      await this.waitTask(task);
      return true;
    });
  }
}
