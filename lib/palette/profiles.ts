/**
 * Cluster profiles by name: `GET /v1/dashboard/clusterprofiles/metadata` (spec `v1ClusterProfilesMetadata`;
 * librarium names it as the name → uid lookup). A profile has versions: several entries may share a name.
 */
import type { PaletteHttp } from "./http";
import { NUTANIX } from "./paths";
import type { V1ClusterProfileMetadata, V1ClusterProfilesMetadata } from "./types";

export class ClusterProfileApi {
  constructor(private readonly http: PaletteHttp) {}

  /** Every profile's metadata in scope. */
  async list(): Promise<V1ClusterProfileMetadata[]> {
    const a = await this.http.request<never>({ method: "GET", path: "/v1/dashboard/clusterprofiles/metadata", scope: "project" });
    return (a.json as V1ClusterProfilesMetadata | undefined)?.items ?? [];
  }

  /**
   * The uid of the profile `name` (and `version` when given) for `cloudType`; an error names what is available when
   * none or several match.
   */
  async uidByName(name: string, opts: { version?: string; cloudType?: string } = {}): Promise<string> {
    const cloudType = opts.cloudType ?? NUTANIX;
    const all = await this.list();
    const named = all.filter((p) => p.metadata?.name === name && p.metadata.uid);
    const hits = named.filter((p) => (p.spec?.cloudType === undefined || p.spec.cloudType === cloudType || p.spec.cloudType === "all") && (opts.version === undefined || p.spec?.version === opts.version));
    if (hits.length === 1) return hits[0]!.metadata!.uid!;
    if (hits.length > 1) {
      throw new Error(`Palette cluster profile "${name}" has ${hits.length} versions (${hits.map((h) => h.spec?.version ?? "?").join(", ")}): give the version`);
    }
    const names = [...new Set(all.filter((p) => p.spec?.cloudType === undefined || p.spec.cloudType === cloudType).map((p) => p.metadata?.name).filter((n): n is string => !!n))].sort();
    const why = named.length > 0 ? `(found for other cloud types or versions: ${named.map((p) => `${p.spec?.cloudType ?? "?"} ${p.spec?.version ?? "?"}`).join(", ")})` : `(${cloudType} profiles: ${names.length ? names.map((n) => JSON.stringify(n)).join(", ") : "none"})`;
    throw new Error(`Palette cluster profile "${name}"${opts.version ? ` version ${opts.version}` : ""} for cloud type ${cloudType} not found ${why}`);
  }
}
