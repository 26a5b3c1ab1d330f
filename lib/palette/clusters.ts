/**
 * Nutanix clusters through Palette: create (after a validate dry run), read, find by name, the overview's health,
 * delete, kubeconfig. Sources: the spec's `v1SpectroClustersCustomCreate`, `…CustomValidate`, `v1SpectroClustersGet`,
 * `v1SpectroClustersSummaryUidOverview`, `v1SpectroClustersSearchFilterSummary`, `v1SpectroClustersDelete`,
 * `v1SpectroClustersUidKubeConfigClientGet` / `…AdminKubeConfig` / `…KubeConfig`; palette-sdk-go `client/cluster.go`
 * (`GetCluster`: a 404 or `status.state == "Deleted"` is "gone"; `GetClusterByName`: the search filter on
 * `clusterName` and `isDeleted`; `parseKubeconfig`: base64 bodies decoded); terraform-provider-spectrocloud
 * `cluster_common_crud.go` (ready = `Running` plus overview `health.state == "Healthy"`).
 */
import { isNotFound } from "./errors";
import type { PaletteHttp } from "./http";
import { NUTANIX, path } from "./paths";
import type {
  V1SearchFilterSummarySpec,
  V1SpectroCluster,
  V1SpectroClustersSummary,
  V1SpectroClusterSummary,
  V1SpectroClusterUidSummary,
  V1SpectroClusterValidatorResponse,
  V1SpectroCustomClusterEntity,
  V1Uid,
} from "./types";

/** Which kubeconfig asset: `client` (`assets/kubeconfigclient`, TF `kubeconfig`), `admin`, or `frp` (deprecated `assets/kubeconfig?frp=true`). */
export type KubeconfigKind = "client" | "admin" | "frp";

/** The search body of a lookup by name (palette-sdk-go `client/cluster.go` `getClusterFilter` + `clusterNameEqFilter`). */
export function clusterNameSearch(name: string): V1SearchFilterSummarySpec {
  return {
    filter: {
      conjunction: "and",
      filterGroups: [
        { conjunction: "and", filters: [{ property: "isDeleted", type: "bool", condition: { bool: { value: false } } }] },
        {
          conjunction: "and",
          filters: [{ property: "clusterName", type: "string", condition: { string: { operator: "eq", negation: false, ignoreCase: false, match: { conjunction: "or", values: [name] } } } }],
        },
      ],
    },
  };
}

/** Every validation error of a validate answer, as `pool: code: message` lines. */
export function validationErrors(r: V1SpectroClusterValidatorResponse | undefined): string[] {
  const out: string[] = [];
  for (const p of r?.machinePools?.results ?? []) for (const e of p.errors ?? []) out.push(`machine pool ${p.name ?? p.displayName ?? "?"}: ${e.code ?? "?"}: ${e.message ?? ""}`);
  for (const prof of r?.profiles ?? []) for (const p of prof.packs?.results ?? []) for (const e of p.errors ?? []) out.push(`profile ${prof.name ?? prof.uid ?? "?"} pack ${p.name ?? "?"}: ${e.code ?? "?"}: ${e.message ?? ""}`);
  return out;
}

/** Decodes a kubeconfig sent base64-encoded (palette-sdk-go `parseKubeconfig`). */
export function decodeKubeconfig(text: string): string {
  const t = text.trim();
  if (t !== "" && /^[A-Za-z0-9+/]+={0,2}$/.test(t) && t.length % 4 === 0) {
    const d = Buffer.from(t, "base64").toString("utf8");
    if (/apiVersion|clusters:/.test(d)) return d;
  }
  return text;
}

export class ClusterApi {
  constructor(
    private readonly http: PaletteHttp,
    private readonly cloudType: string = NUTANIX,
  ) {}

  /** `POST /v1/spectroclusters/cloudTypes/{cloudType}/validate` (a dry run: replayable). */
  async validate(entity: V1SpectroCustomClusterEntity): Promise<V1SpectroClusterValidatorResponse> {
    const a = await this.http.request<never>({ method: "POST", path: path`/v1/spectroclusters/cloudTypes/${this.cloudType}/validate`, body: entity, scope: "project", post: "read", what: `cluster "${entity.metadata?.name ?? "?"}"` });
    return (a.json as V1SpectroClusterValidatorResponse | undefined) ?? {};
  }

  /** `POST /v1/spectroclusters/cloudTypes/{cloudType}` → uid; an unknown outcome is settled by a search by name. */
  async create(entity: V1SpectroCustomClusterEntity): Promise<string> {
    const name = entity.metadata?.name;
    const a = await this.http.request<string>({
      method: "POST",
      path: path`/v1/spectroclusters/cloudTypes/${this.cloudType}`,
      body: entity,
      scope: "project",
      what: `cluster "${name ?? "?"}"`,
      ...(name ? { recover: async () => (await this.findByName(name))?.metadata?.uid } : {}),
    });
    return a.recovered ?? (a.json as V1Uid).uid;
  }

  /** `GET /v1/spectroclusters/{uid}`; undefined on 404, on no status yet, or on `Deleted` (as palette-sdk-go `GetCluster`). */
  async get(uid: string): Promise<V1SpectroCluster | undefined> {
    const c = await this.getWithoutStatus(uid);
    return c?.status === undefined || c.status.state === "Deleted" ? undefined : c;
  }

  /** `GET /v1/spectroclusters/{uid}`; undefined on 404 only (palette-sdk-go `GetClusterWithoutStatus`). */
  async getWithoutStatus(uid: string): Promise<V1SpectroCluster | undefined> {
    try {
      return (await this.http.request<never>({ method: "GET", path: path`/v1/spectroclusters/${uid}`, scope: "project", what: `cluster ${uid}` })).json as V1SpectroCluster;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** `GET /v1/dashboard/spectroclusters/{uid}/overview` (health, kubeMeta, pools); undefined on 404. */
  async overview(uid: string): Promise<V1SpectroClusterUidSummary | undefined> {
    try {
      return (await this.http.request<never>({ method: "GET", path: path`/v1/dashboard/spectroclusters/${uid}/overview`, scope: "project", what: `cluster ${uid}` })).json as V1SpectroClusterUidSummary;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** `POST /v1/dashboard/spectroclusters/search` with `limit`/`continue` paging (a read: replayable). */
  search(spec: V1SearchFilterSummarySpec): Promise<V1SpectroClusterSummary[]> {
    return this.http.listAll<V1SpectroClusterSummary>(async (cont, limit) => {
      const a = await this.http.request<never>({ method: "POST", path: "/v1/dashboard/spectroclusters/search", query: { limit, continue: cont }, body: spec, scope: "project", post: "read" });
      return a.json as V1SpectroClustersSummary | undefined;
    });
  }

  /** The live (not deleted) cluster of that name, or undefined. */
  async findByName(name: string): Promise<V1SpectroClusterSummary | undefined> {
    const hits = (await this.search(clusterNameSearch(name))).filter((c) => c.metadata?.name === name);
    if (hits.length > 1) throw new Error(`Palette has ${hits.length} clusters named "${name}" in this scope`);
    return hits[0];
  }

  /** `DELETE /v1/spectroclusters/{uid}[?forceDelete=true]`; false when it was already gone. */
  async delete(uid: string, opts: { force?: boolean } = {}): Promise<boolean> {
    try {
      await this.http.request<never>({ method: "DELETE", path: path`/v1/spectroclusters/${uid}`, query: { forceDelete: opts.force ? true : undefined }, scope: "project", what: `cluster ${uid}` });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** The kubeconfig asset; undefined while Palette has none (404 `ResourceNotFound`, as palette-sdk-go treats it). */
  async kubeconfig(uid: string, kind: KubeconfigKind = "client"): Promise<string | undefined> {
    const p = kind === "client" ? path`/v1/spectroclusters/${uid}/assets/kubeconfigclient` : kind === "admin" ? path`/v1/spectroclusters/${uid}/assets/adminKubeconfig` : path`/v1/spectroclusters/${uid}/assets/kubeconfig`;
    try {
      const a = await this.http.request<never>({ method: "GET", path: p, query: kind === "frp" ? { frp: true } : undefined, scope: "project", binary: true, what: `cluster ${uid} kubeconfig` });
      return decodeKubeconfig(a.text);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** `PATCH /v1/spectroclusters/{uid}/repave/approve` (204). */
  async approveRepave(uid: string): Promise<void> {
    await this.http.request<never>({ method: "PATCH", path: path`/v1/spectroclusters/${uid}/repave/approve`, scope: "project", what: `cluster ${uid} repave` });
  }
}

/** terraform-provider-spectrocloud's readiness: `Running` and overview health `Healthy`. */
export function isClusterReady(c: V1SpectroCluster | undefined, o: V1SpectroClusterUidSummary | undefined): boolean {
  return c?.status?.state === "Running" && o?.status?.health?.state === "Healthy";
}
