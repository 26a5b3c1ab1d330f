/**
 * The Nutanix cloud account bound to a PCG: `POST /v1/cloudaccounts/cloudTypes/nutanix` (update: `PUT …/{uid}`) with
 * `v1CustomAccountEntity` — `metadata.annotations.overlordUid` names the PCG (palette-sdk-go `client/constants.go`
 * `OverlordUID = "overlordUid"`) and `spec.credentials` is a string map of the keys the cloud type registered:
 * `NUTANIX_USER`, `NUTANIX_PASSWORD`, `NUTANIX_ENDPOINT`, `NUTANIX_PORT`, `NUTANIX_INSECURE` (librarium
 * `register-nutanix-cloud.md`; terraform-provider-spectrocloud `examples/resources/spectrocloud_cloudaccount_custom`).
 * `NUTANIX_INSECURE` is `"true"`/`"false"` because it lands in the NutanixCluster's YAML bool `prismCentral.insecure`
 * (the terraform example's `"yes"` would not parse as one).
 */
import { cloudAccountEntity } from "../accounts";
import { NUTANIX, path } from "../paths";
import type { V1CustomAccountEntity } from "../types";
import { PaletteBodyError, type PaletteWrite } from "./request";

/** The resolved values of a Prism Central account (the handler reads username and password from the account's references). */
export interface NutanixAccountValues {
  /** Prism Central IP or FQDN. */
  readonly host: string;
  /** @default 9440 */
  readonly port?: number;
  /** @default false */
  readonly insecure?: boolean;
  readonly username: string;
  readonly password: string;
}

/** The cloud account to create or update. */
export interface NutanixAccountInput {
  readonly name: string;
  /** The PCG (overlord) uid the account is bound to. */
  readonly overlordUid: string;
  readonly values: NutanixAccountValues;
}

/** The five `NUTANIX_*` keys. @throws PaletteBodyError naming the account and the field (never a secret value). */
export function nutanixCredentials(account: string, v: NutanixAccountValues): Record<string, string> {
  const subject = `cloud account ${JSON.stringify(account)}`;
  const port = v.port ?? 9440;
  if (v.host.trim() === "" || /[\s/]/.test(v.host)) throw new PaletteBodyError(subject, "NUTANIX_ENDPOINT", `expected a Prism Central IP or FQDN without scheme or path, got ${JSON.stringify(v.host)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PaletteBodyError(subject, "NUTANIX_PORT", `expected a port from 1 to 65535, got ${port}`);
  if (v.username === "") throw new PaletteBodyError(subject, "NUTANIX_USER", "expected a non-empty username");
  if (v.password === "") throw new PaletteBodyError(subject, "NUTANIX_PASSWORD", "expected a non-empty password");
  return { NUTANIX_USER: v.username, NUTANIX_PASSWORD: v.password, NUTANIX_ENDPOINT: v.host, NUTANIX_PORT: String(port), NUTANIX_INSECURE: v.insecure ? "true" : "false" };
}

/** The `v1CustomAccountEntity` of a create or update. @throws PaletteBodyError on a bad name, PCG uid or value. */
export function nutanixAccountBody(input: NutanixAccountInput): V1CustomAccountEntity {
  const subject = `cloud account ${JSON.stringify(input.name)}`;
  if (input.name.trim() === "") throw new PaletteBodyError(subject, "name", "expected a non-empty name");
  if (input.overlordUid.trim() === "") throw new PaletteBodyError(subject, "overlordUid", "expected the uid of the PCG the account is bound to");
  return cloudAccountEntity({ name: input.name, overlordUid: input.overlordUid, credentials: nutanixCredentials(input.name, input.values) });
}

/** The create (`uid` undefined) or update request of an account. */
export function nutanixAccountRequest(input: NutanixAccountInput, uid?: string, cloudType: string = NUTANIX): PaletteWrite<V1CustomAccountEntity> {
  const base = path`/v1/cloudaccounts/cloudTypes/${cloudType}`;
  return { method: uid ? "PUT" : "POST", path: uid ? `${base}${path`/${uid}`}` : base, body: nutanixAccountBody(input), scope: "project", what: `cloud account "${input.name}"` };
}
