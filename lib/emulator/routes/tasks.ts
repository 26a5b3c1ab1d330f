/** Tasks: list (newest first) and get. */
import { errorReply, notFound } from "../errors";
import { renderTask } from "../render";
import { UUID_RE } from "../util";
import { listReply } from "./list";
import { methodNotAllowed, route, type Route, type RouteRequest } from "./route";

export function taskRoutes(req: RouteRequest): Route | undefined {
  const { emu, method, segs, body } = req;
  const s = emu.state;
  if (segs[0] !== "tasks" || segs.length !== 2) return undefined;
  if (segs[1] === "list") {
    if (method !== "POST") return methodNotAllowed(method, "/tasks/list", "POST");
    return route("/tasks/list", false, () => {
      const all = Object.values(s.tasks)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((t) => renderTask(s, t, emu.now));
      return listReply("task", all, body, { status: (e) => String(e.status), operation_type: (e) => String(e.operation_type) }, new Set(["status"]), false);
    });
  }
  if (method !== "GET") return methodNotAllowed(method, "/tasks/{uuid}", "GET");
  return route("/tasks/{uuid}", false, () => {
    const id = segs[1]!;
    if (!UUID_RE.test(id)) return errorReply(404, "INVALID_UUID", `task : ${id} is not a valid UUID.`, "task");
    const t = s.tasks[id.toLowerCase()];
    return t ? { status: 200, body: renderTask(s, t, emu.now) } : notFound("task", id);
  });
}
