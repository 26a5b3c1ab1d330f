/**
 * Seed files: what Prism Central, its Prism Element clusters, subnets (with IPAM pools), images,
 * categories and pre-existing VMs look like before the first request. Validated with zod; every
 * error names the path in the seed and what was expected. UUIDs not given are derived from names
 * (UUIDv5-style), so a seed always yields the same state.
 */
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { EmulatorState, StoredCluster, StoredHost, StoredSubnet, StoredVm } from "./state";
import { allocateIp } from "./ipam";
import { inSubnet, ipv4ToInt, isIpv4 } from "../net/ipv4";
import { CREATE_VM_OPERATION } from "./operations";
import { deterministicUuid, isoTime, macFor } from "./util";

const Name = z.string({ error: "expected a name (string)" }).min(1, { error: "expected a non-empty name" }).max(256, { error: "expected at most 256 characters" });
const Uuid = z.uuid({ error: "expected a UUID such as 00000000-0000-4000-8000-000000000000" });
const Ipv4 = z.ipv4({ error: "expected an IPv4 address such as 10.20.0.1" });
const Cidr = z.cidrv4({ error: "expected an IPv4 CIDR block such as 10.20.0.0/24" });
/** A GPU of a host (one entry per physical GPU); enums as in the reference §4. */
const GpuSeed = z.strictObject({
  name: Name,
  deviceId: z.number({ error: "expected a PCI device id (integer ≥ 0)" }).int({ error: "expected a PCI device id (integer ≥ 0)" }).min(0, { error: "expected a PCI device id (integer ≥ 0)" }),
  vendor: z.enum(["NVIDIA", "INTEL", "AMD"], { error: "expected NVIDIA, INTEL or AMD" }).default("NVIDIA"),
  mode: z.enum(["PASSTHROUGH_GRAPHICS", "PASSTHROUGH_COMPUTE", "VIRTUAL"], { error: "expected PASSTHROUGH_GRAPHICS, PASSTHROUGH_COMPUTE or VIRTUAL" }).default("PASSTHROUGH_COMPUTE"),
});
const HostSeed = z.strictObject({
  name: Name,
  uuid: Uuid.optional(),
  gpus: z.array(GpuSeed, { error: "expected a list of GPUs" }).default([]),
});
const PoolRange = z.union(
  [
    z.string().regex(/^\s*\d{1,3}(\.\d{1,3}){3}\s*[- ]\s*\d{1,3}(\.\d{1,3}){3}\s*$/),
    z.strictObject({ start: Ipv4, end: Ipv4 }),
  ],
  { error: 'expected a pool range "10.20.0.100-10.20.0.199" or { start, end }' },
);

export const SeedSchema = z.strictObject({
  prismCentral: z
    .strictObject({
      name: Name,
      uuid: Uuid.optional(),
      version: z.string().optional(),
      virtualIp: Ipv4.optional(),
    })
    .default({ name: "pc-emulator" }),
  clusters: z
    .array(
      z.strictObject({
        name: Name,
        uuid: Uuid.optional(),
        version: z.string().optional(),
        externalIp: Ipv4.optional(),
        hypervisorIps: z.array(Ipv4).optional(),
        /** Hosts (only needed for GPUs: POST /hosts/list shows them and a VM's gpu_list must name one of their GPUs). */
        hosts: z.array(HostSeed, { error: "expected a list of hosts" }).optional(),
      }),
      { error: "expected a list of Prism Element clusters" },
    )
    .default([]),
  subnets: z
    .array(
      z.strictObject({
        name: Name,
        uuid: Uuid.optional(),
        type: z.enum(["VLAN", "OVERLAY"], { error: "expected VLAN or OVERLAY" }).default("VLAN"),
        cluster: z.string().min(1).optional(),
        vlanId: z.number().int().min(0).max(4095, { error: "expected a VLAN id from 0 to 4095" }).optional(),
        cidr: Cidr,
        gateway: Ipv4,
        pools: z.array(PoolRange).default([]),
        dnsServers: z.array(Ipv4).optional(),
      }),
      { error: "expected a list of subnets" },
    )
    .default([]),
  images: z
    .array(
      z.strictObject({
        name: Name,
        uuid: Uuid.optional(),
        sizeBytes: z.number().int().positive({ error: "expected a positive size in bytes" }).optional(),
        imageType: z.enum(["DISK_IMAGE", "ISO_IMAGE"], { error: "expected DISK_IMAGE or ISO_IMAGE" }).optional(),
      }),
      { error: "expected a list of images" },
    )
    .default([]),
  categories: z
    .array(z.strictObject({ key: z.string().min(1).max(64), description: z.string().optional(), values: z.array(z.string().min(1).max(64)).default([]) }))
    .default([]),
  vms: z
    .array(
      z.strictObject({
        name: Name,
        uuid: Uuid.optional(),
        cluster: z.string().min(1, { error: "expected a cluster name or uuid" }),
        subnet: z.string().min(1).optional(),
        ip: Ipv4.optional(),
        image: z.string().min(1).optional(),
        categories: z.record(z.string(), z.string()).optional(),
        powerState: z.enum(["ON", "OFF"], { error: "expected ON or OFF" }).optional(),
        numSockets: z.number().int().min(1).optional(),
        memoryMib: z.number().int().min(1).optional(),
      }),
      { error: "expected a list of VMs" },
    )
    .default([]),
});

export type SeedInput = z.input<typeof SeedSchema>;
export type Seed = z.output<typeof SeedSchema>;

/** A seed that failed validation; `issues` are `seed.<path>: <what was expected>, got <value>`. */
export class SeedError extends Error {
  readonly issues: string[];
  constructor(source: string, issues: string[]) {
    super(`invalid seed ${source}:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "SeedError";
    this.issues = issues;
  }
}

function pathString(p: ReadonlyArray<PropertyKey>): string {
  let s = "seed";
  for (const k of p) s += typeof k === "number" ? `[${k}]` : `.${String(k)}`;
  return s;
}

function valueAt(data: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = data;
  for (const k of p) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** Validates a seed object; throws SeedError listing every problem. */
export function parseSeed(data: unknown, source = "(object)"): Seed {
  const r = SeedSchema.safeParse(data);
  if (!r.success) {
    throw new SeedError(
      source,
      r.error.issues.map((i) => {
        if (i.code === "unrecognized_keys") return `${pathString(i.path)}: unknown field(s) ${i.keys.join(", ")}`;
        return `${pathString(i.path)}: ${i.message}, got ${show(valueAt(data, i.path))}`;
      }),
    );
  }
  const seed = r.data;
  const issues: string[] = [];
  const clusterNames = seed.clusters.map((c) => c.name);
  const findCluster = (ref: string): number[] =>
    seed.clusters.flatMap((c, i) => (c.uuid === ref || c.name.toLowerCase() === ref.toLowerCase() ? [i] : []));
  seed.subnets.forEach((s, i) => {
    const at = `seed.subnets[${i}]`;
    if (s.type === "VLAN") {
      if (s.cluster === undefined) issues.push(`${at}.cluster: a VLAN subnet needs a cluster; known: ${clusterNames.join(", ") || "(none)"}`);
      else {
        const m = findCluster(s.cluster);
        if (m.length === 0) issues.push(`${at}.cluster: no cluster named ${s.cluster}; known: ${clusterNames.join(", ") || "(none)"}`);
        if (m.length > 1) issues.push(`${at}.cluster: ${m.length} clusters are named ${s.cluster}; use a uuid`);
      }
      if (s.vlanId === undefined) issues.push(`${at}.vlanId: a VLAN subnet needs a vlanId (0-4095)`);
    } else if (s.cluster !== undefined) {
      issues.push(`${at}.cluster: an OVERLAY subnet belongs to no cluster; remove cluster`);
    }
    const [net, pfx] = s.cidr.split("/") as [string, string];
    if (!inSubnet(s.gateway, net, Number(pfx))) issues.push(`${at}.gateway: ${s.gateway} is outside ${s.cidr}`);
    s.pools.forEach((p, j) => {
      const { start, end } = poolOf(p);
      if (!isIpv4(start) || !isIpv4(end)) issues.push(`${at}.pools[${j}]: expected two IPv4 addresses, got ${show(p)}`);
      else {
        if (!inSubnet(start, net, Number(pfx)) || !inSubnet(end, net, Number(pfx))) issues.push(`${at}.pools[${j}]: ${start}-${end} is not inside ${s.cidr}`);
        if (ipv4ToInt(start) > ipv4ToInt(end)) issues.push(`${at}.pools[${j}]: start ${start} is after end ${end}`);
      }
    });
  });
  const categoryKeys = new Map(seed.categories.map((c) => [c.key, new Set(c.values)]));
  seed.vms.forEach((v, i) => {
    const at = `seed.vms[${i}]`;
    const m = findCluster(v.cluster);
    if (m.length === 0) issues.push(`${at}.cluster: no cluster named ${v.cluster}; known: ${clusterNames.join(", ") || "(none)"}`);
    if (m.length > 1) issues.push(`${at}.cluster: ${m.length} clusters are named ${v.cluster}; use a uuid`);
    if (v.subnet !== undefined) {
      const sm = seed.subnets.filter((s) => s.uuid === v.subnet || s.name.toLowerCase() === v.subnet!.toLowerCase());
      if (sm.length === 0) issues.push(`${at}.subnet: no subnet named ${v.subnet}; known: ${seed.subnets.map((s) => s.name).join(", ") || "(none)"}`);
      if (sm.length > 1) issues.push(`${at}.subnet: ${sm.length} subnets are named ${v.subnet}; use a uuid`);
    } else if (v.ip !== undefined) issues.push(`${at}.ip: an ip needs a subnet`);
    if (v.image !== undefined && !seed.images.some((im) => im.uuid === v.image || im.name === v.image)) {
      issues.push(`${at}.image: no image named ${v.image}; known: ${seed.images.map((im) => im.name).join(", ") || "(none)"}`);
    }
    for (const [k, val] of Object.entries(v.categories ?? {})) {
      // Categories used by seed VMs are created if the seed does not list them.
      if (!categoryKeys.has(k)) categoryKeys.set(k, new Set());
      categoryKeys.get(k)!.add(val);
    }
  });
  const uuids = new Map<string, string>();
  const noteUuid = (u: string | undefined, at: string): void => {
    if (u === undefined) return;
    const prev = uuids.get(u.toLowerCase());
    if (prev) issues.push(`${at}.uuid: ${u} is also used by ${prev}`);
    else uuids.set(u.toLowerCase(), at);
  };
  noteUuid(seed.prismCentral.uuid, "seed.prismCentral");
  seed.clusters.forEach((c, i) => noteUuid(c.uuid, `seed.clusters[${i}]`));
  seed.clusters.forEach((c, i) => {
    const names = new Set<string>();
    (c.hosts ?? []).forEach((h, j) => {
      noteUuid(h.uuid, `seed.clusters[${i}].hosts[${j}]`);
      if (names.has(h.name.toLowerCase())) issues.push(`seed.clusters[${i}].hosts[${j}].name: ${h.name} is listed twice on cluster ${c.name}`);
      names.add(h.name.toLowerCase());
    });
  });
  seed.subnets.forEach((c, i) => noteUuid(c.uuid, `seed.subnets[${i}]`));
  seed.images.forEach((c, i) => noteUuid(c.uuid, `seed.images[${i}]`));
  seed.vms.forEach((c, i) => noteUuid(c.uuid, `seed.vms[${i}]`));
  if (issues.length > 0) throw new SeedError(source, issues);
  return seed;
}

function poolOf(p: string | { start: string; end: string }): { start: string; end: string } {
  if (typeof p !== "string") return p;
  const [start, end] = p.trim().split(/\s*[- ]\s*/) as [string, string];
  return { start, end };
}

/** Reads and validates a seed file (JSON). */
export async function loadSeedFile(file: string): Promise<Seed> {
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (e) {
    throw new SeedError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SeedError(file, [`not valid JSON (${(e as Error).message})`]);
  }
  return parseSeed(data, file);
}

/** The seed shipped with the package (lib/emulator/default-seed.json). */
export async function loadDefaultSeed(): Promise<Seed> {
  return loadSeedFile(path.join(__dirname, "default-seed.json"));
}

/** Hands out uuids: given ones as they are, derived ones (from kind and name) never colliding with any other. */
class UuidAllocator {
  private readonly used = new Set<string>();

  constructor(seed: Seed) {
    // Given uuids first, so derived ones never collide with them.
    for (const x of [seed.prismCentral, ...seed.clusters, ...seed.clusters.flatMap((c) => c.hosts ?? []), ...seed.subnets, ...seed.images, ...seed.vms]) {
      if (x.uuid) this.used.add(x.uuid.toLowerCase());
    }
  }

  uuidFor(kind: string, name: string, given?: string): string {
    if (given) {
      this.used.add(given.toLowerCase());
      return given.toLowerCase();
    }
    let u = deterministicUuid(kind, name);
    for (let n = 2; this.used.has(u); n++) u = deterministicUuid(kind, `${name}#${n}`);
    this.used.add(u);
    return u;
  }
}

/** The projects every Prism Central has: `_internal` (what GET /vms shows by default, PGC v3/mocks GetVM) and `default`. */
function defaultProjects(): EmulatorState["projects"] {
  return ["_internal", "default"].map((name) => ({ name, uuid: deterministicUuid("project", name) }));
}

function addClusters(state: EmulatorState, seed: Seed, ids: UuidAllocator, t: string): void {
  seed.clusters.forEach((c, i) => {
    const cl: StoredCluster = {
      uuid: c.uuid?.toLowerCase() ?? ids.uuidFor("cluster", c.name),
      name: c.name,
      version: c.version ?? "6.8.1",
      externalIp: c.externalIp ?? `10.0.${i + 1}.10`,
      hypervisorIps: c.hypervisorIps ?? [`10.0.${i + 1}.11`, `10.0.${i + 1}.12`, `10.0.${i + 1}.13`],
      creationTime: t,
    };
    state.clusters.push(cl);
    for (const h of c.hosts ?? []) {
      const host: StoredHost = {
        uuid: h.uuid?.toLowerCase() ?? ids.uuidFor("host", `${c.name}/${h.name}`),
        name: h.name,
        clusterUuid: cl.uuid,
        gpus: h.gpus.map((g) => ({ name: g.name, deviceId: g.deviceId, vendor: g.vendor, mode: g.mode })),
        creationTime: t,
      };
      state.hosts.push(host);
    }
  });
}

function clusterUuidOf(state: EmulatorState, ref: string): string {
  return state.clusters.find((c) => c.uuid === ref.toLowerCase() || c.name.toLowerCase() === ref.toLowerCase())!.uuid;
}

function addSubnetsAndImages(state: EmulatorState, seed: Seed, ids: UuidAllocator, t: string): void {
  for (const s of seed.subnets) {
    const [net, pfx] = s.cidr.split("/") as [string, string];
    const sub: StoredSubnet = {
      uuid: s.uuid?.toLowerCase() ?? ids.uuidFor("subnet", s.name),
      name: s.name,
      type: s.type,
      subnetIp: net,
      prefixLength: Number(pfx),
      gateway: s.gateway,
      pools: s.pools.map(poolOf),
      dnsServers: s.dnsServers ?? [],
      creationTime: t,
    };
    if (s.type === "VLAN") {
      sub.clusterUuid = clusterUuidOf(state, s.cluster!);
      sub.vlanId = s.vlanId!;
    }
    state.subnets.push(sub);
  }
  for (const im of seed.images) {
    state.images.push({
      uuid: im.uuid?.toLowerCase() ?? ids.uuidFor("image", im.name),
      name: im.name,
      imageType: im.imageType ?? "DISK_IMAGE",
      sizeBytes: im.sizeBytes ?? 2_361_393_152,
      creationTime: t,
    });
  }
}

function addCategories(state: EmulatorState, seed: Seed, t: string): void {
  for (const c of seed.categories) {
    const cat = (state.categories[c.key] ??= { description: c.description ?? "", createdAt: t, values: {} });
    for (const v of c.values) cat.values[v] ??= { description: "", createdAt: t };
  }
  for (const v of seed.vms) {
    for (const [k, val] of Object.entries(v.categories ?? {})) {
      const cat = (state.categories[k] ??= { description: "", createdAt: t, values: {} });
      cat.values[val] ??= { description: "", createdAt: t };
    }
  }
}

type SeedVm = Seed["vms"][number];

function addSeedVm(state: EmulatorState, v: SeedVm, ids: UuidAllocator, t: string, now: number): void {
  const uuid = v.uuid?.toLowerCase() ?? ids.uuidFor("vm", v.name);
  const cu = clusterUuidOf(state, v.cluster);
  const taskUuid = deterministicUuid("task", `create:${uuid}`);
  const resources: Record<string, unknown> = {
    power_state: v.powerState ?? "ON",
    num_sockets: v.numSockets ?? 2,
    num_vcpus_per_socket: 1,
    memory_size_mib: v.memoryMib ?? 4096,
  };
  const nics: StoredVm["nics"] = {};
  if (v.subnet !== undefined) {
    const sub = state.subnets.find((s) => s.uuid === v.subnet!.toLowerCase() || s.name.toLowerCase() === v.subnet!.toLowerCase())!;
    const nicUuid = deterministicUuid("nic", `${uuid}:0`);
    const ip = allocateIp(state, sub, v.ip);
    if (typeof ip !== "string") throw new SeedError("(seed)", [`seed vm ${v.name}: ${ip.error}`]);
    nics[nicUuid] = { subnetUuid: sub.uuid, mac: macFor(nicUuid), ip };
    resources.nic_list = [{ uuid: nicUuid, subnet_reference: { kind: "subnet", uuid: sub.uuid } }];
  }
  if (v.image !== undefined) {
    const im = state.images.find((x) => x.uuid === v.image || x.name === v.image)!;
    resources.disk_list = [{ uuid: deterministicUuid("disk", `${uuid}:0`), data_source_reference: { kind: "image", uuid: im.uuid }, disk_size_mib: 40960 }];
  }
  const categories = v.categories ?? {};
  state.vms[uuid] = {
    uuid,
    metadata: {
      spec_version: 0,
      entity_version: 1,
      categories,
      categories_mapping: Object.fromEntries(Object.entries(categories).map(([k, x]) => [k, [x]])),
      use_categories_mapping: false,
      owner_reference: { kind: "user", uuid: deterministicUuid("user", "admin"), name: "admin" },
      creation_time: t,
      last_update_time: t,
    },
    spec: { name: v.name, cluster_reference: { kind: "cluster", uuid: cu }, resources },
    nics,
    createTask: taskUuid,
    taskUuids: [taskUuid],
  };
  state.tasks[taskUuid] = {
    uuid: taskUuid,
    operation: CREATE_VM_OPERATION,
    entity: { kind: "vm", uuid, name: v.name },
    clusterUuid: cu,
    createdAt: now - 60_000,
    durationMs: 0,
  };
}

/** Builds a fresh state from a validated seed. Deterministic: the same seed yields the same state (times aside). */
export function stateFromSeed(seed: Seed, now = Date.now()): EmulatorState {
  const ids = new UuidAllocator(seed);
  const t = isoTime(now);
  const state: EmulatorState = {
    version: 1,
    prismCentral: {
      uuid: seed.prismCentral.uuid?.toLowerCase() ?? ids.uuidFor("prism_central", seed.prismCentral.name),
      name: seed.prismCentral.name,
      version: seed.prismCentral.version ?? "pc.2024.3.0.1",
      virtualIp: seed.prismCentral.virtualIp ?? "127.0.0.1",
    },
    clusters: [],
    hosts: [],
    subnets: [],
    images: [],
    vms: {},
    tasks: {},
    categories: {},
    endpoints: {},
    idempotence: {},
    projects: defaultProjects(),
  };
  addClusters(state, seed, ids, t);
  addSubnetsAndImages(state, seed, ids, t);
  addCategories(state, seed, t);
  for (const v of seed.vms) addSeedVm(state, v, ids, t, now);
  return state;
}
