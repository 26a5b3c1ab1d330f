/**
 * Text assets shipped beside the compiled modules (lib/pcg/bundle/assets/*, copied to
 * dist/lib/pcg/bundle/assets by the build). Read relative to this module's directory, so the same code
 * works from the TypeScript sources (tsx, tests) and from dist; read once and cached. Imports only
 * Node's fs and path.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The line that ends an asset's preamble: the lines down to it describe the asset and are not copied. */
export const ASSET_PREAMBLE_END = "# ---- end of preamble ----";

const cache = new Map<string, string>();

/**
 * The text of `assets/<name>` after its preamble, with line ends normalized to `\n` (a checkout with
 * CRLF line ends still gives byte-identical output).
 * @throws Error when the asset is missing or has no preamble marker line.
 */
export function assetText(name: string): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const text = readFileSync(join(__dirname, "assets", name), "utf8").replace(/\r\n/g, "\n");
  const lines = text.split("\n");
  const end = lines.indexOf(ASSET_PREAMBLE_END);
  if (end < 0) throw new Error(`asset ${name} of nutanix-palette-cdk has no '${ASSET_PREAMBLE_END}' line: the package is damaged`);
  const body = lines.slice(end + 1).join("\n");
  cache.set(name, body);
  return body;
}
