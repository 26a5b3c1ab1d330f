/**
 * The state of one handler run: the plan, the client, the shared write semaphore, the one VM inventory
 * of the run (a single paged list), cached lookups and category creation.
 */
import type { PrismClient, Resolved } from "../prism/client";
import type { ClusterEntity, ImageEntity, SubnetEntity, VmEntity } from "../prism/types";
import type { EntityRef } from "../schema/refs";
import type { Plan, PlanResource, ResourceKind, ResourceOfKind } from "../schema/plan";
import { CATEGORY_DESCRIPTION, ownedByResource, ownedByStack } from "./ownership";
import type { Progress } from "./progress";
import { Semaphore, mapLimit } from "./scheduler";
import type { Credentials } from "./target";
import { DEFAULT_ENDPOINT_POLL, DEFAULT_ENDPOINT_TIMEOUT_S, detectEmulator, type AdminTarget, type EndpointPoll, type EndpointReadinessMode } from "./endpoints";

/** Opt-in behaviours of a run (flags of apply/destroy) and where local files go. */
export interface RunFeatures {
  /** `--wait-endpoints`: the NutanixCluster reconciler waits until the kube-vip address answers. */
  waitEndpoints: boolean;
  /** `--endpoint-timeout` (in ms here). */
  endpointTimeoutMs: number;
  /** `--endpoint-readiness`. */
  endpointReadiness: EndpointReadinessMode;
  endpointPoll: EndpointPoll;
  /** `--check-reachability`: the PCG reconciler probes Palette and Prism Central. */
  checkReachability: boolean;
  /** `--allow-external-probes`: let the probe dial non-loopback addresses (never against the emulator). */
  allowExternalProbes: boolean;
  /** Per-target timeout of the reachability probe. */
  probeTimeoutMs: number;
  /** Base directory of local output: PCG bundles go to `<outputDir>/pcg/<pcg name>/`. Undefined: not written. */
  outputDir?: string;
  /** The target, for the emulator's admin paths. */
  target: AdminTarget;
}

/** Features with everything off. */
export function defaultFeatures(target: AdminTarget): RunFeatures {
  return {
    waitEndpoints: false,
    endpointTimeoutMs: DEFAULT_ENDPOINT_TIMEOUT_S * 1000,
    endpointReadiness: "auto",
    endpointPoll: DEFAULT_ENDPOINT_POLL,
    checkReachability: false,
    allowExternalProbes: false,
    probeTimeoutMs: 5000,
    target,
  };
}

/** Task polling: short first delay, backoff to a cap. */
export interface PollOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_POLL: PollOptions = { initialDelayMs: 100, maxDelayMs: 1500, timeoutMs: 30 * 60_000 };

/** The VMs of Prism Central as listed once per run. */
export class Inventory {
  readonly byUuid = new Map<string, VmEntity>();
  constructor(readonly all: VmEntity[]) {
    for (const vm of all) if (vm.metadata.uuid) this.byUuid.set(vm.metadata.uuid, vm);
  }

  /** VMs with this exact name (owned or not). */
  named(name: string): VmEntity[] {
    return this.all.filter((v) => (v.spec?.name ?? v.status?.name) === name);
  }

  ownedByResource(stack: string, resourceId: string): VmEntity[] {
    return this.all.filter((v) => ownedByResource(v, stack, resourceId));
  }

  ownedByStack(stack: string): VmEntity[] {
    return this.all.filter((v) => ownedByStack(v, stack));
  }

  /** Adds a VM found by GET (a create still running is not listed). */
  add(vm: VmEntity): void {
    const u = vm.metadata.uuid;
    if (!u || this.byUuid.has(u)) return;
    this.byUuid.set(u, vm);
    this.all.push(vm);
  }
}

/** FIQL filter of the VM_CREATE tasks still running (QUEUED or RUNNING). */
export const RUNNING_CREATES_FILTER = "operation_type==create_vm_intentful;status==QUEUED,operation_type==create_vm_intentful;status==RUNNING";

/** Name of a VM entity. */
export function nameOf(vm: VmEntity): string {
  return vm.spec?.name ?? vm.status?.name ?? "";
}

/** True when the VM is being deleted. */
export function isDeleting(vm: VmEntity): boolean {
  return vm.status?.state === "DELETE_PENDING" || vm.status?.state === "DELETE_IN_PROGRESS";
}

export interface RunContextInit {
  plan: Plan;
  client: PrismClient;
  credentials: Credentials;
  env: NodeJS.ProcessEnv;
  parallelism: number;
  progress: Progress;
  poll?: Partial<PollOptions>;
  /** False for `plan`: no writes allowed. */
  writable: boolean;
  features?: RunFeatures;
}

export class RunContext {
  readonly plan: Plan;
  readonly stack: string;
  readonly client: PrismClient;
  readonly credentials: Credentials;
  readonly env: NodeJS.ProcessEnv;
  readonly writes: Semaphore;
  readonly progress: Progress;
  readonly poll: PollOptions;
  readonly writable: boolean;
  readonly features: RunFeatures;
  /** Resources applied successfully in this run (readiness of a cluster counts them as ready). */
  readonly applied = new Set<string>();
  private inventoryPromise: Promise<Inventory> | undefined;
  /** key → values present (listed once per run), null when the key is missing. */
  private readonly listedCategories = new Map<string, Promise<Set<string> | null>>();
  /** key → its values once the key exists (created by this run if it was missing). */
  private readonly readyKeys = new Map<string, Promise<Set<string>>>();
  /** "key\0value" → the PUT of a missing value. */
  private readonly categoryPuts = new Map<string, Promise<void>>();
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(init: RunContextInit) {
    this.plan = init.plan;
    this.stack = init.plan.metadata.stack;
    this.client = init.client;
    this.credentials = init.credentials;
    this.env = init.env;
    this.writes = new Semaphore(init.parallelism);
    this.progress = init.progress;
    this.poll = { ...DEFAULT_POLL, ...(init.poll ?? {}) };
    this.writable = init.writable;
    this.features = init.features ?? defaultFeatures({ endpoint: init.client.endpoint.toString(), credentials: init.credentials, insecure: false });
  }

  /** Whether the target is the Prism Central emulator (asked once per run, only when a feature needs it). */
  isEmulator(): Promise<boolean> {
    return this.once("is-emulator", () => detectEmulator(this.features.target));
  }

  /** A plan resource by id. */
  resource(id: string): PlanResource | undefined {
    return this.plan.resources.find((r) => r.id === id);
  }

  /** A plan resource by id and kind, or an error naming what is missing. */
  resourceOfKind<K extends ResourceKind>(id: string, kind: K, from: string): ResourceOfKind<K> {
    const r = this.resource(id);
    if (!r || r.kind !== kind) throw new Error(`${from} refers to ${kind} ${id}, which is not in the plan`);
    return r as ResourceOfKind<K>;
  }

  /** The one VM list of this run (pages of 500). */
  inventory(): Promise<Inventory> {
    this.inventoryPromise ??= this.client.listAll("vms", { pageSize: 500 }).then((all) => new Inventory(all));
    return this.inventoryPromise;
  }

  /**
   * The uuids of the VMs named by VM_CREATE tasks still running (QUEUED/RUNNING): ONE paged
   * `POST /tasks/list` per run, shared by every pool and by destroy. Undefined when this Prism Central
   * cannot list tasks (callers then fall back to GETs). A create still running is not in the VM list;
   * one that finished between the VM list and this task list is in neither, and its deterministic uuid
   * makes the create POST answer 409 ENTITY_ALREADY_EXISTS, which createVm turns into "found".
   */
  runningCreates(): Promise<ReadonlySet<string> | undefined> {
    return this.once("running-creates", async () => {
      try {
        const tasks = await this.client.listAll("tasks", { filter: RUNNING_CREATES_FILTER });
        return new Set(tasks.flatMap((t) => (t.entity_reference_list ?? []).filter((r) => r.kind === "vm" && typeof r.uuid === "string").map((r) => r.uuid)));
      } catch {
        return undefined;
      }
    });
  }

  /**
   * VMs whose create is still running and that the run's VM list therefore lacks: the uuids named by
   * running VM_CREATE tasks (`runningCreates`), limited to `among` when given, each read with one GET.
   * Undefined when tasks cannot be listed. The caller checks ownership and adds what it keeps to the
   * inventory.
   */
  async pendingCreates(among?: ReadonlySet<string>): Promise<VmEntity[] | undefined> {
    const running = await this.runningCreates();
    if (!running) return undefined;
    const inv = await this.inventory();
    const uuids = [...running].filter((u) => !inv.byUuid.has(u) && (among === undefined || among.has(u)));
    const vms = await mapLimit(uuids, 16, (u) => this.client.getVm(u));
    return vms.filter((v): v is VmEntity => v !== null);
  }

  /** Memoizes an async computation for the run. */
  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memo.set(key, p);
    }
    return p;
  }

  resolveCluster(ref: EntityRef): Promise<Resolved<ClusterEntity>> {
    return this.once(`cluster:${JSON.stringify(ref)}`, () => this.client.resolveCluster(ref));
  }

  resolveSubnet(ref: EntityRef, peUuid?: string): Promise<Resolved<SubnetEntity>> {
    return this.once(`subnet:${JSON.stringify(ref)}:${peUuid ?? ""}`, () => this.client.resolveSubnet(ref, peUuid));
  }

  resolveImage(ref: EntityRef): Promise<Resolved<ImageEntity>> {
    return this.once(`image:${JSON.stringify(ref)}`, () => this.client.resolveImage(ref));
  }

  /**
   * The values of a category key as listed once per run (`POST /categories/{key}/list`, paged; a read),
   * plus the values this run has created since; null when the key does not exist. Sets are shared: the
   * ensure methods add what they PUT.
   */
  categoryValues(key: string): Promise<Set<string> | null> {
    let p = this.listedCategories.get(key);
    if (!p) {
      p = this.client.categoryValueNames(key).then((vs) => (vs === null ? null : new Set(vs)));
      p.catch(() => this.listedCategories.delete(key));
      this.listedCategories.set(key, p);
    }
    return p;
  }

  /** Whether a category value exists (from the run's list of its key; a read). */
  async hasCategoryValue(key: string, value: string): Promise<boolean> {
    return (await this.categoryValues(key))?.has(value) ?? false;
  }

  /** Starts listing the values of these keys (reads), so a later ensureCategories finds them listed. */
  prefetchCategories(keys: Iterable<string>): void {
    for (const k of keys) this.categoryValues(k).catch(() => undefined);
  }

  /** The values of a key, the key created (PUT) first when it is missing; once per run. */
  private keyValues(key: string): Promise<Set<string>> {
    let p = this.readyKeys.get(key);
    if (!p) {
      p = (async () => {
        const listed = await this.categoryValues(key);
        if (listed) return listed;
        await this.client.putCategoryKey(key, CATEGORY_DESCRIPTION);
        const created = new Set<string>();
        this.listedCategories.set(key, Promise.resolve(created));
        return created;
      })();
      p.catch(() => this.readyKeys.delete(key));
      this.readyKeys.set(key, p);
    }
    return p;
  }

  /** Ensures a category key and value exist. */
  ensureCategory(key: string, value: string): Promise<void> {
    return this.ensureCategories({ [key]: value });
  }

  /**
   * Ensures every key/value of a category map, in one parallel batch: each key's values are listed once
   * per run, and only the missing keys and values are PUT (each at most once per run, shared by every
   * caller). A re-apply with everything present writes nothing.
   */
  async ensureCategories(categories: Record<string, string>): Promise<void> {
    await Promise.all(
      Object.entries(categories).map(async ([key, value]) => {
        const values = await this.keyValues(key);
        if (values.has(value)) return;
        const id = `${key}\u0000${value}`;
        let p = this.categoryPuts.get(id);
        if (!p) {
          p = this.client.putCategoryValue(key, value, CATEGORY_DESCRIPTION).then(() => {
            values.add(value);
          });
          p.catch(() => this.categoryPuts.delete(id));
          this.categoryPuts.set(id, p);
        }
        await p;
      }),
    );
  }

  /** Waits for a task with this run's polling settings. */
  async waitTask(taskUuid: string): Promise<void> {
    if (!taskUuid) return;
    await this.client.waitForTask(taskUuid, { initialDelayMs: this.poll.initialDelayMs, maxDelayMs: this.poll.maxDelayMs, timeoutMs: this.poll.timeoutMs });
  }

  /** Deletes a VM and waits for the task, holding one write permit. Returns false when it was already gone. */
  async deleteVmAndWait(uuid: string): Promise<boolean> {
    return this.writes.run(async () => {
      const task = await this.client.deleteVm(uuid);
      if (task === null) return false;
      await this.waitTask(task);
      return true;
    });
  }
}
