/**
 * Creates still running, which the run's VM list therefore lacks: ONE paged `POST /tasks/list` of the
 * running create_vm_intentful tasks per run, shared by every pool and by destroy.
 */
import type { PrismClient } from "../../prism/client";
import type { VmEntity } from "../../prism/types";
import { mapLimit } from "../scheduler";
import type { RunCache } from "./cache";
import type { Inventory } from "./inventory";

/** FIQL filter of the create_vm_intentful tasks still running (QUEUED or RUNNING). */
export const RUNNING_CREATES_FILTER = "operation_type==create_vm_intentful;status==QUEUED,operation_type==create_vm_intentful;status==RUNNING";

export class RunningTasks {
  constructor(
    private readonly cache: RunCache,
    private readonly client: PrismClient,
    private readonly inventory: () => Promise<Inventory>,
  ) {}

  /**
   * The uuids of the VMs named by create_vm_intentful tasks still running (QUEUED/RUNNING; the filter is
   * re-checked on this side by listAll, as every list's: prism/filter-check.ts). Undefined when this
   * Prism Central cannot list tasks. A hint only (`/tasks/list` is internal in the v3 swagger): an empty
   * or missing answer means "unknown", not "nothing running". Every expected VM is still read before it is
   * created, through its slot's reservation (prism/idempotent-create.ts), so a create missed here is found
   * there and never made twice.
   */
  runningCreates(): Promise<ReadonlySet<string> | undefined> {
    return this.cache.once("running-creates", async () => {
      try {
        const tasks = await this.client.listAll("tasks", { filter: RUNNING_CREATES_FILTER });
        return new Set(tasks.flatMap((t) => (t.entity_reference_list ?? []).filter((r) => r.kind === "vm" && typeof r.uuid === "string").map((r) => r.uuid)));
      } catch {
        return undefined;
      }
    });
  }

  /**
   * VMs whose create is still running and that the run's VM list lacks: the uuids named by running
   * create_vm_intentful tasks, each read with one GET, once per run (shared by every pool and by destroy).
   * Undefined when tasks cannot be listed. Callers check ownership and add what they keep to the inventory.
   */
  pendingCreates(): Promise<readonly VmEntity[] | undefined> {
    return this.cache.once("pending-creates", async () => {
      const running = await this.runningCreates();
      if (!running) return undefined;
      const inv = await this.inventory();
      const vms = await mapLimit([...running].filter((u) => !inv.byUuid.has(u)), 16, (u) => this.client.getVm(u, { beingCreated: true }));
      return vms.filter((v): v is VmEntity => v !== null);
    });
  }
}
