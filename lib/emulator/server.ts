/**
 * The Prism Central v3 emulator: a real HTTP(S) server with the v3 paths, envelopes, lists, tasks,
 * categories and error bodies of the reference, state persisted atomically (group commit) before each
 * write is acknowledged, and fault injection. Admin paths live under /_emulator (same basic auth, no faults).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { Faults, FaultPatch, splitFaultRate, type FaultConfig, type FaultDecision } from "./faults";
import { matchFiql, parseFiql } from "./fiql";
import {
  API_VERSION,
  allocateIp,
  renderClusters,
  renderHost,
  renderImage,
  renderSubnet,
  renderTask,
  renderUser,
  renderVm,
  renderVmAccepted,
  settle,
  vmCreated,
} from "./model";
import { loadDefaultSeed, loadSeedFile, parseSeed, stateFromSeed, type SeedInput } from "./seed";
import { readStateFile, writeFileAtomic, type EmulatorState, type JsonObject, type StoredNic, type StoredTask, type StoredVm, type StoredVmMetadata } from "./state";
import { Mutex, UUID_RE, deterministicUuid, isoTime, macFor, sleep } from "./util";

export interface EmulatorUser {
  username: string;
  password: string;
}

export interface EmulatorOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 = ephemeral. @default 0 */
  port?: number;
  /** JSON state file; loaded when present, else created from the seed. In memory when absent. */
  statePath?: string;
  /** Seed object (validated). Ignored when the state file exists. */
  seed?: SeedInput;
  /** Seed file (JSON). Ignored when the state file exists. Default: lib/emulator/default-seed.json. */
  seedPath?: string;
  /** Serve HTTPS with a self-signed certificate generated at start. */
  https?: boolean;
  /** Directory for the CA file when https; default next to the state file, else a temp directory. */
  caDir?: string;
  latencyMs?: number;
  /** Task duration. @default 200 */
  taskMs?: number;
  /** Fault mix: 500/503 R/2, 429 R/4, resets R/4. */
  faultRate?: number;
  faultSeed?: number;
  /** Fraction of tasks ending FAILED. */
  taskFailureRate?: number;
  /** Any other fault settings. */
  faults?: Partial<FaultConfig>;
  /** @default [{ username: "admin", password: "Nutanix/4u" }] */
  users?: EmulatorUser[];
  /** Accept PUTs with a stale or missing spec_version (recent PCs do). @default false */
  lenientVersions?: boolean;
  requestBudget?: number;
  logger?: (line: string) => void;
}

export interface Counters {
  total: number;
  reads: number;
  writes: number;
  /** "METHOD /template", e.g. "POST /vms", "GET /vms/{uuid}". */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  faults: { "500": number; "503": number; "429": number; reset: number; budget: number; taskFailed: number };
  badRequests: number;
}

export interface RunningEmulator {
  /** Origin, e.g. http://127.0.0.1:40123 (use it as the client endpoint). */
  url: string;
  host: string;
  port: number;
  /** PEM file of the self-signed certificate (its own CA), when https. */
  caFile?: string;
  caPem?: string;
  /** The first configured user. */
  username: string;
  password: string;
  statePath?: string;
  faults: Faults;
  /** A settled deep copy of the state. */
  snapshot(): EmulatorState;
  counters(): Counters;
  stop(): Promise<void>;
}

const API = "/api/nutanix/v3";
const SESSION_COOKIE = "NTNX_IAM_SESSION";
const SESSION_TTL_MS = 15 * 60 * 1000;
const MAX_BODY = 16 * 1024 * 1024;

interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string | string[]>;
  /** The request changed the state (persisted before the answer). */
  wrote?: boolean;
  /** One line for the log (bad requests). */
  note?: string;
}

// ------------------------------------------------------------------ error bodies (§7)

function errorReply(status: number, reason: string, message: string, kind?: string, details?: unknown): Reply {
  const m: JsonObject = { message, reason };
  if (details !== undefined) m.details = details;
  const body: JsonObject = { api_version: API_VERSION, code: status };
  if (kind) body.kind = kind;
  body.state = "ERROR";
  body.message_list = [m];
  return { status, body, note: `${reason}: ${message}` };
}

function notFound(kind: string, id: string): Reply {
  return errorReply(404, "ENTITY_NOT_FOUND", `${kind} : ${id} does not exist.`, kind);
}

function invalid(details: Record<string, string[]>): Reply {
  const r: Reply = {
    status: 422,
    body: {
      api_version: API_VERSION,
      code: 422,
      state: "ERROR",
      message_list: [{ message: "Request could not be processed.", reason: "INVALID_REQUEST", details }],
    },
    note: `INVALID_REQUEST: ${Object.entries(details)
      .map(([k, v]) => `${k || "(body)"}: ${v.join(", ")}`)
      .join("; ")}`,
  };
  return r;
}

function conflict(kind: string): Reply {
  return errorReply(409, "CONCURRENT_REQUESTS_NOT_ALLOWED", "Edit conflict: please retry change.", kind);
}

function internalError(detail: string): Reply {
  // TF #131 shape: no code, no api_version.
  return {
    status: 500,
    body: { state: "ERROR", message_list: [{ message: `error_code: 9\nerror_detail: "${detail}"`, reason: "INTERNAL_ERROR" }] },
    note: `INTERNAL_ERROR: ${detail}`,
  };
}

function zodDetails(err: z.ZodError, prefix = ""): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of err.issues) {
    const key = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
    (out[key] ??= []).push(i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.message);
  }
  return out;
}

// ------------------------------------------------------------------ request schemas

const Ref = z.looseObject({ kind: z.string().optional(), uuid: z.string({ error: "expected a uuid" }), name: z.string().optional() });
const PosInt = (what: string) => z.number({ error: `expected ${what} (an integer ≥ 1)` }).int({ error: `expected ${what} (an integer ≥ 1)` }).min(1, { error: `expected ${what} (an integer ≥ 1)` });

const VmResourcesSchema = z.looseObject({
  power_state: z.enum(["ON", "OFF"], { error: "expected ON or OFF" }).optional(),
  num_sockets: PosInt("num_sockets").optional(),
  num_vcpus_per_socket: PosInt("num_vcpus_per_socket").optional(),
  memory_size_mib: PosInt("memory_size_mib").optional(),
  machine_type: z.enum(["PC", "PSERIES", "Q35"], { error: "expected PC, PSERIES or Q35" }).optional(),
  disk_list: z
    .array(
      z.looseObject({
        uuid: z.string().optional(),
        disk_size_mib: PosInt("disk_size_mib").optional(),
        disk_size_bytes: PosInt("disk_size_bytes").optional(),
        data_source_reference: Ref.optional(),
        device_properties: z
          .looseObject({
            device_type: z.enum(["DISK", "CDROM", "VOLUME_GROUP"], { error: "expected DISK, CDROM or VOLUME_GROUP" }).optional(),
            disk_address: z
              .looseObject({
                adapter_type: z.enum(["SCSI", "IDE", "PCI", "SATA", "SPAPR"], { error: "expected SCSI, IDE, PCI, SATA or SPAPR" }).optional(),
                device_index: z.number().int().min(0).optional(),
              })
              .optional(),
          })
          .optional(),
      }),
      { error: "expected a list of disks" },
    )
    .optional(),
  nic_list: z
    .array(
      z.looseObject({
        uuid: z.string().optional(),
        subnet_reference: Ref,
        ip_endpoint_list: z.array(z.looseObject({ ip: z.string(), type: z.enum(["ASSIGNED"], { error: "only ASSIGNED in a spec" }).optional() })).optional(),
      }),
      { error: "expected a list of NICs" },
    )
    .optional(),
  guest_customization: z
    .looseObject({ cloud_init: z.looseObject({ user_data: z.string().optional(), meta_data: z.string().optional() }).optional() })
    .optional(),
  gpu_list: z
    .array(
      z.looseObject({
        vendor: z.enum(["NVIDIA", "INTEL", "AMD"], { error: "expected NVIDIA, INTEL or AMD" }).optional(),
        mode: z.enum(["PASSTHROUGH_GRAPHICS", "PASSTHROUGH_COMPUTE", "VIRTUAL"], { error: "expected PASSTHROUGH_GRAPHICS, PASSTHROUGH_COMPUTE or VIRTUAL" }).optional(),
        device_id: z.number({ error: "expected a device_id (integer)" }).int({ error: "expected a device_id (integer)" }).min(0).optional(),
      }),
      { error: "expected a list of GPUs" },
    )
    .optional(),
  boot_config: z.looseObject({ boot_type: z.enum(["UEFI", "LEGACY", "SECURE_BOOT"], { error: "expected UEFI, LEGACY or SECURE_BOOT" }).optional() }).optional(),
});

const VmBodySchema = z.looseObject({
  api_version: z.string().optional(),
  metadata: z.looseObject(
    {
      kind: z.literal("vm", { error: 'expected kind "vm"' }),
      uuid: z.string().optional(),
      spec_version: z.number().int().min(0).optional(),
      categories: z.record(z.string(), z.string(), { error: "expected {key: value}" }).optional(),
      categories_mapping: z.record(z.string(), z.array(z.string()), { error: "expected {key: [values]}" }).optional(),
      use_categories_mapping: z.boolean().optional(),
      project_reference: Ref.optional(),
      owner_reference: Ref.optional(),
    },
    { error: "'metadata' is a required property" },
  ),
  spec: z.looseObject(
    {
      name: z.string({ error: "expected a VM name" }).min(1, { error: "expected a non-empty VM name" }).max(256, { error: "expected at most 256 characters" }),
      description: z.string().max(1000).optional(),
      cluster_reference: Ref,
      resources: VmResourcesSchema,
    },
    { error: "'spec' is a required property" },
  ),
});
type VmBody = z.infer<typeof VmBodySchema>;

const ListBodySchema = z.looseObject({
  kind: z.string().optional(),
  filter: z.string().optional(),
  length: z.number().int().min(1, { error: "expected length ≥ 1" }).optional(),
  offset: z.number().int().min(0, { error: "expected offset ≥ 0" }).optional(),
  sort_attribute: z.string().optional(),
  sort_order: z.enum(["ASCENDING", "DESCENDING"], { error: "expected ASCENDING or DESCENDING" }).optional(),
});

const EndpointBody = z.strictObject({
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  ready: z.boolean(),
});

// ------------------------------------------------------------------ the emulator

class Emulator {
  state: EmulatorState;
  readonly faults: Faults;
  readonly mutex = new Mutex();
  readonly sessions = new Map<string, { user: string; expires: number }>();
  counters: Counters = Emulator.emptyCounters();
  baseUrl = "";

  constructor(
    state: EmulatorState,
    readonly opts: {
      statePath?: string;
      taskMs: number;
      users: EmulatorUser[];
      lenientVersions: boolean;
      log: (line: string) => void;
      https: boolean;
    },
    faults: Faults,
  ) {
    this.state = state;
    this.faults = faults;
  }

  static emptyCounters(): Counters {
    return { total: 0, reads: 0, writes: 0, byRoute: {}, byStatus: {}, faults: { "500": 0, "503": 0, "429": 0, reset: 0, budget: 0, taskFailed: 0 }, badRequests: 0 };
  }

  /** Writes the whole state now (start-up). Requests use {@link commit} instead. */
  async persist(): Promise<void> {
    if (this.opts.statePath) await writeFileAtomic(this.opts.statePath, JSON.stringify(this.state));
  }

  // ---------------- group commit
  // Every state change bumps `changed`; a flush serializes the state as it is at that moment (so it
  // holds every change up to `changed` then), writes it atomically, and acknowledges every change it
  // holds. Changes made while a flush runs wait for the next one, which serializes them all at once:
  // N concurrent writes cost one or two file rewrites instead of N, and still no answer leaves before
  // the file that contains its change is on disk.
  private changed = 0;
  private flushed = 0;
  private flushing: Promise<void> | null = null;
  private readonly waiting: Array<{ gen: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  /** How many state files were written (group commits) since start. */
  flushes = 0;

  /** Records a change of the state (call under the mutex, right after the change). */
  markChanged(): void {
    this.changed++;
  }

  /**
   * Resolves once every change made so far is on disk (immediately without a state file or when
   * nothing is pending). Reads wait too, so no answer ever shows a change that a crash could lose.
   */
  durable(): Promise<void> {
    const gen = this.changed;
    if (!this.opts.statePath || this.flushed >= gen) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ gen, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((done) => {
      // One macrotask of grace lets every request already parsed in this turn join the flush.
      setImmediate(() => {
        void this.flushLoop().finally(() => {
          this.flushing = null;
          done();
          if (this.waiting.length > 0) this.scheduleFlush();
        });
      });
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.flushed < this.changed) {
      const gen = this.changed;
      const text = JSON.stringify(this.state);
      try {
        await writeFileAtomic(this.opts.statePath!, text);
        this.flushes++;
        this.flushed = gen;
      } catch (e) {
        // Fail the writers this flush was for; later changes get a fresh attempt.
        const failed = this.waiting.filter((w) => w.gen <= gen);
        this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => w.gen > gen));
        for (const w of failed) w.reject(e);
        return;
      }
      const ready = this.waiting.filter((w) => w.gen <= this.flushed);
      this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => w.gen > this.flushed));
      for (const w of ready) w.resolve();
    }
  }

  /** Resolves when no flush is running or pending. */
  async drainFlushes(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  // ---------------- auth

  authenticate(req: http.IncomingMessage): string | null {
    const h = req.headers.authorization;
    if (h && /^basic /i.test(h)) {
      const dec = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
      const i = dec.indexOf(":");
      if (i > 0) {
        const u = dec.slice(0, i);
        const p = dec.slice(i + 1);
        if (this.opts.users.some((x) => x.username === u && x.password === p)) return u;
      }
      return null;
    }
    const cookie = req.headers.cookie;
    if (cookie) {
      for (const part of cookie.split(";")) {
        const [k, ...rest] = part.trim().split("=");
        if (k === SESSION_COOKIE) {
          const s = this.sessions.get(rest.join("="));
          if (s && s.expires > Date.now()) return s.user;
        }
      }
    }
    return null;
  }

  // ---------------- tasks

  newTask(operation: string, entity: StoredTask["entity"], clusterUuid: string | undefined, forcedFail?: StoredTask["fail"]): StoredTask {
    const t: StoredTask = { uuid: randomUUID(), operation, entity, createdAt: Date.now(), durationMs: this.opts.taskMs };
    if (clusterUuid) t.clusterUuid = clusterUuid;
    if (forcedFail) t.fail = forcedFail;
    else if (this.faults.taskShouldFail()) {
      t.fail = { detail: "INTERNAL_ERROR: ErrorCode: 9", code: "9" };
      this.counters.faults.taskFailed++;
    }
    this.state.tasks[t.uuid] = t;
    return t;
  }

  // ---------------- lists

  list(
    kind: string,
    all: JsonObject[],
    rawBody: unknown,
    attrs: Record<string, (e: JsonObject) => string | undefined>,
    ci: ReadonlySet<string>,
    clusterStyle = false,
    paginate = true,
  ): Reply {
    const parsed = ListBodySchema.safeParse(rawBody ?? {});
    if (!parsed.success) return invalid(zodDetails(parsed.error));
    const b = parsed.data;
    if (b.kind !== undefined && b.kind !== kind) return invalid({ kind: [`expected kind "${kind}", got "${b.kind}"`] });
    let items = all;
    if (b.filter !== undefined && b.filter.trim() !== "") {
      const expr = parseFiql(b.filter);
      if ("error" in expr) return invalid({ filter: [`invalid filter: ${expr.error}`] });
      for (const and of expr) for (const t of and) if (!(t.attr in attrs)) return invalid({ filter: [`unsupported filter attribute ${t.attr} for kind ${kind}; supported: ${Object.keys(attrs).join(", ")}`] });
      items = items.filter((e) => matchFiql(expr, (a) => attrs[a]!(e), ci));
    }
    if (b.sort_attribute !== undefined) {
      const key = b.sort_attribute;
      const getter = key === "creation_time" ? (e: JsonObject) => String((e.metadata as JsonObject | undefined)?.creation_time ?? "") : attrs[key];
      if (getter) {
        const dir = b.sort_order === "DESCENDING" ? -1 : 1;
        items = [...items].sort((x, y) => dir * (getter(x) ?? "").localeCompare(getter(y) ?? ""));
      }
    }
    // hosts/list does not paginate: it returns every host whatever length/offset say (reference §3).
    const length = paginate ? Math.min(500, b.length ?? 20) : items.length;
    const offset = paginate ? (b.offset ?? 0) : 0;
    const page = items.slice(offset, offset + length);
    const metadata: JsonObject = { kind };
    if (clusterStyle) metadata.total_matches = items.length;
    else {
      if (b.filter !== undefined) metadata.filter = b.filter;
      if (b.sort_attribute !== undefined) metadata.sort_attribute = b.sort_attribute;
      if (b.sort_order !== undefined) metadata.sort_order = b.sort_order;
      metadata.offset = offset;
      metadata.length = page.length;
      metadata.total_matches = items.length;
    }
    return { status: 200, body: { api_version: API_VERSION, metadata, entities: page } };
  }

  // ---------------- VMs

  private categoriesFrom(md: VmBody["metadata"], prev?: StoredVmMetadata): { categories: Record<string, string>; mapping: Record<string, string[]>; useMapping: boolean } | Reply {
    let categories: Record<string, string>;
    let mapping: Record<string, string[]>;
    const useMapping = md.use_categories_mapping === true;
    if (useMapping) {
      mapping = md.categories_mapping ?? {};
      categories = Object.fromEntries(Object.entries(mapping).filter(([, v]) => v.length > 0).map(([k, v]) => [k, v[0]!]));
    } else if (md.categories !== undefined) {
      categories = md.categories;
      mapping = Object.fromEntries(Object.entries(categories).map(([k, v]) => [k, [v]]));
    } else if (prev) {
      categories = prev.categories;
      mapping = prev.categories_mapping;
    } else {
      categories = {};
      mapping = {};
    }
    const missing: string[] = [];
    for (const [k, vs] of Object.entries(mapping)) {
      for (const v of vs) {
        if (!this.state.categories[k]) missing.push(`category key ${k} does not exist`);
        else if (!this.state.categories[k]!.values[v]) missing.push(`category value ${k}:${v} does not exist`);
      }
    }
    if (missing.length) return invalid({ [useMapping ? "metadata.categories_mapping" : "metadata.categories"]: [...new Set(missing)] });
    return { categories, mapping, useMapping };
  }

  /** Validates references of a VM spec and assigns NIC/disk uuids and IPs. */
  private materializeSpec(
    spec: VmBody["spec"],
    existing: StoredVm | undefined,
  ): { spec: JsonObject; nics: Record<string, StoredNic>; clusterIsPc: boolean } | Reply {
    const details: Record<string, string[]> = {};
    const add = (k: string, m: string): void => void (details[k] ??= []).push(m);
    const cu = spec.cluster_reference.uuid;
    const pe = this.state.clusters.find((c) => c.uuid === cu);
    const clusterIsPc = cu === this.state.prismCentral.uuid;
    if (!pe && !clusterIsPc) add("spec.cluster_reference.uuid", `no cluster with uuid ${cu}`);
    const out = structuredClone(spec) as JsonObject & { resources: JsonObject };
    const nics: Record<string, StoredNic> = {};
    const reserved = new Set<string>();
    const nicList = (spec.resources.nic_list ?? []).map((n, i) => {
      const at = `spec.resources.nic_list[${i}]`;
      const sub = this.state.subnets.find((s) => s.uuid === n.subnet_reference.uuid);
      const copy = structuredClone(n) as JsonObject;
      if (!sub) {
        add(`${at}.subnet_reference.uuid`, `no subnet with uuid ${n.subnet_reference.uuid}`);
        return copy;
      }
      if (sub.type === "VLAN" && pe && sub.clusterUuid !== pe.uuid) add(`${at}.subnet_reference.uuid`, `VLAN subnet ${sub.name} is not on cluster ${pe.name}`);
      const prev = n.uuid !== undefined ? existing?.nics[n.uuid] : undefined;
      const nicUuid = prev ? n.uuid! : n.uuid !== undefined && UUID_RE.test(n.uuid) && !existing ? n.uuid.toLowerCase() : randomUUID();
      const requested = n.ip_endpoint_list?.[0]?.ip;
      let ip: string | undefined;
      if (prev && prev.subnetUuid === sub.uuid && (requested === undefined || requested === prev.ip)) ip = prev.ip;
      else {
        const r = allocateIp(this.state, sub, requested, reserved, existing?.uuid);
        if (typeof r !== "string") add(`${at}.ip_endpoint_list`, r.error);
        else ip = r;
      }
      if (ip) reserved.add(ip);
      nics[nicUuid] = { subnetUuid: sub.uuid, mac: prev?.mac ?? macFor(nicUuid), ...(ip ? { ip } : {}) };
      copy.uuid = nicUuid;
      return copy;
    });
    const diskList = (spec.resources.disk_list ?? []).map((d, i) => {
      const at = `spec.resources.disk_list[${i}]`;
      const copy = structuredClone(d) as JsonObject;
      const src = d.data_source_reference;
      if (src && (src.kind === undefined || src.kind === "image") && !this.state.images.some((im) => im.uuid === src.uuid)) {
        add(`${at}.data_source_reference.uuid`, `no image with uuid ${src.uuid}`);
      }
      if (d.disk_size_mib !== undefined && d.disk_size_bytes !== undefined && Math.ceil(d.disk_size_bytes / 1048576) !== d.disk_size_mib) {
        add(at, "disk_size_mib must equal disk_size_bytes rounded up to MiB");
      }
      const keep = d.uuid !== undefined && existing !== undefined && JSON.stringify(existing.spec).includes(`"${d.uuid}"`);
      copy.uuid = keep ? d.uuid : randomUUID();
      return copy;
    });
    // [I] A real PC places a GPU VM on a host of its PE that has the GPU; a gpu_list item that names no
    // GPU of those hosts (by device_id, and vendor/mode when given) is refused here with 422.
    if (pe) {
      const gpus = this.state.hosts.filter((h) => h.clusterUuid === pe.uuid).flatMap((h) => h.gpus);
      const known = [...new Set(gpus.map((g) => `${g.name} (${g.vendor}, device_id ${g.deviceId}, ${g.mode})`))].join(", ") || "(none)";
      (spec.resources.gpu_list ?? []).forEach((g, i) => {
        const at = `spec.resources.gpu_list[${i}]`;
        if (g.device_id === undefined) {
          add(`${at}.device_id`, `a GPU is named by its device_id; GPUs on the hosts of cluster ${pe.name}: ${known}`);
          return;
        }
        const hit = gpus.find((x) => x.deviceId === g.device_id && (g.vendor === undefined || g.vendor === x.vendor) && (g.mode === undefined || g.mode === x.mode));
        if (!hit) {
          const what = [`device_id ${g.device_id}`, g.vendor, g.mode].filter(Boolean).join(", ");
          add(at, `no GPU (${what}) on a host of cluster ${pe.name}; GPUs there: ${known}`);
        }
      });
    }
    if (Object.keys(details).length) return invalid(details);
    if (spec.resources.nic_list !== undefined) out.resources.nic_list = nicList;
    if (spec.resources.disk_list !== undefined) out.resources.disk_list = diskList;
    return { spec: out, nics, clusterIsPc };
  }

  createVm(raw: unknown): Reply {
    const parsed = VmBodySchema.safeParse(raw);
    if (!parsed.success) return invalid(zodDetails(parsed.error));
    const b = parsed.data;
    let uuid: string;
    if (b.metadata.uuid !== undefined) {
      if (!UUID_RE.test(b.metadata.uuid)) return errorReply(400, "INVALID_REQUEST", `metadata.uuid ${b.metadata.uuid} is not a valid UUID`, "vm");
      uuid = b.metadata.uuid.toLowerCase();
      // The reference is silent on this reason string; ENTITY_ALREADY_EXISTS is the emulator's choice.
      if (this.state.vms[uuid]) return errorReply(409, "ENTITY_ALREADY_EXISTS", `vm : ${uuid} already exists.`, "vm");
    } else uuid = randomUUID();
    const cats = this.categoriesFrom(b.metadata);
    if ("status" in cats) return cats;
    const mat = this.materializeSpec(b.spec, undefined);
    if ("status" in mat) return mat;
    const t = isoTime(Date.now());
    const md: StoredVmMetadata = {
      spec_version: 0,
      entity_version: 1,
      categories: cats.categories,
      categories_mapping: cats.mapping,
      use_categories_mapping: cats.useMapping,
      owner_reference: { kind: "user", uuid: deterministicUuid("user", "admin"), name: "admin" },
      creation_time: t,
      last_update_time: t,
    };
    if (b.metadata.project_reference) md.project_reference = b.metadata.project_reference as JsonObject;
    const task = this.newTask(
      "VM_CREATE",
      { kind: "vm", uuid, name: b.spec.name },
      b.spec.cluster_reference.uuid,
      mat.clusterIsPc ? { detail: "INTERNAL_ERROR: cannot create a VM on a Prism Central cluster (service_list PRISM_CENTRAL)", code: "INTERNAL_ERROR" } : undefined,
    );
    const vm: StoredVm = { uuid, metadata: md, spec: mat.spec, nics: mat.nics, createTask: task.uuid, taskUuids: [task.uuid] };
    this.state.vms[uuid] = vm;
    return { status: 202, body: renderVmAccepted(vm, task.uuid), wrote: true };
  }

  updateVm(uuid: string, raw: unknown): Reply {
    const vm = this.state.vms[uuid];
    if (!vm) return notFound("vm", uuid);
    const parsed = VmBodySchema.safeParse(raw);
    if (!parsed.success) return invalid(zodDetails(parsed.error));
    const b = parsed.data;
    if (b.metadata.uuid !== undefined && b.metadata.uuid.toLowerCase() !== uuid) return invalid({ "metadata.uuid": [`expected ${uuid} (the uuid in the path)`] });
    if (vm.deleteTask) return invalid({ "": [`vm ${uuid} is being deleted`] });
    const sent = b.metadata.spec_version;
    if (!this.opts.lenientVersions) {
      if (sent === undefined) return invalid({ "metadata.spec_version": ["'spec_version' is a required property"] });
      if (sent < vm.metadata.spec_version) return conflict("vm");
    }
    const cats = this.categoriesFrom(b.metadata, vm.metadata);
    if ("status" in cats) return cats;
    const mat = this.materializeSpec(b.spec, vm);
    if ("status" in mat) return mat;
    const task = this.newTask("VM_UPDATE", { kind: "vm", uuid, name: b.spec.name }, b.spec.cluster_reference.uuid);
    vm.rollback = { task: task.uuid, spec: vm.spec, nics: vm.nics, metadata: structuredClone(vm.metadata) };
    vm.spec = mat.spec;
    vm.nics = mat.nics;
    vm.metadata = {
      ...vm.metadata,
      spec_version: vm.metadata.spec_version + 1,
      entity_version: vm.metadata.entity_version + 1,
      categories: cats.categories,
      categories_mapping: cats.mapping,
      use_categories_mapping: cats.useMapping,
      last_update_time: isoTime(Date.now()),
    };
    vm.taskUuids.push(task.uuid);
    return { status: 202, body: renderVmAccepted(vm, task.uuid), wrote: true };
  }

  deleteVm(uuid: string): Reply {
    const vm = this.state.vms[uuid];
    if (!vm) return notFound("vm", uuid);
    const name = (vm.spec as { name?: string }).name;
    const cu = (vm.spec as { cluster_reference?: { uuid?: string } }).cluster_reference?.uuid;
    const task = vm.deleteTask ? this.state.tasks[vm.deleteTask]! : this.newTask("VM_DELETE", { kind: "vm", uuid, ...(name ? { name } : {}) }, cu);
    vm.deleteTask = task.uuid;
    if (!vm.taskUuids.includes(task.uuid)) vm.taskUuids.push(task.uuid);
    return {
      status: 202,
      body: { api_version: API_VERSION, metadata: { kind: "vm", uuid }, spec: "", status: { state: "DELETE_PENDING", execution_context: { task_uuid: task.uuid } } },
      wrote: true,
    };
  }

  // ---------------- categories

  categoryKeyBody(key: string): JsonObject {
    return { name: key, description: this.state.categories[key]!.description, system_defined: false };
  }

  categoryValueBody(key: string, value: string): JsonObject {
    return { name: key, value, description: this.state.categories[key]!.values[value]!.description, system_defined: false };
  }

  putCategoryKey(key: string, raw: unknown): Reply {
    const p = z.looseObject({ name: z.string().optional(), description: z.string().optional(), api_version: z.string().optional() }).safeParse(raw ?? {});
    if (!p.success) return invalid(zodDetails(p.error));
    if (key.length > 64) return invalid({ name: ["a category key has at most 64 characters"] });
    if (p.data.name !== undefined && p.data.name !== key) return invalid({ name: [`expected "${key}" (the key in the path), got "${p.data.name}"`] });
    const existing = this.state.categories[key];
    if (existing) existing.description = p.data.description ?? existing.description;
    else this.state.categories[key] = { description: p.data.description ?? "", createdAt: isoTime(Date.now()), values: {} };
    return { status: 200, body: this.categoryKeyBody(key), wrote: true };
  }

  putCategoryValue(key: string, value: string, raw: unknown): Reply {
    const p = z.looseObject({ value: z.string().optional(), description: z.string().optional(), api_version: z.string().optional() }).safeParse(raw ?? {});
    if (!p.success) return invalid(zodDetails(p.error));
    const cat = this.state.categories[key];
    if (!cat) return notFound("category", key);
    if (value.length > 64) return invalid({ value: ["a category value has at most 64 characters"] });
    if (p.data.value !== undefined && p.data.value !== value) return invalid({ value: [`expected "${value}" (the value in the path), got "${p.data.value}"`] });
    const existing = cat.values[value];
    if (existing) existing.description = p.data.description ?? existing.description;
    else cat.values[value] = { description: p.data.description ?? "", createdAt: isoTime(Date.now()) };
    return { status: 200, body: this.categoryValueBody(key, value), wrote: true };
  }

  categoryUsers(key: string, value?: string): number {
    let n = 0;
    for (const vm of Object.values(this.state.vms)) {
      const vs = vm.metadata.categories_mapping[key];
      if (vs && (value === undefined || vs.includes(value))) n++;
    }
    return n;
  }

  deleteCategory(key: string, value?: string): Reply {
    const cat = this.state.categories[key];
    if (!cat) return notFound("category", key);
    if (value !== undefined) {
      if (!cat.values[value]) return errorReply(404, "CATEGORY_NAME_VALUE_MISMATCH", `category : ${key}:${value} does not exist.`, "category");
      const n = this.categoryUsers(key, value);
      if (n > 0) return invalid({ "": [`category value ${key}:${value} is still assigned to ${n} entit${n === 1 ? "y" : "ies"}`] });
      delete cat.values[value];
      return { status: 204, wrote: true };
    }
    const nv = Object.keys(cat.values).length;
    if (nv > 0) return invalid({ "": [`category key ${key} still has ${nv} value(s); delete them first`] });
    delete this.state.categories[key];
    return { status: 204, wrote: true };
  }

  // ---------------- routing

  /** "Now" of the request being run (set under the mutex, before settling). */
  now = Date.now();

  route(method: string, segs: string[], body: unknown, user: string): { template: string; write: boolean; run: () => Reply } {
    const s = this.state;
    const seg0 = segs[0] ?? "";
    const n = segs.length;
    const nameAttr = (e: JsonObject): string | undefined => {
      const spec = e.spec as { name?: string } | undefined;
      const st = e.status as { name?: string } | undefined;
      return spec?.name ?? st?.name;
    };
    const mk = (template: string, write: boolean, run: () => Reply) => ({ template, write, run });
    const bad = (template: string, allowed: string) =>
      mk(template, false, () => errorReply(405, "INVALID_REQUEST", `method ${method} is not allowed on ${template}; allowed: ${allowed}`));

    if (seg0 === "users" && segs[1] === "me" && n === 2) {
      if (method !== "GET") return bad("/users/me", "GET");
      return mk("/users/me", false, () => {
        const token = randomBytes(24).toString("base64url");
        const expires = Date.now() + SESSION_TTL_MS;
        this.sessions.set(token, { user, expires });
        const cookie = `${SESSION_COOKIE}=${token}; Path=/; Expires=${new Date(expires).toUTCString()}; HttpOnly${this.opts.https ? "; Secure" : ""}`;
        return { status: 200, body: renderUser(user), headers: { "Set-Cookie": [cookie] } };
      });
    }
    if (seg0 === "prism_central" && n === 1) {
      if (method !== "GET") return bad("/prism_central", "GET");
      return mk("/prism_central", false, () => ({
        status: 200,
        body: { resources: { type: "PC", version: s.prismCentral.version, cluster_uuid: s.prismCentral.uuid, virtual_ip: s.prismCentral.virtualIp, pc_vm_list: [] } },
      }));
    }
    if (seg0 === "clusters" || seg0 === "subnets" || seg0 === "images") {
      const kind = seg0.slice(0, -1);
      const render = (): JsonObject[] =>
        seg0 === "clusters" ? renderClusters(s) : seg0 === "subnets" ? s.subnets.map((x) => renderSubnet(s, x)) : s.images.map((x) => renderImage(s, x, this.baseUrl));
      if (n === 2 && segs[1] === "list") {
        if (method !== "POST") return bad(`/${seg0}/list`, "POST");
        const attrs: Record<string, (e: JsonObject) => string | undefined> = { name: nameAttr, uuid: (e) => (e.metadata as { uuid?: string }).uuid };
        if (seg0 === "subnets") {
          attrs.subnet_type = (e) => ((e.status as JsonObject).resources as { subnet_type?: string }).subnet_type;
          attrs.vlan_id = (e) => {
            const v = ((e.status as JsonObject).resources as { vlan_id?: number }).vlan_id;
            return v === undefined ? undefined : String(v);
          };
          attrs.cluster_name = (e) => ((e.status as JsonObject).cluster_reference as { name?: string } | undefined)?.name;
        }
        if (seg0 === "images") attrs.image_type = (e) => ((e.status as JsonObject).resources as { image_type?: string }).image_type;
        return mk(`/${seg0}/list`, false, () => this.list(kind, render(), body, attrs, new Set(["subnet_type", "image_type"]), seg0 === "clusters"));
      }
      if (n === 2) {
        if (method !== "GET") return bad(`/${seg0}/{uuid}`, "GET");
        return mk(`/${seg0}/{uuid}`, false, () => {
          const e = render().find((x) => (x.metadata as { uuid?: string }).uuid === segs[1]!.toLowerCase());
          return e ? { status: 200, body: { api_version: API_VERSION, ...e } } : notFound(kind, segs[1]!);
        });
      }
    }
    if (seg0 === "hosts") {
      if (n === 2 && segs[1] === "list") {
        if (method !== "POST") return bad("/hosts/list", "POST");
        const attrs: Record<string, (e: JsonObject) => string | undefined> = {
          name: nameAttr,
          uuid: (e) => (e.metadata as { uuid?: string }).uuid,
          cluster_uuid: (e) => ((e.status as JsonObject).cluster_reference as { uuid?: string } | undefined)?.uuid,
        };
        return mk("/hosts/list", false, () => this.list("host", s.hosts.map((h) => renderHost(s, h)), body, attrs, new Set(), false, false));
      }
      if (n === 2) {
        if (method !== "GET") return bad("/hosts/{uuid}", "GET");
        return mk("/hosts/{uuid}", false, () => {
          const h = s.hosts.find((x) => x.uuid === segs[1]!.toLowerCase());
          return h ? { status: 200, body: { api_version: API_VERSION, ...renderHost(s, h) } } : notFound("host", segs[1]!);
        });
      }
    }
    if (seg0 === "vms") {
      if (n === 1) {
        if (method !== "POST") return bad("/vms", "POST");
        return mk("/vms", true, () => this.createVm(body));
      }
      if (n === 2 && segs[1] === "list") {
        if (method !== "POST") return bad("/vms/list", "POST");
        return mk("/vms/list", false, () => {
          const all = Object.values(s.vms)
            .filter((vm) => vmCreated(s, vm, this.now))
            .map((vm) => renderVm(s, vm, this.now));
          const status = (e: JsonObject) => e.status as { resources?: { power_state?: string }; cluster_reference?: { name?: string; uuid?: string } };
          return this.list(
            "vm",
            all,
            body,
            {
              vm_name: (e) => (e.spec as { name?: string }).name,
              name: (e) => (e.spec as { name?: string }).name,
              uuid: (e) => (e.metadata as { uuid?: string }).uuid,
              power_state: (e) => status(e).resources?.power_state,
              cluster_name: (e) => status(e).cluster_reference?.name,
              cluster_uuid: (e) => status(e).cluster_reference?.uuid,
            },
            new Set(["power_state"]),
          );
        });
      }
      if (n === 2) {
        const uuid = segs[1]!.toLowerCase();
        if (method === "GET") return mk("/vms/{uuid}", false, () => (s.vms[uuid] ? { status: 200, body: renderVm(s, s.vms[uuid]!, this.now) } : notFound("vm", segs[1]!)));
        if (method === "PUT") return mk("/vms/{uuid}", true, () => this.updateVm(uuid, body));
        if (method === "DELETE") return mk("/vms/{uuid}", true, () => this.deleteVm(uuid));
        return bad("/vms/{uuid}", "GET, PUT, DELETE");
      }
    }
    if (seg0 === "tasks") {
      if (n === 2 && segs[1] === "list") {
        if (method !== "POST") return bad("/tasks/list", "POST");
        return mk("/tasks/list", false, () => {
          const all = Object.values(s.tasks)
            .sort((a, b) => b.createdAt - a.createdAt)
            .map((t) => renderTask(s, t, this.now));
          return this.list("task", all, body, { status: (e) => String(e.status), operation_type: (e) => String(e.operation_type) }, new Set(["status"]), false);
        });
      }
      if (n === 2) {
        if (method !== "GET") return bad("/tasks/{uuid}", "GET");
        return mk("/tasks/{uuid}", false, () => {
          const id = segs[1]!;
          if (!UUID_RE.test(id)) return errorReply(404, "INVALID_UUID", `task : ${id} is not a valid UUID.`, "task");
          const t = s.tasks[id.toLowerCase()];
          return t ? { status: 200, body: renderTask(s, t, this.now) } : notFound("task", id);
        });
      }
    }
    if (seg0 === "categories") {
      if (n === 2 && segs[1] === "list" && method === "POST") {
        return mk("/categories/list", false, () =>
          this.list("category", Object.keys(s.categories).map((k) => this.categoryKeyBody(k)), body, { name: (e) => e.name as string }, new Set(), false),
        );
      }
      if (n === 3 && segs[2] === "list" && method === "POST") {
        return mk("/categories/{key}/list", false, () => {
          const key = segs[1]!;
          if (!s.categories[key]) return notFound("category", key);
          const vals = Object.keys(s.categories[key]!.values).map((v) => this.categoryValueBody(key, v));
          return this.list("category", vals, body, { value: (e) => e.value as string, name: (e) => e.value as string }, new Set(), false);
        });
      }
      if (n === 2) {
        const key = segs[1]!;
        if (method === "GET") return mk("/categories/{key}", false, () => (s.categories[key] ? { status: 200, body: this.categoryKeyBody(key) } : notFound("category", key)));
        if (method === "PUT") return mk("/categories/{key}", true, () => this.putCategoryKey(key, body));
        if (method === "DELETE") return mk("/categories/{key}", true, () => this.deleteCategory(key));
        return bad("/categories/{key}", "GET, PUT, DELETE");
      }
      if (n === 3) {
        const key = segs[1]!;
        const value = segs[2]!;
        if (method === "GET") {
          return mk("/categories/{key}/{value}", false, () => {
            if (!s.categories[key]) return notFound("category", key);
            if (!s.categories[key]!.values[value]) return errorReply(404, "CATEGORY_NAME_VALUE_MISMATCH", `category : ${key}:${value} does not exist.`, "category");
            return { status: 200, body: this.categoryValueBody(key, value) };
          });
        }
        if (method === "PUT") return mk("/categories/{key}/{value}", true, () => this.putCategoryValue(key, value, body));
        if (method === "DELETE") return mk("/categories/{key}/{value}", true, () => this.deleteCategory(key, value));
        return bad("/categories/{key}/{value}", "GET, PUT, DELETE");
      }
    }
    const template = `/${segs.map((x, i) => (i === 0 ? x : "*")).join("/")}`;
    return mk(template, false, () => errorReply(404, "INVALID_REQUEST", `no such API path: ${method} ${API}/${segs.join("/")}`));
  }
}

// ------------------------------------------------------------------ HTTP plumbing

function readBody(req: http.IncomingMessage): Promise<Buffer | { tooLarge: true }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) over = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve(over ? { tooLarge: true } : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, r: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string | string[]> = { "X-Ntnx-Env": "pc", "X-Ntnx-Product": "pc.2024.3.0.1", ...(r.headers ?? {}) };
  let payload: string | undefined;
  if (r.text !== undefined) {
    headers["Content-Type"] ??= "text/plain; charset=utf-8";
    payload = r.text;
  } else if (r.body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(r.body);
  }
  if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
  else headers["Content-Length"] = "0";
  res.writeHead(r.status, headers);
  res.end(payload);
}

function faultReply(d: Extract<FaultDecision, { kind: "status" }>, retryAfter: number): Reply {
  if (d.status === 500) return internalError("Injected fault (prism-emulator)");
  if (d.status === 503) {
    // What envoy says when the upstream is down: plain text, not JSON.
    return { status: 503, text: "upstream connect error or disconnect/reset before headers. reset reason: connection termination", headers: { "Retry-After": String(retryAfter) } };
  }
  const r = errorReply(429, "TOO_MANY_REQUESTS", d.reason === "budget" ? "Request budget exhausted (prism-emulator)" : "Too many requests, slow down.");
  r.headers = { "Retry-After": String(retryAfter) };
  return r;
}

function formatUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Starts the emulator. Always `await stop()`. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const log = options.logger ?? (() => undefined);
  const users = options.users && options.users.length > 0 ? options.users : [{ username: "admin", password: "Nutanix/4u" }];
  let state: EmulatorState | null = options.statePath ? await readStateFile(options.statePath) : null;
  const fresh = state === null;
  if (!state) {
    const seed = options.seed !== undefined ? parseSeed(options.seed) : options.seedPath !== undefined ? await loadSeedFile(options.seedPath) : await loadDefaultSeed();
    state = stateFromSeed(seed);
  }
  const faultInit: Partial<FaultConfig> = { ...(options.faultRate !== undefined ? splitFaultRate(options.faultRate) : {}) };
  if (options.latencyMs !== undefined) faultInit.latencyMs = options.latencyMs;
  if (options.faultSeed !== undefined) faultInit.seed = options.faultSeed;
  if (options.taskFailureRate !== undefined) faultInit.taskFailureRate = options.taskFailureRate;
  if (options.requestBudget !== undefined) faultInit.requestBudget = options.requestBudget;
  Object.assign(faultInit, options.faults ?? {});
  const faults = new Faults(faultInit);
  const emu = new Emulator(
    state,
    { statePath: options.statePath, taskMs: options.taskMs ?? 200, users, lenientVersions: options.lenientVersions ?? false, log, https: options.https === true },
    faults,
  );
  if (fresh && options.statePath) {
    await fsp.mkdir(path.dirname(options.statePath), { recursive: true });
    await emu.persist();
  }

  let caPem: string | undefined;
  let caFile: string | undefined;
  let tempDir: string | undefined;
  let server: http.Server;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void handle(emu, req, res).catch((e: unknown) => {
      log(`prism-emulator: internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      send(res, internalError("emulator internal error"));
    });
  };
  if (options.https) {
    const { generate } = await import("selfsigned");
    const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
      { type: 2, value: "localhost" },
      { type: 7, ip: "127.0.0.1" },
      { type: 7, ip: "::1" },
    ];
    if (!["127.0.0.1", "::1", "localhost"].includes(host)) altNames.push(/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
    const notBefore = new Date(Date.now() - 60_000);
    const pems = await generate([{ name: "commonName", value: "prism-emulator" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: notBefore,
      notAfterDate: new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames },
      ],
    });
    caPem = pems.cert;
    const dir = options.caDir ?? (options.statePath ? path.dirname(options.statePath) : (tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), "prism-emulator-"))));
    caFile = path.join(dir, options.statePath && !options.caDir ? `${path.basename(options.statePath)}.ca.pem` : "prism-emulator-ca.pem");
    await fsp.writeFile(caFile, caPem, { mode: 0o644 });
    server = https.createServer({ key: pems.private, cert: pems.cert }, handler);
  } else {
    server = http.createServer(handler);
  }
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = formatUrl(options.https ? "https" : "http", host, port);
  emu.baseUrl = url;
  let stopped: Promise<void> | null = null;
  const running: RunningEmulator = {
    url,
    host,
    port,
    username: users[0]!.username,
    password: users[0]!.password,
    faults,
    snapshot: () => {
      settle(emu.state, Date.now());
      return structuredClone(emu.state);
    },
    counters: () => structuredClone(emu.counters),
    stop: () => {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await emu.mutex.drain();
        await emu.drainFlushes();
        if (tempDir) await fsp.rm(tempDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  if (caFile !== undefined) running.caFile = caFile;
  if (caPem !== undefined) running.caPem = caPem;
  if (options.statePath !== undefined) running.statePath = options.statePath;
  return running;
}

async function handle(emu: Emulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://emulator");
  const p = url.pathname;
  const log = emu.opts.log;
  const raw = await readBody(req);

  if (p === "/_emulator" || p.startsWith("/_emulator/")) {
    const r = await admin(emu, req, method, p, raw);
    if (r.status >= 400) log(`prism-emulator: ${r.status} ${method} ${p}: ${r.note ?? r.text ?? ""}`);
    send(res, r);
    return;
  }
  if (!(p === API || p.startsWith(`${API}/`))) {
    const r = errorReply(404, "INVALID_REQUEST", `no such path: ${method} ${p} (the API is under ${API})`);
    log(`prism-emulator: 404 ${method} ${p}: unknown path`);
    send(res, r);
    return;
  }
  let segs: string[];
  try {
    segs = p
      .slice(API.length)
      .split("/")
      .filter((x) => x !== "")
      .map((x) => decodeURIComponent(x));
  } catch {
    send(res, invalid({ "": ["malformed percent-encoding in the path"] }));
    return;
  }

  const c = emu.counters;
  c.total++;
  const user = emu.authenticate(req);
  let body: unknown = undefined;
  let bodyError: Reply | undefined;
  if ("tooLarge" in raw) bodyError = errorReply(413, "INVALID_REQUEST", `request body larger than ${MAX_BODY} bytes`);
  else if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      bodyError = invalid({ "": [`Request body is not valid JSON: ${(e as Error).message}`] });
    }
  }
  const r = emu.route(method, segs, body, user ?? "");
  const routeKey = `${method} ${r.template}`;
  c.byRoute[routeKey] = (c.byRoute[routeKey] ?? 0) + 1;
  if (r.write) c.writes++;
  else c.reads++;

  const lat = emu.faults.latency();
  if (lat > 0) await sleep(lat);
  const d = emu.faults.decide(r.write);
  const finish = (reply: Reply): void => {
    c.byStatus[String(reply.status)] = (c.byStatus[String(reply.status)] ?? 0) + 1;
    if (reply.status >= 400 && reply.status !== 404 && reply.status !== 429 && reply.status < 500) {
      c.badRequests++;
      log(`prism-emulator: ${reply.status} ${method} ${p}: ${reply.note ?? reply.text ?? ""}`);
    }
    send(res, reply);
  };
  if (d.kind === "reset-before") {
    c.faults.reset++;
    req.socket.destroy();
    return;
  }
  if (d.kind === "status") {
    if (d.reason === "budget") c.faults.budget++;
    else c.faults[String(d.status) as "500" | "503" | "429"]++;
    finish(faultReply(d, emu.faults.config.retryAfterSeconds));
    return;
  }
  if (!user) {
    finish({ status: 401, text: "Authentication required", headers: { "WWW-Authenticate": 'Basic realm="Intent Gateway"' }, note: "bad credentials" });
    return;
  }
  if (bodyError) {
    finish(bodyError);
    return;
  }
  const reply = await emu.mutex.run(() => {
    emu.now = Date.now();
    settle(emu.state, emu.now);
    const out = r.run();
    if (out.wrote) emu.markChanged();
    return out;
  });
  // Group commit: the answer (of a write, and of a read that may show one) waits for the flush that
  // holds every change made so far.
  await emu.durable();
  if (d.kind === "reset-after" && reply.wrote) {
    c.faults.reset++;
    req.socket.destroy();
    return;
  }
  finish(reply);
}

async function admin(emu: Emulator, req: http.IncomingMessage, method: string, p: string, raw: Buffer | { tooLarge: true }): Promise<Reply> {
  if (!emu.authenticate(req)) return { status: 401, text: "Authentication required", note: "bad credentials" };
  let body: unknown = undefined;
  if (!("tooLarge" in raw) && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      return invalid({ "": [`Request body is not valid JSON: ${(e as Error).message}`] });
    }
  }
  const sub = p.slice("/_emulator".length);
  if (sub === "/health" && method === "GET") return { status: 200, body: { ok: true } };
  if (sub === "/faults") {
    if (method === "GET") return { status: 200, body: { ...emu.faults.config, budgetUsed: emu.faults.budgetUsed } };
    if (method === "PUT") {
      const parsed = FaultPatch.safeParse(body ?? {});
      if (!parsed.success) return invalid(zodDetails(parsed.error));
      const cfg = emu.faults.apply(parsed.data);
      emu.opts.log(`prism-emulator: faults set to ${JSON.stringify(cfg)}`);
      return { status: 200, body: cfg };
    }
  }
  if (sub === "/counters") {
    if (method === "GET") return { status: 200, body: emu.counters };
    if (method === "DELETE") {
      emu.counters = Emulator.emptyCounters();
      return { status: 200, body: emu.counters };
    }
  }
  if (sub === "/state" && method === "GET") {
    return emu.mutex.run(() => {
      settle(emu.state, Date.now());
      return { status: 200, body: emu.state };
    });
  }
  if (sub === "/endpoints" && method === "PUT") {
    const parsed = EndpointBody.safeParse(body);
    if (!parsed.success) return invalid(zodDetails(parsed.error));
    const { address, port, ready } = parsed.data;
    await emu.mutex.run(() => {
      emu.state.endpoints[`${address}:${port}`] = ready;
      emu.markChanged();
    });
    await emu.durable();
    return { status: 200, body: { address, port, ready } };
  }
  const m = /^\/endpoints\/(.+):(\d+)$/.exec(sub);
  if (m && method === "GET") {
    const address = decodeURIComponent(m[1]!).replace(/^\[(.*)\]$/, "$1");
    const port = Number(m[2]);
    const ready = emu.state.endpoints[`${address}:${port}`] ?? true;
    return { status: 200, body: { address, port, ready } };
  }
  return errorReply(404, "INVALID_REQUEST", `no such admin path: ${method} ${p}`);
}
