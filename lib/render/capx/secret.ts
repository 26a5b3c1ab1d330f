/** The credentials Secret: CAPX `templates/base/secret.yaml`, with placeholders instead of values. */
import { CREDENTIAL_PLACEHOLDERS } from "./api";
import type { CapxContext } from "./context";
import type { KubeObject } from "./types";

/** The Secret NutanixCluster's `credentialRef` names (no `type`: Kubernetes defaults it to Opaque). */
export function credentialsSecret(c: CapxContext): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: c.meta(c.names.secret),
    stringData: {
      credentials: `${JSON.stringify(
        [{ type: "basic_auth", data: { prismCentral: { username: CREDENTIAL_PLACEHOLDERS.username, password: CREDENTIAL_PLACEHOLDERS.password }, prismElements: null } }],
        null,
        2,
      )}\n`,
    },
  };
}
