/**
 * Prism Central v3 client: basic auth and session cookies, TLS trust, retries with exponential
 * backoff and full jitter, pagination, task polling, lookups, VMs and categories.
 *
 * The parts live in their own modules; this class composes them:
 * - api.ts (one call: auth, session, retries; over transport.ts), retry.ts, session.ts
 * - paging.ts (listAll), tasks.ts (waiting, learned durations), lookups.ts (name → uuid, resolveAll)
 * - vms.ts, categories.ts
 */
import { PrismApi, type CallOptions, type Method } from "./api";
import { Categories } from "./categories";
import type { EntityRefLike, Resolved } from "./entity-match";
import { PrismApiError, PrismError } from "./errors";
import type { GpuRef } from "./gpus";
import { Lookups, type ResolveAllInput, type ResolveAllResult } from "./lookups";
import type { PrismClientOptions } from "./options";
import { MAX_PAGE_LENGTH, collectPages, identityOf } from "./paging";
import { RetryPolicy } from "./retry";
import { emptyStats, type PrismStats } from "./stats";
import { TaskWaiter, type WaitOptions } from "./tasks";
import { parseEndpoint } from "./transport";
import {
  KIND_OF,
  type CategoryKey,
  type CategoryValue,
  type ClusterEntity,
  type HostEntity,
  type ImageEntity,
  type KindEntityMap,
  type ListRequest,
  type ListResponse,
  type ListableKind,
  type Metadata,
  type PrismCentralInfo,
  type ProjectEntity,
  type SubnetEntity,
  type TaskEntity,
  type UserEntity,
  type VmEntity,
  type VmGpu,
  type VmIntentInput,
  type VmSpec,
} from "./types";
import { Vms, type CreateVmResult, type GetVmOptions, type VmReservation, type PowerCycledUpdate, type UpdateVmOptions } from "./vms";
import { recheckFilter } from "./filter-check";
import { loadTaskDurations, saveTaskDurations } from "./task-durations";

export type { RetryOptions } from "./retry";
export type { PrismClientOptions } from "./options";
export type { PrismStats } from "./stats";
export type { WaitOptions } from "./tasks";
export { taskUuidsOf, taskDurationMs } from "./tasks";
export type { EntityRefLike, Resolved } from "./entity-match";
export type { GpuRef } from "./gpus";
export type { ResolveAllInput, ResolveAllResult } from "./lookups";
export type { CreateVmResult, GetVmOptions, VmReservation, PowerCycledUpdate, UpdateVmOptions } from "./vms";
export { clientIdentifierFor, reservationUsable, RESERVED_UUID_PLACEHOLDER, type IdempotenceReservation } from "./idempotent-create";
export { resizeDecision, cpuMemoryOf, type ResizeDecision, type CpuMemory } from "./resize";
export { systemDiskOf, systemDiskIndex, actualPowerState, isErrorEntity } from "./vm-read";
export { recheckFilter } from "./filter-check";

const enc = encodeURIComponent;

export class PrismClient {
  readonly endpoint: URL;
  readonly stats: PrismStats = emptyStats();
  private readonly opts: PrismClientOptions;
  private readonly api: PrismApi;
  private readonly tasks: TaskWaiter;
  private readonly lookups: Lookups;
  private readonly vms: Vms;
  private readonly categories: Categories;

  constructor(options: PrismClientOptions) {
    this.opts = options;
    this.endpoint = parseEndpoint(options.endpoint);
    if (!options.username) throw new PrismError("username: expected a non-empty user name");
    if (typeof options.password !== "string") throw new PrismError("password: expected a string");
    const log = options.logger ?? (() => undefined);
    const retry = new RetryPolicy(options.retries, options.random ?? Math.random, (line) => {
      this.stats.retries++;
      log(line);
    });
    const durationsFile = options.taskDurationsFile;
    const origin = this.endpoint.origin;
    this.tasks = new TaskWaiter((uuid) => this.getTask(uuid), {
      log,
      ...(durationsFile !== undefined
        ? {
            initial: loadTaskDurations(durationsFile, origin),
            onLearned: (d) => {
              const err = saveTaskDurations(durationsFile, origin, d);
              if (err) log(`prism: cannot write the task durations cache ${durationsFile}: ${err.message}`);
            },
          }
        : {}),
    });
    this.api = new PrismApi(this.endpoint, options, {
      stats: this.stats,
      retry,
      log,
      onWriteAnswer: (method, path, sentAt, answer) => this.tasks.noteTaskOrigin(method, path, sentAt, answer),
    });
    this.lookups = new Lookups(this);
    this.vms = new Vms(this, retry, log, {
      reservationMinutes: options.reservationMinutes ?? 60,
      visibilityGraceMs: options.visibilityGraceMs ?? 3000,
    });
    this.categories = new Categories((method, path, body, opts) => this.call(method, path, body, opts));
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.api.close();
  }

  // ------------------------------------------------------------------ core and auth

  /**
   * One API call with retries. `path` is relative to /api/nutanix/v3. The body is serialized anew on
   * every attempt (a retried request must carry its body again: nutanix-cloud-native/cluster-api-provider-nutanix issue #722).
   */
  call<T>(method: Method, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
    return this.api.call<T>(method, path, body, opts);
  }

  /** GET /users/me with basic auth, keeps the session cookies; later calls send only the cookies. Returns the user name. */
  login(): Promise<string> {
    return this.api.login();
  }

  /** Drops the session cookies; later calls use basic auth. */
  logout(): void {
    this.api.logout();
  }

  /** True when the client holds session cookies. */
  get hasSession(): boolean {
    return this.api.hasSession;
  }

  /**
   * GET /users/me; returns the user name. Throws PrismAuthError on bad credentials. With sessions on
   * (the default) this is the one login of the client: later calls send the session cookie.
   */
  async checkAuth(): Promise<string> {
    if (this.opts.session !== false && !this.api.hasSession) {
      try {
        return await this.api.login();
      } catch (e) {
        // A server that will not open a session (an API error answer) is asked again with basic auth.
        if (!(e instanceof PrismApiError)) throw e;
      }
    }
    const user = await this.call<UserEntity>("GET", "/users/me");
    return user.status?.name ?? user.status?.resources?.display_name ?? this.opts.username;
  }

  /** GET /prism_central (no envelope). */
  async getPrismCentral(): Promise<PrismCentralInfo> {
    return this.call<PrismCentralInfo>("GET", "/prism_central");
  }

  // ------------------------------------------------------------------ lists

  /** One page: POST /{kind}/list. */
  async listPage<K extends ListableKind>(kind: K, body: ListRequest = {}): Promise<ListResponse<KindEntityMap[K]>> {
    return this.call<ListResponse<KindEntityMap[K]>>("POST", `/${kind}/list`, { kind: KIND_OF[kind], ...body });
  }

  /**
   * Every entity of a kind, paging with offset/length until total_matches. Stops also on an empty
   * page or a page of only already-seen entities (a server that ignores offset), and on a short page
   * when total_matches is missing. A page shorter than asked is not the end when total_matches says
   * more remain (servers cap length at 500 silently: nutanix/terraform-provider-nutanix issue #255).
   */
  async listAll<K extends ListableKind>(kind: K, options: { filter?: string; pageSize?: number } = {}): Promise<Array<KindEntityMap[K]>> {
    const pageSize = Math.min(MAX_PAGE_LENGTH, Math.max(1, options.pageSize ?? MAX_PAGE_LENGTH));
    const all = await collectPages(
      (offset) => {
        const body: ListRequest = { length: pageSize, offset };
        if (options.filter !== undefined) body.filter = options.filter;
        return this.listPage(kind, body);
      },
      pageSize,
      identityOf,
    );
    // Filters are loose on real PCs (TF #542): re-check what the server returned.
    return recheckFilter(options.filter, all);
  }

  /** Forgets the lookup cache (one kind, or all). */
  invalidateCache(kind?: ListableKind): void {
    this.lookups.invalidate(kind);
    if (!kind || kind === "categories") this.categories.forget();
  }

  // ------------------------------------------------------------------ tasks

  async getTask(uuid: string): Promise<TaskEntity> {
    return this.call<TaskEntity>("GET", `/tasks/${enc(uuid)}`);
  }

  /**
   * Waits for a task: sleeps first, then polls. PrismTaskError on FAILED/ABORTED/INVALID_UUID;
   * PrismTimeoutError at the deadline.
   *
   * The client learns, per `operation_type`, the shortest duration of the tasks it saw succeed,
   * measured on the server's clock (`completion_time_usecs − creation_time_usecs`, or the RFC 3339
   * times), so client/server clock skew does not matter. When the task's type is known (from the
   * request that created it, or after a first poll) and a duration was learned, the first poll is sent
   * that long after the request that created the task was sent (or after the wait began, when this
   * client did not send it), and later polls follow a short backoff (25 ms × 1.5, capped by
   * `maxDelayMs`). With nothing learned, the first poll comes after `initialDelayMs` and the delay
   * grows × 1.6 up to `maxDelayMs`.
   */
  waitForTask(uuid: string, options: WaitOptions = {}): Promise<TaskEntity> {
    return this.tasks.wait(uuid, options);
  }

  /** The shortest duration (ms, server clock) of the tasks of each operation type seen succeed. */
  get learnedTaskDurations(): ReadonlyMap<string, number> {
    return this.tasks.learnedDurations;
  }

  /** Waits for several tasks; the first failure rejects. */
  async waitForTasks(uuids: string | string[], options: WaitOptions = {}): Promise<TaskEntity[]> {
    const list = typeof uuids === "string" ? [uuids] : uuids;
    return Promise.all(list.map((u) => this.waitForTask(u, options)));
  }

  // ------------------------------------------------------------------ lookups

  /**
   * Every host: ONE `POST /hosts/list`, no paging — hosts/list does not paginate and returns every host
   * (reference §3; CAPX GetGPUsForPE relies on that).
   */
  async listHosts(): Promise<HostEntity[]> {
    const res = await this.call<ListResponse<HostEntity>>("POST", "/hosts/list", { kind: "host" });
    return res.entities ?? [];
  }

  /**
   * GPUs by name (case-insensitive) or device id among the hosts of a PE cluster, as CAPX does
   * (`hosts/list` → `status.resources.gpu_list`), giving the `gpu_list` items `{vendor, mode, device_id}`
   * a VM spec needs. Hosts are listed once per client. Throws one PrismLookupError listing every miss,
   * with the GPUs that PE has.
   */
  resolveGpus(peClusterUuid: string, gpus: GpuRef[], peName?: string): Promise<VmGpu[]> {
    return this.lookups.resolveGpus(peClusterUuid, gpus, peName);
  }

  /** A Prism Element cluster by name (case-insensitive, exact) or uuid; only clusters whose service_list has AOS. */
  resolveCluster(ref: EntityRefLike): Promise<Resolved<ClusterEntity>> {
    return this.lookups.resolveCluster(ref);
  }

  /** A subnet; with a PE uuid, a VLAN subnet counts only on that PE and an OVERLAY subnet on any (as CAPX). */
  resolveSubnet(ref: EntityRefLike, peClusterUuid?: string): Promise<Resolved<SubnetEntity>> {
    return this.lookups.resolveSubnet(ref, peClusterUuid);
  }

  resolveImage(ref: EntityRefLike): Promise<Resolved<ImageEntity>> {
    return this.lookups.resolveImage(ref);
  }

  /** Resolves everything and throws one PrismLookupError listing every missing or ambiguous reference. */
  resolveAll(input: ResolveAllInput): Promise<ResolveAllResult> {
    return this.lookups.resolveAll(input);
  }

  // ------------------------------------------------------------------ VMs

  /**
   * Creates the VM of a slot exactly once, safe to call again after a crash at any point: reserves a
   * uuid for `slotKey` through `POST /idempotence_identifiers` (or finds the earlier reservation),
   * reads that uuid to find out whether an earlier POST was accepted, and only then POSTs with
   * `metadata.uuid` = the reserved uuid. A POST is never repeated before the uuid was read. See
   * idempotent-create.ts for the sources and the choice of reservations over name lookups.
   */
  createVmIdempotent(slotKey: string, body: VmIntentInput, reserved?: VmReservation): Promise<CreateVmResult> {
    return this.vms.createVmIdempotent(slotKey, body, reserved);
  }

  /**
   * The reservation of a slot alone (GET, and POST when there is none): what createVmIdempotent does
   * first. Taken ahead, outside a write permit, and passed to createVm / createVmIdempotent, it keeps
   * the reservation round trips out of the permit (issue 12 item 8).
   */
  reserveVm(slotKey: string): Promise<VmReservation> {
    return this.vms.reserveVm(slotKey);
  }

  /**
   * createVmIdempotent with the caller's `metadata.uuid` as the slot key (random when absent). The VM
   * gets the reserved uuid (`result.uuid`), not the one in the body.
   */
  createVm(body: VmIntentInput, reserved?: VmReservation): Promise<CreateVmResult> {
    return this.vms.createVm(body, reserved);
  }

  /**
   * An update that may need the VM off: a lower socket count or memory, or another cores-per-socket,
   * on a running VM powers it off through ACPI, updates, and powers it on (see resize.ts); increases
   * hot-plug. Waits for every task.
   */
  updateVmPowerCycled(
    uuid: string,
    mutate: (spec: VmSpec, metadata: Metadata) => void | Promise<void>,
    options: Omit<UpdateVmOptions, "wait"> & { wait?: WaitOptions } = {},
  ): Promise<PowerCycledUpdate> {
    return this.vms.updateVmPowerCycled(uuid, mutate, options);
  }

  /**
   * GET /vms/{uuid}; null when the VM does not exist (404 ENTITY_NOT_FOUND). A VM in state ERROR is
   * returned. `options.beingCreated`: the caller knows a create of this uuid was accepted (a running
   * create task names it), so a 404 is read again through the window in which a real PC answers 404 for
   * a just-accepted VM (`visibilityGraceMs`).
   */
  getVm(uuid: string, options: GetVmOptions = {}): Promise<VmEntity | null> {
    return this.vms.getVm(uuid, options);
  }

  /** A project by name (case-insensitive, exact) or uuid, through `POST /projects/list`. */
  resolveProject(ref: EntityRefLike): Promise<Resolved<ProjectEntity>> {
    return this.lookups.resolveProject(ref);
  }

  /** Every VM, optionally with a FIQL filter such as `vm_name==web-1` (re-checked on the client). */
  listVms(filter?: string): Promise<VmEntity[]> {
    return this.vms.listVms(filter);
  }

  /**
   * Read-modify-write: GET, drop status, let `mutate` edit spec (and metadata), PUT with the same
   * metadata (spec_version). On an edit conflict (409, or with `wait` a task failing with one) re-read
   * and retry, at most `maxAttempts` times. Returns the update task uuid.
   */
  updateVm(uuid: string, mutate: (spec: VmSpec, metadata: Metadata) => void | Promise<void>, options: UpdateVmOptions = {}): Promise<string> {
    return this.vms.updateVm(uuid, mutate, options);
  }

  /** DELETE /vms/{uuid}; returns the task uuid, or null when the VM was already gone (404). */
  deleteVm(uuid: string): Promise<string | null> {
    return this.vms.deleteVm(uuid);
  }

  // ------------------------------------------------------------------ categories

  getCategoryKey(key: string): Promise<CategoryKey | null> {
    return this.categories.getCategoryKey(key);
  }

  getCategoryValue(key: string, value: string): Promise<CategoryValue | null> {
    return this.categories.getCategoryValue(key, value);
  }

  /** PUT a category key (create or update; idempotent). */
  putCategoryKey(key: string, description?: string): Promise<void> {
    return this.categories.putCategoryKey(key, description);
  }

  /** PUT a category value (create or update; idempotent). The key must exist. */
  putCategoryValue(key: string, value: string, description?: string): Promise<void> {
    return this.categories.putCategoryValue(key, value, description);
  }

  /** GET the key; PUT it when missing. Returns true when it was created. Cached per client. */
  ensureCategoryKey(key: string, description?: string): Promise<boolean> {
    return this.categories.ensureCategoryKey(key, description);
  }

  /** Ensures the key, then GET the value and PUT it when missing. Returns true when the value was created. */
  ensureCategoryValue(key: string, value: string, description?: string): Promise<boolean> {
    return this.categories.ensureCategoryValue(key, value, description);
  }

  /** Every value of a category key (`POST /categories/{key}/list`, paged). Throws on a missing key. */
  listCategoryValues(key: string): Promise<CategoryValue[]> {
    return this.categories.listCategoryValues(key);
  }

  /** The value names of a category key (paged list), or null when the key does not exist. */
  categoryValueNames(key: string): Promise<string[] | null> {
    return this.categories.categoryValueNames(key);
  }

  /** DELETE a category value; false when it did not exist. */
  deleteCategoryValue(key: string, value: string): Promise<boolean> {
    return this.categories.deleteCategoryValue(key, value);
  }

  /** DELETE a category key (its values must be deleted first); false when it did not exist. */
  deleteCategoryKey(key: string): Promise<boolean> {
    return this.categories.deleteCategoryKey(key);
  }

  // ------------------------------------------------------------------ other single reads

  async getCluster(uuid: string): Promise<ClusterEntity> {
    return this.call<ClusterEntity>("GET", `/clusters/${enc(uuid)}`);
  }

  async getSubnet(uuid: string): Promise<SubnetEntity> {
    return this.call<SubnetEntity>("GET", `/subnets/${enc(uuid)}`);
  }

  async getImage(uuid: string): Promise<ImageEntity> {
    return this.call<ImageEntity>("GET", `/images/${enc(uuid)}`);
  }
}
