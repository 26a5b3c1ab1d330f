/** The request bodies of the Palette reconcilers, as pure builders (no I/O). */
export { PaletteBodyError, maskedWrite, type PaletteWrite } from "./request";
export { selfHostedPcgBody, selfHostedPcgRequest } from "./pcg";
export { nutanixAccountBody, nutanixAccountRequest, nutanixCredentials, type NutanixAccountInput, type NutanixAccountValues } from "./account";
export { clusterCreateBody, clusterCreateRequest, machinePoolBody, type PaletteClusterInput, type PalettePoolInput } from "./cluster";
export { machinePoolCreateRequest, machinePoolDeleteRequest, machinePoolUpdateRequest } from "./pool";
export { repaveApprovalRequest, repaveDecision, type RepaveDecision } from "./repave";
