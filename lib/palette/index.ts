/** The Palette REST client (Spectro Cloud Palette 4.8 API, the operations of the Nutanix flow). */
export * from "./types";
export { PaletteError, isNotFound, parseErrorBody } from "./errors";
export { MASK, Redactor } from "./redact";
export type { PaletteRetryOptions } from "./retry";
export { MAX_LIMIT, PaletteHttp, type PaletteHttpOptions, type RequestSpec, type Answer, type PostKind } from "./http";
export { PaletteClient, type PaletteClientOptions } from "./client";
export { PcgApi, isPcgReady, type SelfHostedPcg } from "./pcg";
export { CloudAccountApi, cloudAccountEntity, OVERLORD_UID, type CloudAccountInput } from "./accounts";
export { CloudTypeApi, NUTANIX_ACCOUNT_KEYS, type CloudContentKind } from "./clouds";
export { ClusterProfileApi } from "./profiles";
export { ClusterApi, clusterNameSearch, decodeKubeconfig, isClusterReady, validationErrors, type KubeconfigKind } from "./clusters";
export { CloudConfigApi } from "./cloud-configs";
export { NUTANIX } from "./paths";
export * from "./bodies";
