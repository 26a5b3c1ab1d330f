/**
 * `POST /projects/list` and `GET /projects/{uuid}`: the projects a VM's `metadata.project_reference`
 * can name. Every Prism Central has `_internal` (what a VM without a project shows, prism-go-client
 * `v3/mocks/TestOperations_GetVM.yaml`) and `default`. The project envelope beyond
 * `metadata.{kind,uuid}`, `spec.name` and `status.{name,state}` is not emulated [guess].
 */
import { API_VERSION } from "../api";
import { notFound } from "../errors";
import type { EmulatorState, JsonObject, StoredProject } from "../state";
import { deterministicUuid } from "../util";
import { listReply } from "./list";
import { methodNotAllowed, nameAttr, route, uuidAttr, type Route, type RouteRequest } from "./route";

/** The projects of a state (older state files have none stored: the two every PC has). */
export function projectsOf(state: EmulatorState): StoredProject[] {
  return state.projects.length > 0 ? state.projects : ["_internal", "default"].map((name) => ({ name, uuid: deterministicUuid("project", name) }));
}

function renderProject(p: StoredProject): JsonObject {
  return {
    metadata: { kind: "project", uuid: p.uuid, categories: {}, categories_mapping: {} },
    spec: { name: p.name, resources: {} },
    status: { name: p.name, state: "COMPLETE", resources: {} },
  };
}

export function projectRoutes(req: RouteRequest): Route | undefined {
  const { method, segs, body } = req;
  const s = req.emu.state;
  if (segs[0] !== "projects" || segs.length !== 2) return undefined;
  if (segs[1] === "list") {
    if (method !== "POST") return methodNotAllowed(method, "/projects/list", "POST");
    return route("/projects/list", false, () => listReply("project", projectsOf(s).map(renderProject), body, { name: nameAttr, uuid: uuidAttr }, new Set()));
  }
  if (method !== "GET") return methodNotAllowed(method, "/projects/{uuid}", "GET");
  return route("/projects/{uuid}", false, () => {
    const p = projectsOf(s).find((x) => x.uuid === segs[1]!.toLowerCase());
    return p ? { status: 200, body: { api_version: API_VERSION, ...renderProject(p) } } : notFound("project", segs[1]!);
  });
}
