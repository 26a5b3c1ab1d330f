/**
 * Act (I/O): carries out a pool's decision stage by stage. Every VM write holds one permit of the run's
 * write semaphore until its task has finished; ownership is re-checked on a fresh read right before
 * every PUT and DELETE. Steps that succeeded stay done; every failure is reported.
 */
import { cpuMemoryOf, resizeDecision, systemDiskOf, taskUuidsOf, type CpuMemory, type PowerCycledUpdate, type VmReservation } from "../../../prism/client";
import type { Metadata, VmEntity, VmSpec } from "../../../prism/types";
import { isErrorEntity } from "../../../prism/vm-read";
import type { NodeRole, NodeSecrets } from "../../../render/cloud-init";
import { errorMessage, OwnershipError, ResourceApplyError, type VmOutcome } from "../../errors";
import { cloneSourceOf, withOriginMarker } from "../../clones";
import { categoriesOf, ownedByResource, vmDescription } from "../../ownership";
import { Semaphore, settleLimit } from "../../scheduler";
import { isDeleting, type Services } from "../../services";
import { runKubeStep } from "./act-kube";
import { vmBody, type CreateStep } from "./body";
import type { PoolDecision, PoolSequence, PoolStage, PoolStep, VmRef } from "./decide";
import type { NodePoolResource } from "./machine";
import type { PoolTarget } from "./observe";

/** What act has everything it needs from. */
export interface ActInput {
  readonly res: NodePoolResource;
  readonly target: PoolTarget;
  readonly entities: ReadonlyMap<string, VmEntity>;
  /** The bootstrap secrets of a new VM of a role (body.ts secretsFor). */
  readonly secretsFor: (role: NodeRole) => Promise<NodeSecrets>;
}

interface MutableOutcome {
  created: string[];
  updated: string[];
  deleted: string[];
}

/**
 * Creates one VM (idempotent by uuid) and waits until its task is done. The uuid is reserved first,
 * outside the write permit and together with the bootstrap secrets (one of the run's `ahead` slots,
 * given back once the POST is answered), so the permit covers only the POST and the task wait.
 */
async function createVm(s: Services, a: ActInput, step: CreateStep): Promise<void> {
  // The bootstrap secrets first, without a reservation slot: a joining VM's secrets (the run's join token,
  // through the cluster's API) wait for the control plane, whose own create needs a slot. Holding one
  // while waiting let the workers of a run take every slot and the control plane none (a deadlock).
  const secrets = await a.secretsFor(step.role);
  await s.writes.ahead.acquire();
  let holding = true;
  const giveBack = (): void => {
    if (holding) s.writes.ahead.release();
    holding = false;
  };
  try {
    const ahead = await s.client.reserveVm(step.uuid);
    const body = vmBody(s, a.res, a.target, step, secrets);
    let reserved: VmReservation | undefined = ahead;
    await s.writes.run(async () => {
      const t0 = Date.now();
      for (let attempt = 1; ; attempt++) {
        const r = await s.client.createVm(body, reserved);
        reserved = undefined; // a later attempt reserves again (the reservation may have been used)
        giveBack();
        if (r.existed) {
          const vm = r.entity;
          if (vm && !ownedByResource(vm, s.identity, a.res.id)) throw new OwnershipError(`VM ${step.uuid} exists without ${a.res.id}'s categories; not touching it`);
          if (!vm || isDeleting(vm)) {
            // The same uuid is being deleted (scale down then up): wait for the delete, then create again.
            if (vm) await s.client.waitForTasks(taskUuidsOf(vm).slice(-1), { initialDelayMs: s.writes.poll.initialDelayMs, maxDelayMs: s.writes.poll.maxDelayMs });
            if (attempt < 3) continue;
            throw new Error(`VM ${step.uuid} was being deleted while ${step.name} was created; run apply again`);
          }
        }
        await waitCreateTask(s, a, step, r);
        s.progress.action(a.res.id, `${r.existed ? "found" : "created"} ${step.name} (${step.uuid})${step.role === "init" ? " [kubeadm init]" : ""}`, Date.now() - t0);
        return;
      }
    });
  } finally {
    giveBack();
  }
}

/**
 * Waits for a create's task. When it fails, the uuid is read once more (through the window in which a real
 * PC answers 404 for a just-accepted VM): a POST sent again because its first answer was lost can fail
 * (the uuid is taken) while the first one was accepted after all, and that VM, ours and under another
 * task, is the one to wait for. Anything else is the failure.
 */
async function waitCreateTask(s: Services, a: ActInput, step: CreateStep, r: { uuid: string; taskUuid: string; existed: boolean }): Promise<void> {
  try {
    await s.writes.waitTask(r.taskUuid);
  } catch (e) {
    if (r.existed) throw e;
    const vm = await s.client.getVm(r.uuid, { beingCreated: true }).catch(() => null);
    const last = vm ? taskUuidsOf(vm).slice(-1)[0] : undefined;
    if (!vm || !last || last === r.taskUuid || isErrorEntity(vm) || !ownedByResource(vm, s.identity, a.res.id)) throw e;
    s.progress.action(a.res.id, `${step.name} (${r.uuid}): its create task failed (${errorMessage(e)}), but the VM is there under task ${last} (an earlier POST of it was accepted): waiting for that one`);
    await s.writes.waitTask(last);
  }
}

/**
 * One power cycle at a time per pool: a VM whose change cannot be hot-plugged is down between its ACPI
 * power off and its power on, and no two VMs of a pool are down together (control-plane nodes one at a
 * time, as KCP rolls them; workers too, so a pool never loses more than one node to a resize).
 */
const powerCycles = new WeakMap<ActInput, Semaphore>();

function powerCycleLock(a: ActInput): Semaphore {
  let lock = powerCycles.get(a);
  if (!lock) powerCycles.set(a, (lock = new Semaphore(1)));
  return lock;
}

/** The machine's CPU and memory, as resizeDecision compares them. */
function wantedCpuMemory(a: ActInput): CpuMemory {
  const m = a.res.spec.machine;
  return { num_sockets: m.vcpuSockets, num_vcpus_per_socket: m.vcpusPerSocket, memory_size_mib: m.memoryMiB };
}

/** Puts the machine's wanted values into the spec GET returned (everything else is sent back as it was). */
function applyMachine(s: Services, a: ActInput, uuid: string, spec: VmSpec, metadata: Metadata): void {
  const m = a.res.spec.machine;
  const fresh: VmEntity = { metadata, spec };
  if (!ownedByResource(fresh, s.identity, a.res.id)) throw new OwnershipError(`VM ${uuid} lost ${a.res.id}'s categories; not touching it`);
  if (cloneSourceOf(fresh) !== undefined) throw new OwnershipError(`VM ${uuid} is a copy of VM ${cloneSourceOf(fresh)!}; not touching it`);
  spec.resources.num_sockets = m.vcpuSockets;
  spec.resources.num_vcpus_per_socket = m.vcpusPerSocket;
  spec.resources.memory_size_mib = m.memoryMiB;
  spec.resources.power_state = "ON";
  // The system disk by device type and image source, not disk_list[0] (a cloud-init CD-ROM may come first).
  const disk = systemDiskOf(spec.resources);
  if (disk) {
    const have = disk.disk_size_mib ?? (typeof disk.disk_size_bytes === "number" ? Math.ceil(disk.disk_size_bytes / 1048576) : undefined);
    if (have === undefined || have < m.systemDiskMiB) {
      disk.disk_size_mib = m.systemDiskMiB;
      delete disk.disk_size_bytes;
    }
  }
  metadata.categories = { ...categoriesOf(fresh), ...a.target.categories };
  delete metadata.categories_mapping;
  metadata.use_categories_mapping = false;
  spec.description = withOriginMarker(vmDescription({ stack: s.stack, resourceId: a.res.id, specHash: a.target.specHash, bootHash: a.target.bootHash }), uuid);
}

/**
 * Updates a VM in place. Increases hot-plug (one PUT of the whole spec GET returned); a change a running
 * VM refuses (a decrease of sockets or memory, another cores-per-socket) goes through
 * PrismClient.updateVmPowerCycled (ACPI power off, update, power on), holding the pool's power-cycle lock.
 */
async function updateVm(s: Services, a: ActInput, step: Extract<PoolStep, { op: "update" }>): Promise<void> {
  const { uuid } = step.vm;
  const seen = a.entities.get(uuid);
  const cycle = seen !== undefined && resizeDecision(cpuMemoryOf(seen.spec.resources), wantedCpuMemory(a)).kind === "power-off";
  const write = (): Promise<PowerCycledUpdate> =>
    s.writes.run(() => s.client.updateVmPowerCycled(uuid, (spec, metadata) => applyMachine(s, a, uuid, spec, metadata), { wait: s.writes.poll }));
  const t0 = Date.now();
  const r = cycle ? await powerCycleLock(a).run(write) : await write();
  const how = r.powerCycled ? ` (powered off by ACPI and on again: ${r.decision.reasons.join(", ")} cannot be hot-plugged)` : "";
  s.progress.action(a.res.id, `updated ${step.vm.name} in place: ${step.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(", ")}${how}`, Date.now() - t0);
}

async function deleteVm(s: Services, a: ActInput, vm: VmRef, reason: string): Promise<void> {
  const t0 = Date.now();
  // Re-check ownership on a fresh read right before deleting.
  let fresh = await s.client.getVm(vm.uuid);
  if (!fresh) return;
  if (!ownedByResource(fresh, s.identity, a.res.id)) throw new OwnershipError(`VM ${vm.name} (${vm.uuid}) lost ${a.res.id}'s categories; not deleting it`);
  if (cloneSourceOf(fresh) !== undefined) throw new OwnershipError(`VM ${vm.name} (${vm.uuid}) is a copy of VM ${cloneSourceOf(fresh)!}; not deleting it`);
  if (fresh.status?.state === "PENDING" && (await waitLastTask(s, fresh))) {
    // Its create (an interrupted run's, found through the running tasks) was still running: the DELETE waited
    // for it rather than racing it (what a real Prism Central does with a DELETE of a VM whose create is
    // running is not documented).
    fresh = await s.client.getVm(vm.uuid);
    if (!fresh) return;
  }
  const gone = await s.writes.deleteVmAndWait(vm.uuid);
  s.progress.action(a.res.id, `${gone ? "deleted" : "already gone:"} ${vm.name} (${reason})`, Date.now() - t0);
}

/** Waits, holding a write permit, for the last task an entity names; false when it names none. */
async function waitLastTask(s: Services, entity: VmEntity): Promise<boolean> {
  const task = taskUuidsOf(entity).slice(-1)[0];
  if (task === undefined) return false;
  await s.writes.run(() => s.writes.waitTask(task));
  return true;
}

async function awaitCreate(s: Services, a: ActInput, vm: VmRef): Promise<void> {
  const t0 = Date.now();
  const entity = a.entities.get(vm.uuid);
  if (entity) await waitLastTask(s, entity);
  s.progress.action(a.res.id, `create of ${vm.name} (${vm.uuid}) finished`, Date.now() - t0);
}

/** Runs one step and records what it wrote. */
async function runStep(s: Services, a: ActInput, step: PoolStep, out: MutableOutcome): Promise<void> {
  switch (step.op) {
    case "create":
      await createVm(s, a, step);
      out.created.push(step.name);
      return;
    case "await-create":
      await awaitCreate(s, a, step.vm);
      out.created.push(step.vm.name);
      return;
    case "update":
      await updateVm(s, a, step);
      out.updated.push(step.vm.name);
      return;
    case "delete":
      await deleteVm(s, a, step.vm, step.reason);
      out.deleted.push(step.vm.name);
      return;
    case "refuse":
      throw new Error(step.reason);
    default:
      await runKubeStep(s, a, step);
  }
}

/** Runs a sequence's steps in order; the first failure stops it. */
async function runSequence(s: Services, a: ActInput, q: PoolSequence, out: MutableOutcome): Promise<void> {
  for (const [i, step] of q.steps.entries()) {
    await runStep(s, a, step, out);
    if (i === 0 && q.kind === "replace" && step.op === "create") {
      const old = q.steps.slice(1).map((x) => (x.op === "delete" ? x.vm.name : "")).filter(Boolean);
      s.progress.action(a.res.id, `replacing ${old.join(", ")} with ${step.name}: ${(q.changes ?? []).map((c) => `${c.field} ${c.from} → ${c.to}`).join(", ")}`);
    }
  }
}

/** Runs a stage; failures are collected as `<label>: <message>`. */
async function runStage(s: Services, a: ActInput, stage: PoolStage, parallelism: number, out: MutableOutcome, failures: string[]): Promise<void> {
  const one = (q: PoolSequence): Promise<void> => runSequence(s, a, q, out).catch((e: unknown) => void failures.push(`${q.label}: ${errorMessage(e)}`));
  if (stage.mode === "parallel") {
    await Promise.all(stage.sequences.map(one));
  } else if (stage.mode === "bounded") {
    await settleLimit(stage.sequences, parallelism, one);
  } else {
    for (const q of stage.sequences) {
      const before = failures.length;
      await one(q);
      if (failures.length > before) break;
    }
  }
}

/** Carries out a decision. Throws a ResourceApplyError listing every failed step; steps that succeeded stay done. */
export async function act(s: Services, a: ActInput, decision: PoolDecision): Promise<VmOutcome> {
  const out: MutableOutcome = { created: [], updated: [], deleted: [] };
  const failures: string[] = [];
  if (decision.gated) {
    for (const stage of decision.stages) {
      if (failures.length > 0) break;
      await runStage(s, a, stage, decision.parallelism, out, failures);
    }
  } else {
    await Promise.all(decision.stages.map((stage) => runStage(s, a, stage, decision.parallelism, out, failures)));
  }
  if (failures.length > 0) throw new ResourceApplyError(failures, out);
  return out;
}
