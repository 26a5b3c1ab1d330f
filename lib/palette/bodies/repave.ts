/**
 * The repave approval. A changed NutanixMachineTemplate (renamed, as Palette requires) makes Palette hold the
 * rolling replacement until it is approved: `PATCH /v1/spectroclusters/{uid}/repave/approve` (no body, 204; spec
 * `v1SpectroClustersUidRepaveApproveUpdate`), state read from `status.repave.state` or `GET …/repave/status`
 * (`Pending | Approved | Reverted`, spec `v1ClusterRepaveState`; librarium `create-manage-nutanix-cluster.md`).
 */
import { path } from "../paths";
import type { V1ClusterRepaveState } from "../types";
import type { PaletteWrite } from "./request";

/** The approval request of cluster `uid`. */
export function repaveApprovalRequest(uid: string): PaletteWrite<never> {
  return { method: "PATCH", path: path`/v1/spectroclusters/${uid}/repave/approve`, scope: "project", what: `cluster ${uid} repave` };
}

/** What to do about a repave: approve it (`--approve-repave`), report that it waits, or nothing. */
export type RepaveDecision = "none" | "approve" | "wait-for-approval";

/** A pending repave is approved only when the operator allowed it. */
export function repaveDecision(state: V1ClusterRepaveState | undefined, approve: boolean): RepaveDecision {
  if (state !== "Pending") return "none";
  return approve ? "approve" : "wait-for-approval";
}
