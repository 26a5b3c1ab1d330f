/** Images: list (filterable by image type) and get. */
import { renderImage } from "../render";
import type { JsonObject } from "../state";
import { readOnlyRoutes } from "./read-only";
import { nameAttr, uuidAttr, type Route, type RouteRequest } from "./route";

export function imageRoutes(req: RouteRequest): Route | undefined {
  const { emu } = req;
  const s = emu.state;
  return readOnlyRoutes(req, {
    collection: "images",
    kind: "image",
    render: () => s.images.map((x) => renderImage(s, x, emu.baseUrl)),
    attrs: {
      name: nameAttr,
      uuid: uuidAttr,
      image_type: (e) => ((e.status as JsonObject).resources as { image_type?: string }).image_type,
    },
    caseInsensitive: new Set(["image_type"]),
  });
}
