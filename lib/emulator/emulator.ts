/**
 * The emulator's running core, shared by the request pipeline, the routes and the admin paths: the
 * state and the mutex that guards it, group commit, faults, authentication, counters and task creation.
 */
import { randomUUID } from "node:crypto";
import { Auth, type EmulatorUser } from "./auth";
import { emptyCounters, type Counters } from "./counters";
import type { Faults } from "./faults";
import { KubeSide } from "./kube-side";
import { GroupCommit } from "./group-commit";
import { settle, vmCreated } from "./lifecycle";
import type { EmulatorState, StoredTask } from "./state";
import { Mutex } from "./util";

export interface EmulatorSettings {
  statePath?: string | undefined;
  taskMs: number;
  /** Task duration per operation type (e.g. create_vm_intentful), overriding `taskMs`. @default {} */
  taskMsByOperation?: Readonly<Record<string, number>>;
  users: EmulatorUser[];
  /** Accept PUTs with a stale or missing spec_version (as pc.2024.3 did). */
  lenientVersions: boolean;
  /** A `metadata.uuid` not reserved through /idempotence_identifiers gets 202 and a failed task (pc ≥ 2022.1). */
  requireReservedUuids: boolean;
  /** A new VM's GET answers 404 while its create task is QUEUED. */
  notFoundAfterCreate: boolean;
  /** Refuse, through a failed task, a PUT that hot-removes CPU or memory or changes cores per socket on a running VM. */
  refuseHotRemove: boolean;
  /** `clusters/list` ignores its `filter` (terraform-provider-nutanix issue #542). */
  looseFilters: boolean;
  /** A VM whose create task fails stays, in state ERROR, instead of going away. */
  keepFailedCreates?: boolean;
  /** Put the guest-customization CD-ROM before the disks sent instead of after them (a real PC's order is not guaranteed). */
  cdromFirst?: boolean;
  /** Refuse (through the task) a VM asking for more GPUs of a device id than its PE has UNUSED. */
  gpuCapacity: boolean;
  log: (line: string) => void;
  https: boolean;
  /** `--node-ready-ms`. @default 0 */
  nodeReadyMs?: number;
  /** `--nodes-never-ready`. @default false */
  nodesNeverReady?: boolean;
}

export class Emulator {
  state: EmulatorState;
  readonly faults: Faults;
  readonly mutex = new Mutex();
  readonly auth: Auth;
  readonly commit: GroupCommit;
  counters: Counters = emptyCounters();
  /** Origin the emulator is reachable at (set once listening). */
  baseUrl = "";
  /** "Now" of the request being run (set under the mutex, before settling). */
  now = Date.now();
  /** The clusters' Kubernetes side (kube-side.ts). */
  readonly kube: KubeSide;

  constructor(
    state: EmulatorState,
    readonly opts: EmulatorSettings,
    faults: Faults,
  ) {
    this.state = state;
    this.faults = faults;
    this.auth = new Auth(opts.users);
    this.commit = new GroupCommit(opts.statePath, () => JSON.stringify(this.state));
    this.kube = new KubeSide({ nodeReadyMs: opts.nodeReadyMs ?? 0, nodesNeverReady: opts.nodesNeverReady ?? false, log: opts.log, beforeApiRequest: () => this.syncKube() });
  }

  private kubeSyncDue = false;

  /** Settles finished tasks, then lets the Kubernetes side see VMs that booted or went away. */
  settleAll(now: number): void {
    settle(this.state, now);
    this.syncKube(now);
  }

  /**
   * Settles finished tasks for a Prism Central answer; the Kubernetes side sees the VMs that booted right
   * after (next macrotask), or before its API or the admin API answers, whichever comes first. Booting 50
   * nodes (their cloud-init parsed, their joins checked) is emulator work a real Prism Central never does:
   * it no longer holds back the task polls that made them boot.
   */
  settleForPrism(now: number): void {
    settle(this.state, now);
    if (this.kubeSyncDue) return;
    this.kubeSyncDue = true;
    setImmediate(() => {
      if (this.kubeSyncDue) this.syncKube();
    });
  }

  /** Lets the Kubernetes side see VMs that booted or went away (as of `now`). */
  syncKube(now: number = Date.now()): void {
    this.kubeSyncDue = false;
    this.kube.sync(this.state, now, (uuid) => {
      const vm = this.state.vms[uuid];
      return vm !== undefined && vmCreated(this.state, vm, now);
    });
  }

  newTask(operation: string, entity: StoredTask["entity"], clusterUuid: string | undefined, forcedFail?: StoredTask["fail"]): StoredTask {
    const t: StoredTask = { uuid: randomUUID(), operation, entity, createdAt: Date.now(), durationMs: this.opts.taskMsByOperation?.[operation] ?? this.opts.taskMs };
    if (clusterUuid) t.clusterUuid = clusterUuid;
    if (forcedFail) t.fail = forcedFail;
    else if (this.faults.taskShouldFail()) {
      t.fail = { detail: "INTERNAL_ERROR: ErrorCode: 9", code: "9" };
      this.counters.faults.taskFailed++;
    }
    this.state.tasks[t.uuid] = t;
    return t;
  }
}
