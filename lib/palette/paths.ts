/** Path builders: every path segment taken from data is percent-encoded. */

/** `strings` joined into a path, each parameter encoded: `path\`/v1/overlords/${uid}\``. */
export function path(parts: TemplateStringsArray, ...params: string[]): string {
  return parts.reduce((acc, p, i) => acc + p + (i < params.length ? encodeURIComponent(params[i]!) : ""), "");
}

/** The custom cloud type of Nutanix; librarium `register-nutanix-cloud.md`: the name must be `nutanix`. */
export const NUTANIX = "nutanix";
