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
   * The uuids of the VMs named by create_vm_intentful tasks still running (QUEUED/RUNNING). Undefined when this
   * Prism Central cannot list tasks (callers then fall back to GETs). A create that finished between the
   * VM list and this task list is in neither, and its deterministic uuid makes the create POST answer
   * 409 ENTITY_ALREADY_EXISTS, which createVm turns into "found".
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
   * VMs whose create is still running: the uuids named by running create_vm_intentful tasks, limited to `among`
   * when given, each read with one GET. Undefined when tasks cannot be listed. The caller checks
   * ownership and adds what it keeps to the inventory.
   */
  async pendingCreates(among?: ReadonlySet<string>): Promise<VmEntity[] | undefined> {
    const running = await this.runningCreates();
    if (!running) return undefined;
    const inv = await this.inventory();
    const uuids = [...running].filter((u) => !inv.byUuid.has(u) && (among === undefined || among.has(u)));
    const vms = await mapLimit(uuids, 16, (u) => this.client.getVm(u));
    return vms.filter((v): v is VmEntity => v !== null);
  }
}
