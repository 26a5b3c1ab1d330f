/**
 * Waiting for tasks, and learning per operation type how long tasks take so the first poll comes
 * when a task is done at the earliest.
 */
import type { Method } from "./api";
import { PrismApiError, PrismTaskError, PrismTimeoutError } from "./errors";
import { sleep } from "./retry";
import type { TaskEntity } from "./types";

export interface WaitOptions {
  /** @default 1800000 (30 min; an image import can take 22 min: nutanix/terraform-provider-nutanix issue #20) */
  timeoutMs?: number;
  /** @default 250 */
  initialDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
  onProgress?: (task: TaskEntity) => void;
  /**
   * Least time between two polls of one task after the first (politeness: a real PC answers in
   * ≈ 0.5 s; CAPX polls every 2 s, TF every ≥ 3 s). A caller that sets a lower `maxDelayMs` (a fast
   * emulator in tests) gets that as the floor instead.
   * @default min(1000, maxDelayMs)
   */
  minPollIntervalMs?: number;
  /**
   * A 404 for the task within this long of the request that made it is "not visible yet" (a 404 right
   * after a 202 is not absent), not INVALID_UUID.
   * @default 5000
   */
  notFoundGraceMs?: number;
}

/** What the waiter is told besides each task read. */
export interface TaskWaiterHooks {
  /** A line for the log (a SUSPENDED task). */
  log?: (line: string) => void;
  /** Durations learned before (e.g. from the cache file). */
  initial?: ReadonlyMap<string, number>;
  /** Told when a duration was learned (to persist it). */
  onLearned?: (durations: ReadonlyMap<string, number>) => void;
}

/** First poll delay after the learned duration has passed, then × 1.5. */
const SHORT_POLL_MS = 25;
/** Added to the learned duration: timers and the two clocks round to the millisecond. */
const POLL_SLACK_MS = 2;
const MAX_TASK_ORIGINS = 10_000;
/**
 * The operation type a request's task is expected to have before a first poll tells (a fresh process,
 * e.g. each `cdktf deploy` local-exec, starts with learned durations but no request → type map). The
 * types a real Prism Central reports (terraform-provider-nutanix `out.txt` debug trace, DataDog
 * integrations-core `nutanix` fixtures); a poll that reports another type replaces the guess.
 */
const KNOWN_OPERATIONS: ReadonlyArray<readonly [string, string]> = [
  ["POST /vms", "create_vm_intentful"],
  ["PUT /vms/{uuid}", "update_vm_intentful"],
  ["DELETE /vms/{uuid}", "delete_vm_intentful"],
];
const UUID_IN_PATH = /\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?=\/|$)/g;

/** Every task uuid of an entity or a 202 answer: `execution_context.task_uuid` is a string or a string[]. */
export function taskUuidsOf(entity: unknown): string[] {
  if (!entity || typeof entity !== "object") return [];
  const status = (entity as { status?: unknown }).status;
  if (!status || typeof status !== "object") return [];
  const ctx = (status as { execution_context?: unknown }).execution_context;
  if (!ctx || typeof ctx !== "object") return [];
  const t = (ctx as { task_uuid?: unknown }).task_uuid;
  if (typeof t === "string") return t === "" ? [] : [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string" && x !== "");
  return [];
}

/** A finished task's duration in ms on the server's clock (usecs fields, else the RFC 3339 times); undefined when unknown. */
export function taskDurationMs(task: TaskEntity): number | undefined {
  if (typeof task.completion_time_usecs === "number" && typeof task.creation_time_usecs === "number") {
    const d = (task.completion_time_usecs - task.creation_time_usecs) / 1000;
    return Number.isFinite(d) ? d : undefined;
  }
  if (typeof task.completion_time === "string" && typeof task.creation_time === "string") {
    const d = Date.parse(task.completion_time) - Date.parse(task.creation_time);
    return Number.isFinite(d) ? d : undefined;
  }
  return undefined;
}

export class TaskWaiter {
  /** operation_type → shortest duration seen (ms, server clock). */
  private readonly durations = new Map<string, number>();
  /** "METHOD /path" of a writing request → operation_type of the tasks it made. */
  private readonly operationOfRequest = new Map<string, string>();
  /** task uuid → when the request that made it was sent, and which request (bounded; dropped when waited for). */
  private readonly origins = new Map<string, { sentAt: number; request: string }>();

  /** `getTask` reads one task (GET /tasks/{uuid}). */
  constructor(
    private readonly getTask: (uuid: string) => Promise<TaskEntity>,
    private readonly hooks: TaskWaiterHooks = {},
  ) {
    for (const [k, v] of hooks.initial ?? []) this.durations.set(k, v);
    for (const [request, op] of KNOWN_OPERATIONS) this.operationOfRequest.set(request, op);
  }

  /** The shortest duration (ms, server clock) of the tasks of each operation type seen succeed. */
  get learnedDurations(): ReadonlyMap<string, number> {
    return this.durations;
  }

  /**
   * Waits for a task: sleeps first, then polls. PrismTaskError on FAILED/ABORTED/INVALID_UUID;
   * PrismTimeoutError at the deadline. See PrismClient.waitForTask for the polling schedule.
   */
  async wait(uuid: string, options: WaitOptions = {}): Promise<TaskEntity> {
    const timeoutMs = options.timeoutMs ?? 1_800_000;
    const minInterval = Math.max(0, options.minPollIntervalMs ?? Math.min(1000, options.maxDelayMs ?? 1000));
    const maxDelay = Math.max(minInterval, options.maxDelayMs ?? 5000);
    const graceMs = options.notFoundGraceMs ?? 5000;
    let suspendedSaid = false;
    const start = Date.now();
    const deadline = start + timeoutMs;
    const origin = this.origins.get(uuid);
    this.origins.delete(uuid);
    const from = origin?.sentAt ?? start;
    let op = origin ? this.operationOfRequest.get(origin.request) : undefined;
    let delay = options.initialDelayMs ?? 250;
    let short = SHORT_POLL_MS;
    let expectedUsed = false;
    for (let polls = 0; ; polls++) {
      const expected = op !== undefined ? this.durations.get(op) : undefined;
      let wait: number;
      if (expected !== undefined && !expectedUsed) {
        // The first poll that can use what was learned: when a task of this type is done at the earliest.
        expectedUsed = true;
        wait = from + expected + POLL_SLACK_MS - Date.now();
        if (polls > 0 && wait < short) {
          // Already past it (learned only from the previous poll): no immediate re-poll.
          wait = short;
          short = Math.min(maxDelay, Math.ceil(short * 1.5));
        }
      } else if (expectedUsed) {
        wait = short;
        short = Math.min(maxDelay, Math.ceil(short * 1.5));
      } else {
        wait = delay;
        delay = Math.min(maxDelay, Math.ceil(delay * 1.6));
      }
      if (polls > 0) wait = Math.max(wait, minInterval);
      const left = deadline - Date.now();
      if (wait > 0 && left > 0) await sleep(Math.min(wait, left));
      let task: TaskEntity;
      try {
        task = await this.getTask(uuid);
      } catch (e) {
        if (e instanceof PrismApiError && (e.status === 404 || e.hasReason("INVALID_UUID"))) {
          // A 404 right after the 202 that named the task is "not visible yet", not absent.
          if (Date.now() - from < graceMs && Date.now() < deadline) continue;
          throw new PrismTaskError(uuid, "INVALID_UUID", { uuid, status: "INVALID_UUID", error_detail: e.message });
        }
        throw e;
      }
      options.onProgress?.(task);
      if (typeof task.operation_type === "string" && task.operation_type !== "") {
        op = task.operation_type;
        if (origin) this.operationOfRequest.set(origin.request, op);
      }
      const status = String(task.status);
      if (status === "SUCCEEDED") {
        this.learnDuration(op, task);
        return task;
      }
      if (status === "FAILED" || status === "ABORTED" || status === "INVALID_UUID") throw new PrismTaskError(uuid, status, task);
      if (status === "SUSPENDED" && !suspendedSaid) {
        // A suspended task may resume; it is reported, and waited for until the task timeout.
        suspendedSaid = true;
        this.hooks.log?.(`prism: task ${uuid}${op ? ` (${op})` : ""} is SUSPENDED${task.progress_message ? `: ${task.progress_message}` : ""}; still waiting (task timeout ${timeoutMs} ms)`);
      }
      if (Date.now() >= deadline) {
        throw new PrismTimeoutError(`task ${uuid} (last status ${status}, ${task.percentage_complete ?? 0}%)`, timeoutMs, {
          hint: `${op ? `${op} ` : ""}not finished within the task timeout; raise it to wait longer`,
        });
      }
    }
  }

  /** Remembers when the answer naming a task arrived (its task existed by then), for wait. */
  noteTaskOrigin(method: Method, path: string, sentAt: number, answer: unknown): void {
    const tasks = taskUuidsOf(answer);
    if (tasks.length === 0) return;
    const request = `${method} ${path.replace(UUID_IN_PATH, "/{uuid}")}`;
    for (const t of tasks) {
      this.origins.set(t, { sentAt, request });
      if (this.origins.size > MAX_TASK_ORIGINS) this.origins.delete(this.origins.keys().next().value!);
    }
  }

  private learnDuration(op: string | undefined, task: TaskEntity): void {
    if (op === undefined) return;
    const d = taskDurationMs(task);
    if (d === undefined || d <= 0) return;
    const had = this.durations.get(op);
    if (had === undefined || d < had) {
      this.durations.set(op, d);
      this.hooks.onLearned?.(this.durations);
    }
  }
}
