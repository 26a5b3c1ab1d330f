/**
 * Self-hosted Private Cloud Gateways ("overlords"). Sources: the spec's `v1PcgSelfHosted`,
 * `v1PcgUidJetManifestGet`, `v1PcgUidAllyManifestGet`, `v1OverlordsList`, `v1OverlordsUidGet`,
 * `v1OverlordsUidDelete`; librarium `clusters/pcg/deploy-pcg-k8s.md` (Pending → Importing → Running, health
 * Healthy); palette-sdk-go `client/private_cloud_gateway.go` `CheckPCG` (`status.state == "Running"`). PCGs are
 * tenant-level objects: these calls never carry ProjectUid.
 */
import { isNotFound } from "./errors";
import type { PaletteHttp } from "./http";
import { NUTANIX, path } from "./paths";
import type { V1Overlord, V1Overlords, V1PcgSelfHostedParams, V1PcgServiceKubectlCommands } from "./types";

/** The outcome of {@link PcgApi.ensureSelfHosted}. */
export interface SelfHostedPcg {
  overlordUid: string;
  /** The commands Palette returned (empty when the PCG already existed). */
  kubectlCommands: string[];
  /** False when a PCG of that name already existed (or the create's answer was lost but it was applied). */
  created: boolean;
}

export class PcgApi {
  constructor(private readonly http: PaletteHttp) {}

  /** `GET /v1/overlords[?name=]`, filtered to the exact name when given (not paginated per the spec). */
  async list(name?: string): Promise<V1Overlord[]> {
    const a = await this.http.request<never>({ method: "GET", path: "/v1/overlords", query: { name }, scope: "tenant" });
    const items = (a.json as V1Overlords | undefined)?.items ?? [];
    return name === undefined ? items : items.filter((o) => o.metadata?.name === name);
  }

  /** `GET /v1/overlords/{uid}`; undefined when it does not exist. */
  async get(uid: string): Promise<V1Overlord | undefined> {
    try {
      const a = await this.http.request<never>({ method: "GET", path: path`/v1/overlords/${uid}`, scope: "tenant", what: `PCG ${uid}` });
      return a.json as V1Overlord;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The only PCG of that name, or undefined; two of the same name are an error. */
  async findByName(name: string): Promise<V1Overlord | undefined> {
    const hits = await this.list(name);
    if (hits.length > 1) throw new Error(`Palette has ${hits.length} PCGs named "${name}": remove the duplicates (uids ${hits.map((h) => h.metadata?.uid).join(", ")})`);
    return hits[0];
  }

  /**
   * Creates the self-hosted PCG `name` unless one of that name exists (`GET /v1/overlords?name=` first, and again
   * when the POST's outcome is unknown): `POST /v1/pcg/selfHosted {name, cloudType}`.
   */
  async ensureSelfHosted(name: string, cloudType: string = NUTANIX): Promise<SelfHostedPcg> {
    const existing = await this.findByName(name);
    if (existing?.metadata?.uid) return { overlordUid: existing.metadata.uid, kubectlCommands: existing.status?.kubectlCommands ?? [], created: false };
    const body: V1PcgSelfHostedParams = { name, cloudType };
    const a = await this.http.request<SelfHostedPcg>({
      method: "POST",
      path: "/v1/pcg/selfHosted",
      body,
      scope: "tenant",
      what: `PCG "${name}"`,
      recover: async () => {
        const o = await this.findByName(name);
        return o?.metadata?.uid ? { overlordUid: o.metadata.uid, kubectlCommands: o.status?.kubectlCommands ?? [], created: false } : undefined;
      },
    });
    if (a.recovered) return a.recovered;
    const r = a.json as V1PcgServiceKubectlCommands | undefined;
    let uid = r?.overlordUid;
    // The spec does not mark overlordUid required: fall back to a lookup by name.
    if (!uid) uid = (await this.findByName(name))?.metadata?.uid;
    if (!uid) throw new Error(`Palette POST /v1/pcg/selfHosted for "${name}" answered without overlordUid and no PCG of that name is listed`);
    return { overlordUid: uid, kubectlCommands: r?.kubectlCommands ?? [], created: true };
  }

  /** `GET /v1/pcg/{uid}/services/jet/manifest` (the Jet agent manifest, applied first). */
  jetManifest(uid: string): Promise<string> {
    return this.manifest(uid, "jet");
  }

  /** `GET /v1/pcg/{uid}/services/ally/manifest` (applied after Jet, in namespace `cluster-<id>`). */
  allyManifest(uid: string): Promise<string> {
    return this.manifest(uid, "ally");
  }

  private async manifest(uid: string, service: "jet" | "ally"): Promise<string> {
    const a = await this.http.request<never>({ method: "GET", path: path`/v1/pcg/${uid}/services/${service}/manifest`, scope: "tenant", binary: true, what: `PCG ${uid} ${service} manifest` });
    return a.text;
  }

  /** `DELETE /v1/overlords/{uid}`; false when it was already gone. */
  async delete(uid: string): Promise<boolean> {
    try {
      // 200 v1DeletedMsg {msg}
      await this.http.request<never>({ method: "DELETE", path: path`/v1/overlords/${uid}`, scope: "tenant", what: `PCG ${uid}` });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}

/** Running and Healthy: the readiness of a PCG (`CheckPCG` plus the documented health). */
export function isPcgReady(o: V1Overlord | undefined): boolean {
  return o?.status?.state === "Running" && o.status.health?.state === "Healthy";
}
