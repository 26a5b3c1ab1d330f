/**
 * VMs: idempotent create (through reservations, see idempotent-create.ts), read, list,
 * read-modify-write update with edit-conflict retries, power-cycled updates, delete.
 */
import { randomUUID } from "node:crypto";
import type { Call } from "./api";
import { PrismApiError, PrismError, PrismTaskError } from "./errors";
import { IdempotentCreates, type CreateVmResult, type IdempotentCreateOptions, type VmReservation } from "./idempotent-create";
import { cpuMemoryOf, resizeDecision, type ResizeDecision } from "./resize";
import { isNotFound } from "./not-found";
import { sleep, type RetryPolicy } from "./retry";
import type { PrismStats } from "./stats";
import { taskUuidsOf, type WaitOptions } from "./tasks";
import type { DeleteResponse, ListableKind, Metadata, TaskEntity, VmEntity, VmIntentInput, VmSpec } from "./types";
import { actualPowerState } from "./vm-read";

export type { CreateVmResult, VmReservation } from "./idempotent-create";

export interface UpdateVmOptions {
  /** @default 5 */
  maxAttempts?: number;
  /** Wait for the update task; a task failing with an edit conflict then re-reads and retries too. @default false */
  wait?: boolean | WaitOptions;
}

/** What updateVmPowerCycled did. */
export interface PowerCycledUpdate {
  decision: ResizeDecision;
  /** True when the VM was powered off (ACPI) for the update and powered on again. */
  powerCycled: boolean;
  /** The update tasks, in order (power off, update, power on; or the one update). */
  taskUuids: string[];
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

/** Options of getVm. */
export interface GetVmOptions {
  /**
   * A create of this uuid is known to be accepted (e.g. a running create task names it): a 404 is read
   * again through the visibility window instead of meaning "absent".
   * @default false
   */
  readonly beingCreated?: boolean;
}

export class Vms {
  private readonly creates: IdempotentCreates;
  /** uuid → when this client's create of it was accepted (a GET may answer 404 for a while after). */
  private readonly recent = new Map<string, number>();
  private readonly graceMs: number;

  constructor(
    private readonly client: VmClient,
    private readonly retry: RetryPolicy,
    private readonly log: (line: string) => void,
    createOptions: Omit<IdempotentCreateOptions, "log" | "maxAttempts">,
  ) {
    this.graceMs = createOptions.visibilityGraceMs;
    this.creates = new IdempotentCreates((method, path, body, opts) => client.call(method, path, body, opts), { ...createOptions, maxAttempts: retry.maxAttempts, log });
  }

  /**
   * Creates the VM of a slot exactly once: reserves (or finds the reservation of) a uuid for
   * `slotKey`, finds out whether an earlier POST was accepted, and only then POSTs with that uuid.
   * `body.metadata.uuid` is ignored (the reserved uuid is used).
   */
  async createVmIdempotent(slotKey: string, body: VmIntentInput, reserved?: VmReservation): Promise<CreateVmResult> {
    if (slotKey === "") throw new PrismError("createVmIdempotent: expected a non-empty slot key (e.g. stack/resource/vm-name)");
    const r = await this.creates.create(slotKey, body, reserved);
    this.client.invalidateCache("vms");
    if (!r.existed) {
      this.recent.set(r.uuid, Date.now());
      if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value!);
    }
    return r;
  }

  /**
   * POST /vms through a reservation (createVmIdempotent) whose slot key is the caller's
   * `metadata.uuid` when given (a deterministic uuid is a good slot key), else a random one (then a
   * re-run cannot find it: give a slot key).
   */
  async createVm(body: VmIntentInput, reserved?: VmReservation): Promise<CreateVmResult> {
    return this.createVmIdempotent(body.metadata?.uuid ?? reserved?.slotKey ?? randomUUID(), body, reserved);
  }

  /** The reservation of a slot (createVmIdempotent's first step), to take before a write permit. */
  async reserveVm(slotKey: string): Promise<VmReservation> {
    if (slotKey === "") throw new PrismError("reserveVm: expected a non-empty slot key (e.g. stack/resource/vm-name)");
    return this.creates.reserve(slotKey);
  }

  /**
   * GET /vms/{uuid}; null when the VM does not exist (404 ENTITY_NOT_FOUND). A VM this client created
   * moments ago is read again through the short window in which a real PC answers 404 ("the intent
   * spec may not be created yet"). A VM in state ERROR is returned.
   */
  async getVm(uuid: string, options: GetVmOptions = {}): Promise<VmEntity | null> {
    const since = this.recent.get(uuid.toLowerCase());
    const left = options.beingCreated ? this.graceMs : since === undefined ? 0 : since + this.graceMs - Date.now();
    if (left > 0) {
      const vm = await this.creates.find(uuid, left);
      if (vm) this.recent.delete(uuid.toLowerCase());
      return vm;
    }
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

  /**
   * An update that a running VM may refuse: when `mutate` lowers sockets or memory, or changes cores
   * per socket (resize.ts), and the VM is ON (`status.resources.power_state`), the VM is powered off
   * through ACPI (`power_state_mechanism.mechanism: "ACPI"`, as terraform-provider-nutanix
   * `resource_nutanix_virtual_machine.go` does), updated with its power OFF, then powered on again; each
   * step waits for its task. Otherwise one update (hot-plug). The power state `mutate` asks for is the
   * one the VM ends in. The caller decides whether the VM may go down (Kubernetes rules).
   */
  async updateVmPowerCycled(
    uuid: string,
    mutate: (spec: VmSpec, metadata: Metadata) => void | Promise<void>,
    options: Omit<UpdateVmOptions, "wait"> & { wait?: WaitOptions } = {},
  ): Promise<PowerCycledUpdate> {
    const vm = await this.getVm(uuid);
    if (!vm) throw new PrismError(`vm ${uuid}: does not exist (nothing to update)`);
    const probe = structuredClone(vm.spec);
    await mutate(probe, structuredClone(vm.metadata));
    const decision = resizeDecision(cpuMemoryOf(vm.spec.resources), cpuMemoryOf(probe.resources));
    const wait = options.wait ?? {};
    const upd = { ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}), wait };
    if (decision.kind !== "power-off" || actualPowerState(vm) !== "ON") {
      return { decision, powerCycled: false, taskUuids: [await this.updateVm(uuid, mutate, upd)] };
    }
    this.log(`prism: vm ${vm.spec.name} (${uuid}) is ON and ${decision.reasons.join(", ")} cannot be hot-plugged: ACPI power off, update, power on`);
    let wanted: VmSpec["resources"]["power_state"] = "ON";
    const off = await this.updateVm(
      uuid,
      (spec) => {
        spec.resources.power_state = "OFF";
        spec.resources.power_state_mechanism = { ...((spec.resources.power_state_mechanism as Record<string, unknown> | undefined) ?? {}), mechanism: "ACPI" };
      },
      upd,
    );
    const powerOn = (): Promise<string> => this.updateVm(uuid, (spec) => void (spec.resources.power_state = "ON"), upd);
    let change: string;
    try {
      change = await this.updateVm(
        uuid,
        async (spec, metadata) => {
          await mutate(spec, metadata);
          wanted = spec.resources.power_state ?? "ON";
          spec.resources.power_state = "OFF";
        },
        upd,
      );
    } catch (e) {
      // The VM was ON and is off now: power it on again (unchanged) before the failure is reported, so a
      // failed update never leaves a node down.
      const message = e instanceof Error ? e.message : String(e);
      try {
        await powerOn();
      } catch (again) {
        throw new PrismError(`${message}; vm ${vm.spec.name} (${uuid}) is left powered off: powering it on again failed too: ${again instanceof Error ? again.message : String(again)}`, { cause: e });
      }
      this.log(`prism: vm ${vm.spec.name} (${uuid}) powered on again, unchanged, after its update failed: ${message}`);
      throw e;
    }
    const tasks = [off, change];
    if (wanted === "ON") tasks.push(await powerOn());
    return { decision, powerCycled: true, taskUuids: tasks };
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
