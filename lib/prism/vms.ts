/** VMs: idempotent create, read, list, read-modify-write update with edit-conflict retries, delete. */
import { randomUUID } from "node:crypto";
import type { Call } from "./api";
import { PrismApiError, PrismTaskError } from "./errors";
import { isNotFound } from "./not-found";
import { sleep, type RetryPolicy } from "./retry";
import type { PrismStats } from "./stats";
import { taskUuidsOf, type WaitOptions } from "./tasks";
import type { DeleteResponse, ListableKind, Metadata, TaskEntity, VmEntity, VmIntentInput, VmSpec } from "./types";

export interface CreateVmResult {
  uuid: string;
  taskUuid: string;
  /** True when the POST answered 409 ENTITY_ALREADY_EXISTS (a VM with this uuid was already there). */
  existed: boolean;
  entity: VmEntity | null;
}

export interface UpdateVmOptions {
  /** @default 5 */
  maxAttempts?: number;
  /** Wait for the update task; a task failing with an edit conflict then re-reads and retries too. */
  wait?: boolean | WaitOptions;
}

/** What the VM calls need from the client. */
export interface VmClient {
  call: Call;
  listAll(kind: "vms", options: { filter?: string }): Promise<VmEntity[]>;
  waitForTask(uuid: string, options?: WaitOptions): Promise<TaskEntity>;
  invalidateCache(kind: ListableKind): void;
  readonly stats: PrismStats;
}

const enc = encodeURIComponent;

export class Vms {
  constructor(
    private readonly client: VmClient,
    private readonly retry: RetryPolicy,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * POST /vms (202). Sets `metadata.uuid` (random when absent) so a retried POST is idempotent: a
   * 409 ENTITY_ALREADY_EXISTS answer then reads the VM and returns it with `existed: true`.
   */
  async createVm(body: VmIntentInput): Promise<CreateVmResult> {
    const uuid = body.metadata?.uuid ?? randomUUID();
    const payload: VmIntentInput = { api_version: body.api_version ?? "3.1", ...body, metadata: { ...body.metadata, kind: "vm", uuid } };
    try {
      const res = await this.client.call<VmEntity>("POST", "/vms", payload);
      const taskUuid = taskUuidsOf(res)[0] ?? "";
      this.client.invalidateCache("vms");
      return { uuid: res.metadata?.uuid ?? uuid, taskUuid, existed: false, entity: res };
    } catch (e) {
      if (e instanceof PrismApiError && e.status === 409 && e.hasReason("ENTITY_ALREADY_EXISTS")) {
        const vm = await this.getVm(uuid);
        const tasks = taskUuidsOf(vm);
        return { uuid, taskUuid: tasks[tasks.length - 1] ?? "", existed: true, entity: vm };
      }
      throw e;
    }
  }

  /** GET /vms/{uuid}; null when the VM does not exist (404 ENTITY_NOT_FOUND). */
  async getVm(uuid: string): Promise<VmEntity | null> {
    try {
      return await this.client.call<VmEntity>("GET", `/vms/${enc(uuid)}`);
    } catch (e) {
      if (isNotFound(e) && e.status === 404) return null;
      throw e;
    }
  }

  /** Every VM, optionally with a FIQL filter such as `vm_name==web-1`. */
  async listVms(filter?: string): Promise<VmEntity[]> {
    return this.client.listAll("vms", filter === undefined ? {} : { filter });
  }

  /**
   * Read-modify-write: GET, drop status, let `mutate` edit spec (and metadata), PUT with the same
   * metadata (spec_version). On an edit conflict (409, or with `wait` a task failing with one) re-read
   * and retry, at most `maxAttempts` times. Returns the update task uuid.
   */
  async updateVm(
    uuid: string,
    mutate: (spec: VmSpec, metadata: Metadata) => void | Promise<void>,
    options: UpdateVmOptions = {},
  ): Promise<string> {
    const max = options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const vm = await this.getVm(uuid);
      if (!vm) {
        throw new PrismApiError({
          status: 404,
          method: "GET",
          path: `/vms/${uuid}`,
          messageList: [{ message: `vm : ${uuid} does not exist.`, reason: "ENTITY_NOT_FOUND" }],
          body: null,
        });
      }
      const spec = structuredClone(vm.spec);
      const metadata = structuredClone(vm.metadata);
      await mutate(spec, metadata);
      try {
        const res = await this.client.call<VmEntity>("PUT", `/vms/${enc(uuid)}`, { api_version: "3.1", metadata, spec });
        const taskUuid = taskUuidsOf(res)[0] ?? "";
        if (options.wait && taskUuid) {
          await this.client.waitForTask(taskUuid, options.wait === true ? {} : options.wait);
        }
        this.client.invalidateCache("vms");
        return taskUuid;
      } catch (e) {
        const conflict = (e instanceof PrismApiError && e.isEditConflict) || (e instanceof PrismTaskError && e.isEditConflict);
        if (conflict && attempt < max) {
          this.client.stats.conflicts++;
          const delay = this.retry.backoffDelay(attempt + 1);
          this.log(`prism: edit conflict on vm ${uuid} (attempt ${attempt}/${max}); re-reading in ${delay} ms`);
          await sleep(delay);
          continue;
        }
        throw e;
      }
    }
  }

  /** DELETE /vms/{uuid}; returns the task uuid, or null when the VM was already gone (404). */
  async deleteVm(uuid: string): Promise<string | null> {
    try {
      const res = await this.client.call<DeleteResponse>("DELETE", `/vms/${enc(uuid)}`);
      this.client.invalidateCache("vms");
      return taskUuidsOf(res)[0] ?? null;
    } catch (e) {
      if (isNotFound(e) && e.status === 404) return null;
      throw e;
    }
  }
}
