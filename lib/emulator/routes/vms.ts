/** VMs: create, list, get, update (spec_version checked) and delete, each write answered 202 with a task. */
import { randomUUID } from "node:crypto";
import { API_VERSION } from "../api";
import type { Emulator } from "../emulator";
import { conflict, errorReply, invalid, notFound, zodDetails } from "../errors";
import type { Reply } from "../http";
import { gpuShortage } from "../gpu-usage";
import { hotRemoveRefusal } from "../hot-remove";
import { createQueued, vmListed } from "../lifecycle";
import { CREATE_VM_OPERATION, DELETE_VM_OPERATION, UPDATE_VM_OPERATION } from "../operations";
import { acceptedBody, renderVm, renderVmAccepted } from "../render";
import { addGuestCustomizationCdrom } from "../vm-defaults";
import type { JsonObject, StoredVm, StoredVmMetadata } from "../state";
import { UUID_RE, deterministicUuid, isoTime } from "../util";
import { VmBodySchema, type VmBody } from "../vm-body";
import { isReservedUuid } from "./idempotence";
import { categoriesFrom, materializeSpec } from "../vm-spec";
import { listReply } from "./list";
import { methodNotAllowed, route, type Route, type RouteRequest } from "./route";

/**
 * 202 and a task that fails, with no VM stored: how pc ≥ 2022.1 reports errors of an accepted create
 * (the nutanix.dev "v3 API behavior changes with pc.2022.1" text, kept in prism-go-client's older
 * `v3/models/model_*.go`); a GET of the uuid then answers 404.
 */
function failedCreate(emu: Emulator, b: VmBody, uuid: string, fail: { detail: string; code: string }): Reply {
  const task = emu.newTask(CREATE_VM_OPERATION, { kind: "vm", uuid, name: b.spec.name }, b.spec.cluster_reference.uuid, fail);
  return { status: 202, body: acceptedBody(uuid, 0, b.metadata.use_categories_mapping === true, b.spec as JsonObject, task.uuid), wrote: true };
}

function createVm(emu: Emulator, raw: unknown): Reply {
  const parsed = VmBodySchema.safeParse(raw);
  if (!parsed.success) return invalid(zodDetails(parsed.error));
  const b = parsed.data;
  let uuid: string;
  if (b.metadata.uuid !== undefined) {
    if (!UUID_RE.test(b.metadata.uuid)) return errorReply(400, "INVALID_REQUEST", `metadata.uuid ${b.metadata.uuid} is not a valid UUID`, "vm");
    uuid = b.metadata.uuid.toLowerCase();
    if (emu.opts.requireReservedUuids && !isReservedUuid(emu.state, uuid, emu.now)) {
      // Wording [guess]: the DOC says only that the task "fails with a bad request error".
      return failedCreate(emu, b, uuid, { detail: `BAD_REQUEST: invalid idempotency UUID ${uuid}: it was not reserved through /idempotence_identifiers`, code: "BAD_REQUEST" });
    }
    // [guess] No public source shows what a second create with a used reserved uuid answers; the
    // emulator reports it through the task (pc ≥ 2022.1 style), never with a synchronous 409.
    if (emu.state.vms[uuid]) return failedCreate(emu, b, uuid, { detail: `ENTITY_ALREADY_EXISTS: vm : ${uuid} already exists.`, code: "ENTITY_ALREADY_EXISTS" });
  } else uuid = randomUUID();
  const cats = categoriesFrom(emu.state, b.metadata);
  if ("status" in cats) return cats;
  const mat = materializeSpec(emu.state, b.spec, undefined);
  if ("status" in mat) return mat;
  const gpuShort = emu.opts.gpuCapacity ? gpuShortage(emu.state, b.spec.cluster_reference.uuid, b.spec.resources.gpu_list ?? [], undefined) : undefined;
  if (gpuShort) return failedCreate(emu, b, uuid, { detail: gpuShort, code: "NO_GPU_AVAILABLE" });
  if (b.spec.resources.guest_customization !== undefined) addGuestCustomizationCdrom(mat.spec, uuid, emu.opts.cdromFirst === true);
  const t = isoTime(emu.now);
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
  const task = emu.newTask(
    CREATE_VM_OPERATION,
    { kind: "vm", uuid, name: b.spec.name },
    b.spec.cluster_reference.uuid,
    mat.clusterIsPc ? { detail: "INTERNAL_ERROR: cannot create a VM on a Prism Central cluster (service_list PRISM_CENTRAL)", code: "INTERNAL_ERROR" } : undefined,
  );
  const vm: StoredVm = { uuid, metadata: md, spec: mat.spec, nics: mat.nics, createTask: task.uuid, taskUuids: [task.uuid], ...(emu.opts.keepFailedCreates === true ? { keptOnFailure: true } : {}) };
  emu.state.vms[uuid] = vm;
  return { status: 202, body: renderVmAccepted(vm, task.uuid, b.spec as JsonObject), wrote: true };
}

function updateVm(emu: Emulator, uuid: string, raw: unknown): Reply {
  const vm = emu.state.vms[uuid];
  if (!vm) return notFound("vm", uuid);
  const parsed = VmBodySchema.safeParse(raw);
  if (!parsed.success) return invalid(zodDetails(parsed.error));
  const b = parsed.data;
  if (b.metadata.uuid !== undefined && b.metadata.uuid.toLowerCase() !== uuid) return invalid({ "metadata.uuid": [`expected ${uuid} (the uuid in the path)`] });
  if (vm.deleteTask) return invalid({ "": [`vm ${uuid} is being deleted`] });
  const sent = b.metadata.spec_version;
  if (!emu.opts.lenientVersions) {
    if (sent === undefined) return invalid({ "metadata.spec_version": ["'spec_version' is a required property"] });
    if (sent < vm.metadata.spec_version) return conflict("vm");
  }
  const cats = categoriesFrom(emu.state, b.metadata, vm.metadata);
  if ("status" in cats) return cats;
  const mat = materializeSpec(emu.state, b.spec, vm);
  if ("status" in mat) return mat;
  const entity = { kind: "vm", uuid, name: b.spec.name };
  const refused = emu.opts.refuseHotRemove ? hotRemoveRefusal(emu.state, vm, b.spec.resources as JsonObject, emu.now) : undefined;
  const gpuShort = emu.opts.gpuCapacity ? gpuShortage(emu.state, b.spec.cluster_reference.uuid, b.spec.resources.gpu_list ?? [], uuid) : undefined;
  if (refused || gpuShort) {
    // Refused through the task (pc ≥ 2022.1); the stored spec does not change.
    const task = emu.newTask(UPDATE_VM_OPERATION, entity, b.spec.cluster_reference.uuid, refused ?? { detail: gpuShort!, code: "NO_GPU_AVAILABLE" });
    vm.taskUuids = [task.uuid];
    return { status: 202, body: renderVmAccepted(vm, task.uuid, b.spec as JsonObject), wrote: true };
  }
  const task = emu.newTask(UPDATE_VM_OPERATION, entity, b.spec.cluster_reference.uuid);
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
  vm.taskUuids = [task.uuid];
  return { status: 202, body: renderVmAccepted(vm, task.uuid, b.spec as JsonObject), wrote: true };
}

function deleteVm(emu: Emulator, uuid: string): Reply {
  const vm = emu.state.vms[uuid];
  if (!vm) return notFound("vm", uuid);
  const name = (vm.spec as { name?: string }).name;
  const cu = (vm.spec as { cluster_reference?: { uuid?: string } }).cluster_reference?.uuid;
  const task = vm.deleteTask ? emu.state.tasks[vm.deleteTask]! : emu.newTask(DELETE_VM_OPERATION, { kind: "vm", uuid, ...(name ? { name } : {}) }, cu);
  vm.deleteTask = task.uuid;
  vm.taskUuids = [task.uuid];
  return {
    status: 202,
    body: { api_version: API_VERSION, metadata: { kind: "vm", uuid }, spec: "", status: { state: "DELETE_PENDING", execution_context: { task_uuid: task.uuid } } },
    wrote: true,
  };
}

export function vmRoutes(req: RouteRequest): Route | undefined {
  const { emu, method, segs, body } = req;
  const s = emu.state;
  const n = segs.length;
  if (segs[0] !== "vms") return undefined;
  if (n === 1) {
    if (method !== "POST") return methodNotAllowed(method, "/vms", "POST");
    return route("/vms", true, () => createVm(emu, body));
  }
  if (n === 2 && segs[1] === "list") {
    if (method !== "POST") return methodNotAllowed(method, "/vms/list", "POST");
    return route("/vms/list", false, () => {
      const all = Object.values(s.vms)
        .filter((vm) => vmListed(s, vm, emu.now))
        .map((vm) => renderVm(s, vm, emu.now));
      const status = (e: JsonObject) => e.status as { resources?: { power_state?: string }; cluster_reference?: { name?: string; uuid?: string } };
      return listReply(
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
    if (method === "GET") {
      return route("/vms/{uuid}", false, () => {
        const vm = s.vms[uuid];
        // DOC: right after a 202 create, "the intent spec may not be created yet" and GET answers 404.
        if (!vm || (emu.opts.notFoundAfterCreate && createQueued(s, vm, emu.now))) return notFound("vm", segs[1]!);
        return { status: 200, body: renderVm(s, vm, emu.now) };
      });
    }
    if (method === "PUT") return route("/vms/{uuid}", true, () => updateVm(emu, uuid, body));
    if (method === "DELETE") return route("/vms/{uuid}", true, () => deleteVm(emu, uuid));
    return methodNotAllowed(method, "/vms/{uuid}", "GET, PUT, DELETE");
  }
  return undefined;
}
