/**
 * Custom cloud types (spec `V1CustomCloudType*`; librarium `register-nutanix-cloud.md`): the list, the
 * registration, the content uploads (multipart field `fileName`, 204) and their reads (`{yaml}`), the
 * cloud-account keys. Librarium says only a system administrator may register; the emulator accepts its one
 * API key for these too (guess: it has no system console).
 */
import { conflict, invalid, noContent, notFound, ok, created, type Reply } from "../reply";
import { nextUid } from "../state";
import type { Ctx, Route } from "../context";

const CONTENT = ["core", "controlPlane", "bootstrap", "cloudProvider", "templates/clusterTemplate", "templates/controlPlanePoolTemplate", "templates/workerPoolTemplate"];

/** The `fileName` part of a multipart/form-data body, or undefined. */
export function multipartFile(contentType: string, raw: Buffer, field: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!/^multipart\/form-data/i.test(contentType) || !m) return undefined;
  const boundary = `--${m[1] ?? m[2]}`;
  for (const part of raw.toString("utf8").split(boundary)) {
    const sep = part.indexOf("\r\n\r\n");
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    if (!new RegExp(`name="${field}"`, "i").test(head)) continue;
    return part.slice(sep + 4).replace(/\r\n$/, "");
  }
  return undefined;
}

function cloud(c: Ctx): Reply | undefined {
  return c.state.cloudTypes[c.params.cloudType!] ? undefined : notFound(`cloud type ${c.params.cloudType}`);
}

const contentRoutes: Route[] = CONTENT.flatMap((kind): Route[] => [
  {
    method: "PUT",
    path: `/v1/clouds/cloudTypes/{cloudType}/content/${kind}`,
    handler: (c) => {
      const miss = cloud(c);
      if (miss) return miss;
      const file = multipartFile(c.contentType, c.raw, "fileName");
      if (file === undefined) return invalid("expected multipart/form-data with a file field named fileName");
      c.state.cloudTypes[c.params.cloudType!]!.content[kind] = file;
      return noContent();
    },
  },
  {
    method: "GET",
    path: `/v1/clouds/cloudTypes/{cloudType}/content/${kind}`,
    handler: (c) => cloud(c) ?? ok({ yaml: c.state.cloudTypes[c.params.cloudType!]!.content[kind] ?? "" }),
  },
  {
    method: "DELETE",
    path: `/v1/clouds/cloudTypes/{cloudType}/content/${kind}`,
    handler: (c) => {
      const miss = cloud(c);
      if (miss) return miss;
      delete c.state.cloudTypes[c.params.cloudType!]!.content[kind];
      return noContent();
    },
  },
]);

export const cloudRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/clouds/cloudTypes",
    handler: (c) =>
      ok({
        cloudTypes: Object.values(c.state.cloudTypes)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((t) => ({ name: t.name, displayName: t.displayName, cloudCategory: t.cloudCategory, cloudFamily: t.isCustom ? "custom" : t.name, isCustom: t.isCustom, isManaged: false, isVertex: false, logo: "" })),
      }),
  },
  {
    method: "POST",
    path: "/v1/clouds/cloudTypes/register",
    handler: (c) => {
      const b = c.body as { metadata?: { name?: unknown }; spec?: { displayName?: unknown; cloudCategory?: unknown } } | undefined;
      const name = b?.metadata?.name;
      if (typeof name !== "string" || !/^[a-z][a-z0-9-]*$/.test(name)) return invalid("metadata.name: expected a lower-case cloud type name");
      if (c.state.cloudTypes[name]) return conflict(`cloud type ${name} is already registered`);
      const cat = b?.spec?.cloudCategory;
      c.state.cloudTypes[name] = {
        name,
        displayName: typeof b?.spec?.displayName === "string" ? b.spec.displayName : name,
        cloudCategory: cat === "datacenter" || cat === "edge" ? cat : "cloud",
        isCustom: true,
        content: {},
        accountKeys: [],
      };
      return created(nextUid(c.state, "cloudtype"));
    },
  },
  {
    method: "GET",
    path: "/v1/clouds/cloudTypes/{cloudType}/cloudAccountKeys",
    handler: (c) => cloud(c) ?? ok({ keys: c.state.cloudTypes[c.params.cloudType!]!.accountKeys }),
  },
  {
    method: "PUT",
    path: "/v1/clouds/cloudTypes/{cloudType}/cloudAccountKeys",
    handler: (c) => {
      const miss = cloud(c);
      if (miss) return miss;
      const keys = (c.body as { keys?: unknown } | undefined)?.keys;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string" && k !== "")) return invalid("keys: expected an array of key names");
      c.state.cloudTypes[c.params.cloudType!]!.accountKeys = [...new Set(keys as string[])];
      return noContent();
    },
  },
  ...contentRoutes,
];
