/**
 * Nutanix cloud accounts (custom cloud type `nutanix`). Sources: the spec's `v1CloudAccountsCustom*`
 * operations; palette-sdk-go `client/constants.go` (`OverlordUID = "overlordUid"`: the PCG binding annotation)
 * and `client/account_custom_cloud.go`; librarium `create-manage-nutanix-cluster.md` (the five `NUTANIX_*`
 * keys). The credentials' secret values are registered with the redactor before anything is sent.
 */
import { isNotFound } from "./errors";
import type { PaletteHttp } from "./http";
import { NUTANIX, path } from "./paths";
import type { V1CustomAccount, V1CustomAccountEntity, V1CustomAccounts, V1Uid } from "./types";

/** The annotation binding a custom cloud account to its PCG. */
export const OVERLORD_UID = "overlordUid";

/** What a cloud account is made of. */
export interface CloudAccountInput {
  name: string;
  /** The PCG it is bound to (`metadata.annotations.overlordUid`). */
  overlordUid: string;
  /** `spec.credentials` (all values strings), e.g. the five `NUTANIX_*` keys. */
  credentials: Record<string, string>;
}

/** The request entity of a create or update. */
export function cloudAccountEntity(input: CloudAccountInput): V1CustomAccountEntity {
  return { metadata: { name: input.name, annotations: { [OVERLORD_UID]: input.overlordUid } }, spec: { credentials: { ...input.credentials } } };
}

export class CloudAccountApi {
  constructor(
    private readonly http: PaletteHttp,
    private readonly cloudType: string = NUTANIX,
  ) {}

  /** `GET /v1/cloudaccounts/cloudTypes/{cloudType}` with `limit`/`continue` paging: every account in scope. */
  list(): Promise<V1CustomAccount[]> {
    return this.http.listAll<V1CustomAccount>(async (cont, limit) => {
      const a = await this.http.request<never>({ method: "GET", path: path`/v1/cloudaccounts/cloudTypes/${this.cloudType}`, query: { limit, continue: cont }, scope: "project" });
      return a.json as V1CustomAccounts | undefined;
    });
  }

  /** The account of that name (client-side filter, as terraform-provider-spectrocloud's data source does). */
  async findByName(name: string): Promise<V1CustomAccount | undefined> {
    const hits = (await this.list()).filter((a) => a.metadata?.name === name);
    if (hits.length <= 1) return hits[0];
    // A project caller also sees tenant accounts: prefer the one in its own scope (TF disambiguates by annotations.scope).
    const scoped = hits.filter((a) => a.metadata?.annotations?.scope === (this.http.hasProject ? "project" : "tenant"));
    if (scoped.length === 1) return scoped[0];
    throw new Error(`Palette has ${hits.length} ${this.cloudType} cloud accounts named "${name}": rename or remove the duplicates`);
  }

  /** `GET /v1/cloudaccounts/cloudTypes/{cloudType}/{uid}`; undefined when missing. */
  async get(uid: string): Promise<V1CustomAccount | undefined> {
    try {
      return (await this.http.request<never>({ method: "GET", path: path`/v1/cloudaccounts/cloudTypes/${this.cloudType}/${uid}`, scope: "project", what: `cloud account ${uid}` })).json as V1CustomAccount;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** `POST /v1/cloudaccounts/cloudTypes/{cloudType}` → uid; an unknown outcome is settled by a lookup by name. */
  async create(input: CloudAccountInput): Promise<string> {
    this.http.redact.addCredentials(input.credentials);
    const a = await this.http.request<string>({
      method: "POST",
      path: path`/v1/cloudaccounts/cloudTypes/${this.cloudType}`,
      body: cloudAccountEntity(input),
      scope: "project",
      what: `cloud account "${input.name}"`,
      recover: async () => (await this.findByName(input.name))?.metadata?.uid,
    });
    return a.recovered ?? (a.json as V1Uid).uid;
  }

  /** `PUT /v1/cloudaccounts/cloudTypes/{cloudType}/{uid}` (204). */
  async update(uid: string, input: CloudAccountInput): Promise<void> {
    this.http.redact.addCredentials(input.credentials);
    await this.http.request<never>({ method: "PUT", path: path`/v1/cloudaccounts/cloudTypes/${this.cloudType}/${uid}`, body: cloudAccountEntity(input), scope: "project", what: `cloud account "${input.name}"` });
  }

  /** `DELETE /v1/cloudaccounts/cloudTypes/{cloudType}/{uid}`; false when already gone. */
  async delete(uid: string): Promise<boolean> {
    try {
      await this.http.request<never>({ method: "DELETE", path: path`/v1/cloudaccounts/cloudTypes/${this.cloudType}/${uid}`, scope: "project", what: `cloud account ${uid}` });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}
