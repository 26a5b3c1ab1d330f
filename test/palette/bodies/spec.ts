/** Checks a {@link PaletteWrite} against Palette's spec as the client would send it (API key, JSON content type). */
import type { PaletteWrite } from "../../../lib/palette";
import { API_KEY } from "../../helpers/palette";
import { PaletteSpec } from "../../helpers/palette-spec";

const spec = new PaletteSpec();

/** Every way `w` breaks the spec. */
export function writeErrors(w: PaletteWrite): string[] {
  const headers: Record<string, string> = { ApiKey: API_KEY, ...(w.body !== undefined ? { "Content-Type": "application/json" } : {}) };
  return spec.validateRequest({ method: w.method, path: w.path, query: {}, headers, body: w.body });
}
