/**
 * NodePool: exactly `replicas` VMs named `<cluster>-<pool>-<n>`, with the machine spec, owned through
 * categories. Scale up creates, scale down deletes the highest ordinals, CPU/memory/disk growth/power
 * and categories update in place (spec_version), anything else (image, disk shrink, subnets, PE
 * cluster, boot type, GPUs, bootstrap inputs) rolls: one new VM `<cluster>-<pool>-<n>-<hash6>` created
 * and running before the old VM of that ordinal is deleted; a control-plane pool rolls one VM at a time,
 * so it never has fewer than `replicas` running members.
 */
import { PrismApiError, PrismLookupError } from "../../prism/errors";
import { taskUuidsOf } from "../../prism/client";
import type { Metadata, VmEntity, VmGpu, VmIntentInput, VmSpec } from "../../prism/types";
import type { ResourceOfKind } from "../../schema/plan";
import type { NodeRole, NodeSecrets } from "../../render/cloud-init";
import { canonicalJson } from "../../plan/canonical";
import { isDeleting, nameOf, type RunContext } from "../context";
import {
  CATEGORY_KEYS,
  categoriesOf,
  categoryValue,
  ownedByResource,
  ownershipCategories,
  parseVmName,
  sha256,
  vmDescription,
  vmName,
  vmUuid,
} from "../ownership";
import { mapLimit, settleLimit } from "../scheduler";
import { readSecret } from "../target";
import type { FieldChange, ResourceAction, ResourceDiff, VmChange } from "../types";
import { bootstrapInputsHash, deriveSecrets, renderMetaData, renderUserData, secretsFromVms } from "../userdata";

type NodePoolResource = ResourceOfKind<"NodePool">;

/** The machine with every reference resolved to a uuid. */
export interface ResolvedMachine {
  clusterUuid: string;
  clusterName: string;
  imageUuid: string;
  imageName: string;
  subnets: Array<{ uuid: string; name: string }>;
  projectUuid?: string;
  /** `gpu_list` items `{vendor, mode, device_id}` of GPUs found on the PE's hosts (as CAPX sends them). */
  gpuList: VmGpu[];
}

interface CreateStep {
  ordinal: number;
  name: string;
  uuid: string;
  role: NodeRole;
}

interface UpdateStep {
  vm: VmEntity;
  changes: FieldChange[];
}

interface ReplaceStep {
  ordinal: number;
  old: VmEntity[];
  create: CreateStep;
  changes: FieldChange[];
}

/** A node pool's diff plus what apply needs to carry it out. */
export interface PoolPlan {
  diff: ResourceDiff;
  creates: CreateStep[];
  waits: VmEntity[];
  updates: UpdateStep[];
  replaces: ReplaceStep[];
  deletes: Array<{ vm: VmEntity; reason: string }>;
  resolved?: ResolvedMachine;
  specHash: string;
  bootHash: string;
  categories: Record<string, string>;
}

/** Resolves the pool's PE cluster, image, subnets and GPUs; every missing one in one error. */
export async function resolveMachine(ctx: RunContext, res: NodePoolResource): Promise<ResolvedMachine> {
  // The lookups are shared by pools on the same PE/image/subnets/project; the GPU list is the pool's own
  // (memoizing it with the lookups gave a GPU pool the GPU-less list of a pool resolved first in the run).
  // GPUs are found by name or device id on the PE's hosts (one hosts/list per client), as CAPX does: a
  // real Prism Central needs the device_id, vendor and mode of a GPU that exists there.
  const lookups = await resolveLookups(ctx, res);
  const gpus = res.spec.machine.gpus;
  const gpuList = gpus.length > 0 ? await ctx.client.resolveGpus(lookups.clusterUuid, gpus, lookups.clusterName) : [];
  return { ...lookups, gpuList };
}

async function resolveLookups(ctx: RunContext, res: NodePoolResource): Promise<Omit<ResolvedMachine, "gpuList">> {
  const m = res.spec.machine;
  return ctx.once(`machine:${canonicalJson([m.cluster, m.image, m.subnets, m.project ?? null])}`, async () => {
    const r = await ctx.client.resolveAll({
      clusters: [m.cluster],
      images: [m.image],
      subnets: m.subnets.map((s) => ({ ref: s, cluster: m.cluster })),
    });
    let projectUuid: string | undefined;
    if (m.project) {
      const p = m.project;
      if ("uuid" in p) projectUuid = p.uuid;
      else {
        const all = await ctx.client.listAll("projects");
        const hits = all.filter((e) => String((e.spec as { name?: unknown })?.name ?? "").toLowerCase() === p.name.toLowerCase());
        if (hits.length !== 1) {
          throw new PrismLookupError([PrismLookupError.issue({ kind: "project", name: p.name, problem: hits.length === 0 ? "missing" : "ambiguous", candidates: hits.map((h) => ({ name: p.name, uuid: h.metadata.uuid ?? "" })) })]);
        }
        projectUuid = hits[0]!.metadata.uuid;
      }
    }
    return {
      clusterUuid: r.clusters[0]!.uuid,
      clusterName: r.clusters[0]!.name,
      imageUuid: r.images[0]!.uuid,
      imageName: r.images[0]!.name,
      subnets: r.subnets.map((s) => ({ uuid: s.uuid, name: s.name })),
      ...(projectUuid ? { projectUuid } : {}),
    };
  });
}

/** The cluster and endpoint specs a pool's user data needs. */
function poolContext(ctx: RunContext, res: NodePoolResource) {
  const cluster = ctx.resourceOfKind(res.spec.cluster, "NutanixCluster", res.id);
  const endpoint = ctx.resourceOfKind(cluster.spec.endpoint, "KubeVipEndpoint", cluster.id);
  return { cluster, endpoint };
}

/** The hash of the immutable inputs a VM is built from (resolved uuids + disk size + bootstrap inputs). */
export function specHashOf(r: ResolvedMachine, res: NodePoolResource, bootHash: string): string {
  const m = res.spec.machine;
  return sha256(
    canonicalJson({
      cluster: r.clusterUuid,
      image: r.imageUuid,
      subnets: r.subnets.map((s) => s.uuid),
      bootType: m.bootType,
      gpus: r.gpuList,
      project: r.projectUuid ?? null,
      diskMiB: m.systemDiskMiB,
      boot: bootHash.slice(0, 12),
    }),
  );
}

interface ActualVm {
  clusterUuid?: string;
  imageUuid?: string;
  imageName?: string;
  subnets: string[];
  bootType: "uefi" | "legacy";
  gpus: string;
  diskMiB?: number;
  sockets?: number;
  vcpus?: number;
  memory?: number;
  power?: string;
}

function actualOf(vm: VmEntity): ActualVm {
  const r = vm.spec?.resources ?? {};
  const disk = r.disk_list?.[0];
  const statusDisk = vm.status?.resources?.disk_list?.[0];
  return {
    clusterUuid: vm.spec?.cluster_reference?.uuid,
    imageUuid: disk?.data_source_reference?.uuid,
    imageName: disk?.data_source_reference?.name ?? statusDisk?.data_source_reference?.name,
    subnets: (r.nic_list ?? []).map((n) => n.subnet_reference?.uuid ?? ""),
    bootType: r.boot_config?.boot_type === "UEFI" ? "uefi" : "legacy",
    gpus: canonicalJson(r.gpu_list ?? []),
    diskMiB: disk?.disk_size_mib ?? (typeof disk?.disk_size_bytes === "number" ? Math.ceil(disk.disk_size_bytes / 1048576) : statusDisk?.disk_size_mib),
    sockets: r.num_sockets,
    vcpus: r.num_vcpus_per_socket,
    memory: r.memory_size_mib,
    power: r.power_state ?? vm.status?.resources?.power_state,
  };
}

/** Changes that need a new VM. */
function immutableChanges(a: ActualVm, r: ResolvedMachine, res: NodePoolResource, vm: VmEntity, bootHash: string): FieldChange[] {
  const m = res.spec.machine;
  const out: FieldChange[] = [];
  if (a.clusterUuid !== r.clusterUuid) out.push({ field: "cluster_reference (PE cluster)", from: a.clusterUuid ?? "none", to: `${r.clusterName} (${r.clusterUuid})` });
  if (a.imageUuid !== r.imageUuid) out.push({ field: "image", from: a.imageName ?? a.imageUuid ?? "none", to: r.imageName });
  const want = r.subnets.map((s) => s.uuid);
  if (canonicalJson(a.subnets) !== canonicalJson(want)) out.push({ field: "subnets", from: a.subnets.join(",") || "none", to: r.subnets.map((s) => s.name).join(",") });
  if (a.bootType !== m.bootType) out.push({ field: "boot_type", from: a.bootType, to: m.bootType });
  if (a.gpus !== canonicalJson(r.gpuList)) out.push({ field: "gpu_list", from: a.gpus, to: canonicalJson(r.gpuList) });
  if (a.diskMiB !== undefined && a.diskMiB > m.systemDiskMiB) out.push({ field: "disk_size_mib (shrink)", from: String(a.diskMiB), to: String(m.systemDiskMiB) });
  const boot = categoriesOf(vm)[CATEGORY_KEYS.boot];
  if (boot !== bootHash.slice(0, 12)) out.push({ field: "bootstrap inputs (kubernetes version, endpoint, labels, taints)", from: boot ?? "unknown", to: bootHash.slice(0, 12) });
  return out;
}

/** Changes that can be made in place. */
function mutableChanges(a: ActualVm, res: NodePoolResource, vm: VmEntity, categories: Record<string, string>): FieldChange[] {
  const m = res.spec.machine;
  const out: FieldChange[] = [];
  if (a.sockets !== m.vcpuSockets) out.push({ field: "num_sockets", from: String(a.sockets), to: String(m.vcpuSockets) });
  if (a.vcpus !== m.vcpusPerSocket) out.push({ field: "num_vcpus_per_socket", from: String(a.vcpus), to: String(m.vcpusPerSocket) });
  if (a.memory !== m.memoryMiB) out.push({ field: "memory_size_mib", from: String(a.memory), to: String(m.memoryMiB) });
  if (a.diskMiB !== undefined && a.diskMiB < m.systemDiskMiB) out.push({ field: "disk_size_mib (grow)", from: String(a.diskMiB), to: String(m.systemDiskMiB) });
  if (a.power !== "ON") out.push({ field: "power_state", from: a.power ?? "unknown", to: "ON" });
  const have = categoriesOf(vm);
  for (const [k, v] of Object.entries(categories)) {
    if (have[k] !== v) out.push({ field: `categories.${k}`, from: have[k] ?? "none", to: v });
  }
  return out;
}

function sortByName(vms: VmEntity[]): VmEntity[] {
  return [...vms].sort((x, y) => nameOf(x).localeCompare(nameOf(y), "en", { numeric: true }));
}

/** Computes the diff of a pool against Prism Central (reads only). */
export async function planNodePool(ctx: RunContext, res: NodePoolResource): Promise<PoolPlan> {
  const spec = res.spec;
  const errors: string[] = [];
  const notes: string[] = [];
  const empty = (bootHash = "", specHash = ""): PoolPlan => ({
    diff: { id: res.id, kind: res.kind, action: "no-change", changes: [], vms: [], notes, errors },
    creates: [],
    waits: [],
    updates: [],
    replaces: [],
    deletes: [],
    specHash,
    bootHash,
    categories: {},
  });
  let cluster;
  let endpoint;
  try {
    ({ cluster, endpoint } = poolContext(ctx, res));
  } catch (e) {
    errors.push((e as Error).message);
    return empty();
  }
  const bootHash = bootstrapInputsHash(cluster.spec, endpoint.spec, spec);
  let resolved: ResolvedMachine;
  try {
    resolved = await resolveMachine(ctx, res);
  } catch (e) {
    if (e instanceof PrismLookupError) {
      errors.push(...e.issues.map((i) => i.message));
      return empty(bootHash);
    }
    throw e;
  }
  const specHash = specHashOf(resolved, res, bootHash);
  const categories: Record<string, string> = {
    ...spec.machine.additionalCategories,
    ...ownershipCategories({ stack: ctx.stack, resourceId: res.id, clusterName: spec.clusterName, pool: spec.name, specHash, bootHash }),
  };
  const inv = await ctx.inventory();
  const owned = inv.ownedByResource(ctx.stack, res.id);
  const live = owned.filter((v) => !isDeleting(v));

  // Group the live VMs by ordinal; VMs of ours whose names do not parse are deleted.
  const groups = new Map<number, VmEntity[]>();
  const deletes: PoolPlan["deletes"] = [];
  for (const vm of live) {
    const p = parseVmName(nameOf(vm), spec.clusterName, spec.name);
    if (!p) {
      deletes.push({ vm, reason: "name does not follow <cluster>-<pool>-<n>" });
      continue;
    }
    const list = groups.get(p.ordinal) ?? [];
    list.push(vm);
    groups.set(p.ordinal, list);
  }

  const matchesSpec = (vm: VmEntity): boolean => immutableChanges(actualOf(vm), resolved, res, vm, bootHash).length === 0;
  // Expected uuids of VMs that may exist without being listed (a create still running).
  const probes: Array<{ ordinal: number; name: string; uuid: string }> = [];
  for (let n = 1; n <= spec.replicas; n++) {
    const g = groups.get(n) ?? [];
    if (g.length === 0) {
      const name = vmName(spec.clusterName, spec.name, n);
      probes.push({ ordinal: n, name, uuid: vmUuid(ctx.stack, res.id, name, specHash) });
    } else if (!g.some(matchesSpec)) {
      const name = vmName(spec.clusterName, spec.name, n, specHash);
      probes.push({ ordinal: n, name, uuid: vmUuid(ctx.stack, res.id, name, specHash) });
    }
  }
  // Those the VM list lacks may be creates still running (an interrupted run): the run's one list of
  // running VM_CREATE tasks names them, and only those are read. Without a task list, GET each.
  const waits: VmEntity[] = [];
  const unlisted = new Map(probes.filter((p) => !inv.byUuid.has(p.uuid)).map((p) => [p.uuid, p]));
  // VMs to create are likely: list the category keys' values now (reads), alongside the task list.
  if (ctx.writable && unlisted.size > 0) ctx.prefetchCategories(Object.keys(categories));
  const pending = unlisted.size > 0 ? await ctx.pendingCreates(new Set(unlisted.keys())) : [];
  const probed = pending
    ? pending.map((vm) => ({ p: unlisted.get(vm.metadata.uuid ?? "")!, vm })).filter((x) => x.p !== undefined)
    : await mapLimit([...unlisted.values()], 16, async (p) => ({ p, vm: await ctx.client.getVm(p.uuid) }));
  for (const { p, vm } of probed) {
    if (!vm) continue;
    if (!ownedByResource(vm, ctx.stack, res.id)) {
      errors.push(`VM ${nameOf(vm)} (${p.uuid}) holds this pool's deterministic uuid but lacks its ownership categories; not touching it`);
      continue;
    }
    inv.add(vm);
    if (isDeleting(vm)) continue;
    const list = groups.get(p.ordinal) ?? [];
    list.push(vm);
    groups.set(p.ordinal, list);
    if (vm.status?.state === "PENDING") waits.push(vm);
  }

  const creates: CreateStep[] = [];
  const updates: UpdateStep[] = [];
  const replaces: ReplaceStep[] = [];
  const vmChanges: VmChange[] = [];
  const cpHasMembers = live.length > 0 || waits.length > 0;
  const collision = (name: string): void => {
    for (const other of inv.named(name)) {
      if (ownedByResource(other, ctx.stack, res.id) || isDeleting(other)) continue;
      errors.push(
        `VM name ${name} is taken by VM ${other.metadata.uuid} that ${res.id} does not own (it lacks the categories ${CATEGORY_KEYS.stack}=${categoryValue(ctx.stack)} and ${CATEGORY_KEYS.resource}); refusing to adopt, modify or delete it: rename or remove that VM, or rename the pool`,
      );
    }
  };
  const roleFor = (n: number, replacing: boolean): NodeRole =>
    spec.role === "worker" ? "worker-join" : n === 1 && !replacing && !cpHasMembers ? "init" : "control-plane-join";

  for (let n = 1; n <= spec.replicas; n++) {
    const g = sortByName(groups.get(n) ?? []);
    if (g.length === 0) {
      const name = vmName(spec.clusterName, spec.name, n);
      collision(name);
      const uuid = vmUuid(ctx.stack, res.id, name, specHash);
      creates.push({ ordinal: n, name, uuid, role: roleFor(n, false) });
      vmChanges.push({ op: "create", name, uuid, changes: [] });
      continue;
    }
    const keepers = g.filter(matchesSpec);
    if (keepers.length > 0) {
      // Prefer a settled VM; the others of this ordinal are leftovers of an interrupted roll.
      const keep = keepers.find((v) => v.status?.state !== "PENDING") ?? keepers[0]!;
      const pendingKeep = waits.includes(keep);
      if (!pendingKeep) {
        const changes = mutableChanges(actualOf(keep), res, keep, categories);
        if (changes.length > 0) {
          updates.push({ vm: keep, changes });
          vmChanges.push({ op: "update", name: nameOf(keep), uuid: keep.metadata.uuid, changes });
        }
      } else {
        vmChanges.push({ op: "wait", name: nameOf(keep), uuid: keep.metadata.uuid, changes: [], reason: "create still running" });
      }
      for (const other of g) {
        if (other === keep) continue;
        deletes.push({ vm: other, reason: `superseded by ${nameOf(keep)}` });
      }
      continue;
    }
    const name = vmName(spec.clusterName, spec.name, n, specHash);
    collision(name);
    const uuid = vmUuid(ctx.stack, res.id, name, specHash);
    const changes = immutableChanges(actualOf(g[0]!), resolved, res, g[0]!, bootHash);
    replaces.push({ ordinal: n, old: g, create: { ordinal: n, name, uuid, role: roleFor(n, true) }, changes });
    for (const old of g) vmChanges.push({ op: "replace", name: nameOf(old), uuid: old.metadata.uuid, newName: name, newUuid: uuid, changes });
  }
  // Scale down: ordinals above replicas, highest first.
  const excess = [...groups.entries()].filter(([n]) => n > spec.replicas).sort((a, b) => b[0] - a[0]);
  for (const [, vms] of excess) for (const vm of sortByName(vms).reverse()) deletes.push({ vm, reason: `scale down to ${spec.replicas}` });
  for (const d of deletes) vmChanges.push({ op: "delete", name: nameOf(d.vm), uuid: d.vm.metadata.uuid, changes: [], reason: d.reason });

  const action: ResourceAction =
    live.length === 0 && waits.length === 0 && creates.length > 0
      ? "create"
      : replaces.length > 0
        ? "replace"
        : creates.length + updates.length + deletes.length > 0
          ? "update"
          : "no-change";
  notes.push(`${spec.replicas} × ${spec.machine.vcpuSockets}×${spec.machine.vcpusPerSocket} vCPU, ${spec.machine.memoryMiB} MiB, ${spec.machine.systemDiskMiB} MiB disk from ${resolved.imageName} on ${resolved.clusterName}/${resolved.subnets.map((s) => s.name).join(",")}; spec ${specHash.slice(0, 12)}`);
  const changes: FieldChange[] = [];
  const current = live.length;
  if (current !== spec.replicas) changes.push({ field: "replicas", from: String(current), to: String(spec.replicas) });
  return {
    diff: { id: res.id, kind: res.kind, action, changes, vms: vmChanges, notes, errors },
    creates,
    waits,
    updates,
    replaces,
    deletes,
    resolved,
    specHash,
    bootHash,
    categories,
  };
}

/** The VM body of a create. */
function vmBody(ctx: RunContext, res: NodePoolResource, plan: PoolPlan, step: CreateStep, secrets: NodeSecrets): VmIntentInput {
  const r = plan.resolved!;
  const m = res.spec.machine;
  const { cluster, endpoint } = poolContext(ctx, res);
  const userData = renderUserData({ cluster: cluster.spec, endpoint: endpoint.spec, pool: res.spec, vmName: step.name, role: step.role, secrets });
  const metadata: Metadata = { kind: "vm", uuid: step.uuid, categories: plan.categories };
  if (r.projectUuid) metadata.project_reference = { kind: "project", uuid: r.projectUuid };
  const spec: VmSpec = {
    name: step.name,
    description: vmDescription({ stack: ctx.stack, resourceId: res.id, specHash: plan.specHash, bootHash: plan.bootHash }),
    cluster_reference: { kind: "cluster", uuid: r.clusterUuid },
    resources: {
      power_state: "ON",
      num_sockets: m.vcpuSockets,
      num_vcpus_per_socket: m.vcpusPerSocket,
      memory_size_mib: m.memoryMiB,
      disk_list: [
        {
          data_source_reference: { kind: "image", uuid: r.imageUuid },
          disk_size_mib: m.systemDiskMiB,
          device_properties: { device_type: "DISK", disk_address: { adapter_type: "SCSI", device_index: 0 } },
        },
      ],
      nic_list: r.subnets.map((s) => ({ subnet_reference: { kind: "subnet", uuid: s.uuid } })),
      guest_customization: {
        is_overridable: false,
        cloud_init: {
          user_data: Buffer.from(userData, "utf8").toString("base64"),
          meta_data: Buffer.from(renderMetaData(step.name, step.uuid), "utf8").toString("base64"),
        },
      },
      ...(m.bootType === "uefi" ? { boot_config: { boot_type: "UEFI" as const } } : {}),
      ...(r.gpuList.length > 0 ? { gpu_list: r.gpuList } : {}),
    },
  };
  return { api_version: "3.1", metadata, spec };
}

/** The cluster's bootstrap secrets: read back from its VMs, else derived (see userdata.ts). */
function clusterSecrets(ctx: RunContext, res: NodePoolResource): Promise<NodeSecrets> {
  const clusterId = res.spec.cluster;
  return ctx.once(`secrets:${clusterId}`, async () => {
    const { cluster, endpoint } = poolContext(ctx, res);
    const inv = await ctx.inventory();
    const clusterValue = categoryValue(cluster.spec.name);
    const mine = inv.ownedByStack(ctx.stack).filter((v) => categoriesOf(v)[CATEGORY_KEYS.cluster] === clusterValue && !isDeleting(v));
    const cpValue = categoryValue("cp");
    const ordered = [...mine.filter((v) => categoriesOf(v)[CATEGORY_KEYS.pool] === cpValue), ...mine.filter((v) => categoriesOf(v)[CATEGORY_KEYS.pool] !== cpValue)];
    const found = secretsFromVms(ordered);
    const derived = deriveSecrets(ctx.credentials, ctx.stack, clusterId);
    const secrets: NodeSecrets = {
      bootstrapToken: found.bootstrapToken ?? derived.bootstrapToken,
      certificateKey: found.certificateKey ?? derived.certificateKey,
    };
    const peers = endpoint.spec.bgp?.peers ?? [];
    if (peers.some((p) => p.password)) {
      secrets.bgpPeerPasswords = peers.map((p, i) => (p.password ? readSecret(p.password, ctx.env, `${endpoint.id}: bgp.peers[${i}].password`) : undefined));
    }
    return secrets;
  });
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Creates one VM (idempotent by uuid) and waits until its task is done. */
async function createVm(ctx: RunContext, res: NodePoolResource, plan: PoolPlan, step: CreateStep, secrets: NodeSecrets): Promise<void> {
  await ctx.writes.run(async () => {
    const t0 = Date.now();
    const body = vmBody(ctx, res, plan, step, secrets);
    for (let attempt = 1; ; attempt++) {
      const r = await ctx.client.createVm(body);
      if (r.existed) {
        const vm = r.entity;
        if (vm && !ownedByResource(vm, ctx.stack, res.id)) throw new Error(`VM ${step.uuid} exists without ${res.id}'s categories; not touching it`);
        if (!vm || isDeleting(vm)) {
          // The same uuid is being deleted (scale down then up): wait for the delete, then create again.
          if (vm) await ctx.client.waitForTasks(taskUuidsOf(vm).slice(-1), { initialDelayMs: ctx.poll.initialDelayMs, maxDelayMs: ctx.poll.maxDelayMs });
          if (attempt < 3) continue;
          throw new Error(`VM ${step.uuid} was being deleted while ${step.name} was created; run apply again`);
        }
      }
      await ctx.waitTask(r.taskUuid);
      ctx.progress.action(res.id, `${r.existed ? "found" : "created"} ${step.name} (${step.uuid})${step.role === "init" ? " [kubeadm init]" : ""}`, Date.now() - t0);
      return;
    }
  });
}

async function updateVm(ctx: RunContext, res: NodePoolResource, plan: PoolPlan, step: UpdateStep): Promise<void> {
  const m = res.spec.machine;
  const uuid = step.vm.metadata.uuid!;
  await ctx.writes.run(async () => {
    const t0 = Date.now();
    await ctx.client.updateVm(
      uuid,
      (spec, metadata) => {
        const fresh: VmEntity = { metadata, spec };
        if (!ownedByResource(fresh, ctx.stack, res.id)) throw new Error(`VM ${uuid} lost ${res.id}'s categories; not touching it`);
        spec.resources.num_sockets = m.vcpuSockets;
        spec.resources.num_vcpus_per_socket = m.vcpusPerSocket;
        spec.resources.memory_size_mib = m.memoryMiB;
        spec.resources.power_state = "ON";
        const disk = spec.resources.disk_list?.[0];
        if (disk) {
          const have = disk.disk_size_mib ?? (typeof disk.disk_size_bytes === "number" ? Math.ceil(disk.disk_size_bytes / 1048576) : undefined);
          if (have === undefined || have < m.systemDiskMiB) {
            disk.disk_size_mib = m.systemDiskMiB;
            delete disk.disk_size_bytes;
          }
        }
        metadata.categories = { ...categoriesOf(fresh), ...plan.categories };
        delete metadata.categories_mapping;
        metadata.use_categories_mapping = false;
        spec.description = vmDescription({ stack: ctx.stack, resourceId: res.id, specHash: plan.specHash, bootHash: plan.bootHash });
      },
      { wait: { initialDelayMs: ctx.poll.initialDelayMs, maxDelayMs: ctx.poll.maxDelayMs, timeoutMs: ctx.poll.timeoutMs } },
    );
    ctx.progress.action(res.id, `updated ${nameOf(step.vm)} in place: ${step.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(", ")}`, Date.now() - t0);
  });
}

async function deleteVm(ctx: RunContext, res: NodePoolResource, vm: VmEntity, reason: string): Promise<void> {
  const t0 = Date.now();
  // Re-check ownership on a fresh read right before deleting.
  const fresh = await ctx.client.getVm(vm.metadata.uuid!);
  if (!fresh) return;
  if (!ownedByResource(fresh, ctx.stack, res.id)) throw new Error(`VM ${nameOf(vm)} (${vm.metadata.uuid}) lost ${res.id}'s categories; not deleting it`);
  const gone = await ctx.deleteVmAndWait(vm.metadata.uuid!);
  ctx.progress.action(res.id, `${gone ? "deleted" : "already gone:"} ${nameOf(vm)} (${reason})`, Date.now() - t0);
}

async function waitPending(ctx: RunContext, res: NodePoolResource, vm: VmEntity): Promise<void> {
  const t0 = Date.now();
  await ctx.writes.run(async () => {
    const tasks = taskUuidsOf(vm);
    if (tasks.length > 0) await ctx.waitTask(tasks[tasks.length - 1]!);
  });
  ctx.progress.action(res.id, `create of ${nameOf(vm)} (${vm.metadata.uuid}) finished`, Date.now() - t0);
}

/** What apply did. */
export interface PoolOutcome {
  created: string[];
  updated: string[];
  deleted: string[];
}

/** Carries out a pool plan. Throws one error listing every failed step; steps that succeeded stay done. */
export async function applyNodePool(ctx: RunContext, res: NodePoolResource, plan: PoolPlan): Promise<PoolOutcome> {
  if (plan.diff.errors.length > 0) throw new Error(plan.diff.errors.join("\n"));
  const outcome: PoolOutcome = { created: [], updated: [], deleted: [] };
  if (plan.diff.action === "no-change" && plan.waits.length === 0) return outcome;
  if (plan.creates.length + plan.replaces.length + plan.updates.length > 0) await ctx.ensureCategories(plan.categories);
  const needSecrets = plan.creates.length + plan.replaces.length > 0;
  const secrets = needSecrets ? await clusterSecrets(ctx, res) : undefined;
  const failures: string[] = [];
  const record = (what: string, p: Promise<void>, list?: string[], name?: string): Promise<void> =>
    p.then(
      () => {
        if (list && name) list.push(name);
      },
      (e: unknown) => {
        failures.push(`${what}: ${describeError(e)}`);
      },
    );

  const first: Array<Promise<void>> = [];
  for (const c of plan.creates) first.push(record(`create ${c.name}`, createVm(ctx, res, plan, c, secrets!), outcome.created, c.name));
  for (const w of plan.waits) first.push(record(`create ${nameOf(w)}`, waitPending(ctx, res, w), outcome.created, nameOf(w)));
  for (const u of plan.updates) first.push(record(`update ${nameOf(u.vm)}`, updateVm(ctx, res, plan, u), outcome.updated, nameOf(u.vm)));

  const rollOne = async (step: ReplaceStep): Promise<void> => {
    await createVm(ctx, res, plan, step.create, secrets!);
    outcome.created.push(step.create.name);
    ctx.progress.action(res.id, `replacing ${step.old.map(nameOf).join(", ")} with ${step.create.name}: ${step.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(", ")}`);
    for (const old of step.old) {
      await deleteVm(ctx, res, old, `replaced by ${step.create.name}`);
      outcome.deleted.push(nameOf(old));
    }
  };
  const deleteAll = async (): Promise<void> => {
    await Promise.all(plan.deletes.map((d) => record(`delete ${nameOf(d.vm)}`, deleteVm(ctx, res, d.vm, d.reason), outcome.deleted, nameOf(d.vm))));
  };

  if (res.spec.role === "control-plane") {
    // Quorum first: new members join before any old one leaves, one at a time.
    await Promise.all(first);
    if (failures.length === 0) {
      for (const step of plan.replaces) {
        try {
          await rollOne(step);
        } catch (e) {
          failures.push(`replace ${step.old.map(nameOf).join(", ")}: ${describeError(e)}`);
          break;
        }
      }
    }
    if (failures.length === 0) await deleteAll();
  } else {
    const rolls = settleLimit(plan.replaces, ctx.writes.size, rollOne).then((rs) =>
      rs.forEach((r, i) => {
        if (r.status === "rejected") failures.push(`replace ${plan.replaces[i]!.old.map(nameOf).join(", ")}: ${describeError(r.reason)}`);
      }),
    );
    await Promise.all([...first, rolls, deleteAll()]);
  }
  if (failures.length > 0) {
    const err = new Error(failures.join("\n"));
    (err as Error & { outcome?: PoolOutcome }).outcome = outcome;
    throw err;
  }
  return outcome;
}

/** True when an error is a 404 (the entity is gone). */
export function isGone(e: unknown): boolean {
  return e instanceof PrismApiError && e.status === 404;
}
