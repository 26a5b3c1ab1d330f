/**
 * Whether Palette has the custom cloud type `nutanix` a cluster needs, from `GET /v1/clouds/cloudTypes`
 * (`v1CustomCloudTypes`). palette-sdk-go `client/account_custom_cloud.go` `ValidateCustomCloudType` accepts only an
 * entry with `name == cloudType && isCustom`; librarium `register-nutanix-cloud.md`: the name must be `nutanix`, and
 * only a system administrator of a self-hosted Palette can register it. Pure: the reconciler lists, this decides.
 */
import { NUTANIX } from "../../palette/paths";
import type { V1CustomCloudType } from "../../palette/types";

/** What a cluster reconciler does about the cloud type. */
export type CloudTypeCheck =
  | { readonly ok: true; readonly cloudType: V1CustomCloudType }
  | {
      readonly ok: false;
      /** `missing`: nothing of that name; `not-custom`: a built-in of that name (not CAPX-backed). */
      readonly reason: "missing" | "not-custom";
      /** The message for the operator: what is wrong and what to do. */
      readonly message: string;
    };

/** Decides from the listed cloud types; a cluster must not be created unless `ok`. */
export function checkCloudType(cloudTypes: readonly V1CustomCloudType[], name: string = NUTANIX): CloudTypeCheck {
  const custom = cloudTypes.find((c) => c.name === name && c.isCustom === true);
  if (custom) return { ok: true, cloudType: custom };
  const builtIn = cloudTypes.some((c) => c.name === name);
  const todo =
    `a system administrator of the self-hosted Palette registers it once: nutanix-handler palette register-cloud --infra-components <CAPX infrastructure-components.yaml> ` +
    `(with PALETTE_ENDPOINT and a system token or PALETTE_API_KEY; see docs/palette.md); SaaS Palette cannot register custom clouds`;
  return builtIn
    ? { ok: false, reason: "not-custom", message: `Palette's cloud type "${name}" is not a custom cloud (GET /v1/clouds/cloudTypes: isCustom is not true): ${todo}` }
    : { ok: false, reason: "missing", message: `Palette has no custom cloud type "${name}" (GET /v1/clouds/cloudTypes): ${todo}` };
}
