/**
 * Custom cloud types: the check that `nutanix` is registered and the one-time registration (a system
 * administrator's job on a self-hosted Palette). Sources: the spec's `V1CustomCloudType*` operations; librarium
 * `clusters/data-center/nutanix/register-nutanix-cloud.md` (the order of the calls, the `fileName` form field,
 * the cloud-account keys); palette-sdk-go `client/account_custom_cloud.go` `ValidateCustomCloudType`
 * (`c.Name == cloudType && c.IsCustom`).
 */
import type { PaletteHttp } from "./http";
import { NUTANIX, path } from "./paths";
import type { V1CustomCloudRequestEntity, V1CustomCloudType, V1CustomCloudTypeCloudAccountKeys, V1CustomCloudTypeContentResponse, V1CustomCloudTypes, V1Uid } from "./types";

/** The content uploads of a custom cloud type (`PUT /v1/clouds/cloudTypes/{cloudType}/content/<kind>`). */
export type CloudContentKind =
  | "core"
  | "controlPlane"
  | "bootstrap"
  | "cloudProvider"
  | "templates/clusterTemplate"
  | "templates/controlPlanePoolTemplate"
  | "templates/workerPoolTemplate";

/** The cloud-account keys of the Nutanix registration (librarium `register-nutanix-cloud.md`). */
export const NUTANIX_ACCOUNT_KEYS = ["NUTANIX_USER", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT", "NUTANIX_PORT", "NUTANIX_INSECURE"] as const;

export class CloudTypeApi {
  constructor(private readonly http: PaletteHttp) {}

  /** `GET /v1/clouds/cloudTypes`. */
  async list(): Promise<V1CustomCloudType[]> {
    const a = await this.http.request<never>({ method: "GET", path: "/v1/clouds/cloudTypes", scope: "tenant" });
    return (a.json as V1CustomCloudTypes | undefined)?.cloudTypes ?? [];
  }

  /** Throws, saying what to do, unless a custom cloud type of that name is registered. */
  async requireCustom(name: string = NUTANIX): Promise<V1CustomCloudType> {
    const hit = (await this.list()).find((c) => c.name === name && c.isCustom === true);
    if (hit) return hit;
    throw new Error(
      `Palette has no custom cloud type "${name}" (GET /v1/clouds/cloudTypes): a system administrator of the self-hosted Palette must register it once, e.g. with \`nutanix-handler palette register-cloud\` (see docs/palette.md)`,
    );
  }

  /** `POST /v1/clouds/cloudTypes/register` unless it is listed; an unknown outcome is settled by listing. */
  async register(name: string = NUTANIX, displayName = "Nutanix"): Promise<{ created: boolean; uid?: string | undefined }> {
    if ((await this.list()).some((c) => c.name === name && c.isCustom)) return { created: false };
    const body: V1CustomCloudRequestEntity = { metadata: { name, annotations: {}, labels: {} }, spec: { displayName, isControlPlaneManaged: false } };
    const a = await this.http.request<{ created: boolean }>({
      method: "POST",
      path: "/v1/clouds/cloudTypes/register",
      body,
      scope: "tenant",
      what: `cloud type "${name}"`,
      recover: async () => ((await this.list()).some((c) => c.name === name && c.isCustom) ? { created: false } : undefined),
    });
    if (a.recovered) return a.recovered;
    return { created: true, uid: (a.json as V1Uid | undefined)?.uid };
  }

  /** `PUT /v1/clouds/cloudTypes/{cloudType}/content/<kind>`, multipart field `fileName` (204). */
  async upload(kind: CloudContentKind, yaml: string, name: string = NUTANIX): Promise<void> {
    const file = kind.split("/").pop()!;
    await this.http.request<never>({
      method: "PUT",
      path: `${path`/v1/clouds/cloudTypes/${name}`}/content/${kind}`,
      multipart: { field: "fileName", filename: `${file}.yaml`, content: yaml },
      scope: "tenant",
      what: `cloud type "${name}" ${kind}`,
    });
  }

  /** `GET /v1/clouds/cloudTypes/{cloudType}/content/<kind>` → the stored YAML (`v1CustomCloudTypeContentResponse`); "" when none. */
  async content(kind: CloudContentKind, name: string = NUTANIX): Promise<string> {
    const a = await this.http.request<never>({ method: "GET", path: `${path`/v1/clouds/cloudTypes/${name}`}/content/${kind}`, scope: "tenant", what: `cloud type "${name}" ${kind}` });
    return (a.json as V1CustomCloudTypeContentResponse | undefined)?.yaml ?? "";
  }

  /** `PUT /v1/clouds/cloudTypes/{cloudType}/cloudAccountKeys` (204). */
  async setAccountKeys(keys: readonly string[] = NUTANIX_ACCOUNT_KEYS, name: string = NUTANIX): Promise<void> {
    const body: V1CustomCloudTypeCloudAccountKeys = { keys: [...keys] };
    await this.http.request<never>({ method: "PUT", path: path`/v1/clouds/cloudTypes/${name}/cloudAccountKeys`, body, scope: "tenant", what: `cloud type "${name}" account keys` });
  }

  /** `GET /v1/clouds/cloudTypes/{cloudType}/cloudAccountKeys`. */
  async accountKeys(name: string = NUTANIX): Promise<string[]> {
    const a = await this.http.request<never>({ method: "GET", path: path`/v1/clouds/cloudTypes/${name}/cloudAccountKeys`, scope: "tenant" });
    return (a.json as V1CustomCloudTypeCloudAccountKeys | undefined)?.keys ?? [];
  }
}
