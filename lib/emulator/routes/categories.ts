/** Categories: keys and their values (list, get, put, delete; a value still assigned to a VM stays). */
import { z } from "zod";
import { errorReply, invalid, notFound, zodDetails } from "../errors";
import type { Reply } from "../http";
import type { EmulatorState, JsonObject } from "../state";
import { isoTime } from "../util";
import { listReply } from "./list";
import { methodNotAllowed, route, type Route, type RouteRequest } from "./route";

function categoryKeyBody(s: EmulatorState, key: string): JsonObject {
  return { name: key, description: s.categories[key]!.description, system_defined: false };
}

function categoryValueBody(s: EmulatorState, key: string, value: string): JsonObject {
  return { name: key, value, description: s.categories[key]!.values[value]!.description, system_defined: false };
}

function putCategoryKey(s: EmulatorState, key: string, raw: unknown): Reply {
  const p = z.looseObject({ name: z.string().optional(), description: z.string().optional(), api_version: z.string().optional() }).safeParse(raw ?? {});
  if (!p.success) return invalid(zodDetails(p.error));
  if (key.length > 64) return invalid({ name: ["a category key has at most 64 characters"] });
  if (p.data.name !== undefined && p.data.name !== key) return invalid({ name: [`expected "${key}" (the key in the path), got "${p.data.name}"`] });
  const existing = s.categories[key];
  if (existing) existing.description = p.data.description ?? existing.description;
  else s.categories[key] = { description: p.data.description ?? "", createdAt: isoTime(Date.now()), values: {} };
  return { status: 200, body: categoryKeyBody(s, key), wrote: true };
}

function putCategoryValue(s: EmulatorState, key: string, value: string, raw: unknown): Reply {
  const p = z.looseObject({ value: z.string().optional(), description: z.string().optional(), api_version: z.string().optional() }).safeParse(raw ?? {});
  if (!p.success) return invalid(zodDetails(p.error));
  const cat = s.categories[key];
  if (!cat) return notFound("category", key);
  if (value.length > 64) return invalid({ value: ["a category value has at most 64 characters"] });
  if (p.data.value !== undefined && p.data.value !== value) return invalid({ value: [`expected "${value}" (the value in the path), got "${p.data.value}"`] });
  const existing = cat.values[value];
  if (existing) existing.description = p.data.description ?? existing.description;
  else cat.values[value] = { description: p.data.description ?? "", createdAt: isoTime(Date.now()) };
  return { status: 200, body: categoryValueBody(s, key, value), wrote: true };
}

function categoryUsers(s: EmulatorState, key: string, value?: string): number {
  let n = 0;
  for (const vm of Object.values(s.vms)) {
    const vs = vm.metadata.categories_mapping[key];
    if (vs && (value === undefined || vs.includes(value))) n++;
  }
  return n;
}

function deleteCategory(s: EmulatorState, key: string, value?: string): Reply {
  const cat = s.categories[key];
  if (!cat) return notFound("category", key);
  if (value !== undefined) {
    if (!cat.values[value]) return errorReply(404, "CATEGORY_NAME_VALUE_MISMATCH", `category : ${key}:${value} does not exist.`, "category");
    const n = categoryUsers(s, key, value);
    if (n > 0) return invalid({ "": [`category value ${key}:${value} is still assigned to ${n} entit${n === 1 ? "y" : "ies"}`] });
    delete cat.values[value];
    return { status: 204, wrote: true };
  }
  const nv = Object.keys(cat.values).length;
  if (nv > 0) return invalid({ "": [`category key ${key} still has ${nv} value(s); delete them first`] });
  delete s.categories[key];
  return { status: 204, wrote: true };
}

export function categoryRoutes(req: RouteRequest): Route | undefined {
  const { method, segs, body } = req;
  const s = req.emu.state;
  const n = segs.length;
  if (segs[0] !== "categories") return undefined;
  if (n === 2 && segs[1] === "list" && method === "POST") {
    return route("/categories/list", false, () =>
      listReply("category", Object.keys(s.categories).map((k) => categoryKeyBody(s, k)), body, { name: (e) => e.name as string }, new Set(), false),
    );
  }
  if (n === 3 && segs[2] === "list" && method === "POST") {
    return route("/categories/{key}/list", false, () => {
      const key = segs[1]!;
      if (!s.categories[key]) return notFound("category", key);
      const vals = Object.keys(s.categories[key]!.values).map((v) => categoryValueBody(s, key, v));
      return listReply("category", vals, body, { value: (e) => e.value as string, name: (e) => e.value as string }, new Set(), false);
    });
  }
  if (n === 2) {
    const key = segs[1]!;
    if (method === "GET") return route("/categories/{key}", false, () => (s.categories[key] ? { status: 200, body: categoryKeyBody(s, key) } : notFound("category", key)));
    if (method === "PUT") return route("/categories/{key}", true, () => putCategoryKey(s, key, body));
    if (method === "DELETE") return route("/categories/{key}", true, () => deleteCategory(s, key));
    return methodNotAllowed(method, "/categories/{key}", "GET, PUT, DELETE");
  }
  if (n === 3) {
    const key = segs[1]!;
    const value = segs[2]!;
    if (method === "GET") {
      return route("/categories/{key}/{value}", false, () => {
        if (!s.categories[key]) return notFound("category", key);
        if (!s.categories[key]!.values[value]) return errorReply(404, "CATEGORY_NAME_VALUE_MISMATCH", `category : ${key}:${value} does not exist.`, "category");
        return { status: 200, body: categoryValueBody(s, key, value) };
      });
    }
    if (method === "PUT") return route("/categories/{key}/{value}", true, () => putCategoryValue(s, key, value, body));
    if (method === "DELETE") return route("/categories/{key}/{value}", true, () => deleteCategory(s, key, value));
    return methodNotAllowed(method, "/categories/{key}/{value}", "GET, PUT, DELETE");
  }
  return undefined;
}
