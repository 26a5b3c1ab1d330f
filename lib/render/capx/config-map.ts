/** The Prism Central trust bundle ConfigMap: CAPX `templates/base/cm.yaml`. */
import type { CapxContext } from "./context";
import type { KubeObject } from "./types";

/** The ConfigMap of the account's trust bundle (PEM base64-encoded without newlines under `binaryData.ca.crt`), or undefined without one. */
export function trustBundleConfigMap(c: CapxContext): KubeObject | undefined {
  if (!c.account.trustBundle) return undefined;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: c.meta(c.names.trustBundle),
    binaryData: { "ca.crt": Buffer.from(c.account.trustBundle, "utf8").toString("base64") },
  };
}
