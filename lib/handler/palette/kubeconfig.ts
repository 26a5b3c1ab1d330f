/**
 * `nutanix-handler kubeconfig --cluster <id>` for a cluster through Palette: the kubeconfig Palette serves for it
 * (reads only; Prism Central is not asked). The cluster is found by name (palette-sdk-go `GetClusterByName`), then
 * `GET /v1/spectroclusters/{uid}/assets/adminKubeconfig` (spec `v1SpectroClustersUidAdminKubeConfig`,
 * terraform-provider-spectrocloud `admin_kube_config`) by default, or `assets/kubeconfigclient` (TF `kubeconfig`),
 * or the deprecated `assets/kubeconfig?frp=true` (reverse proxy). Palette answers 404 until the cluster is Running
 * (palette-sdk-go treats that as "not yet available"); a base64 body is decoded (SDK `parseKubeconfig`).
 * The YAML holds a credential: the CLI prints it on stdout only, it never enters a log or an error.
 */
import type { KubeconfigKind, PaletteClient } from "../../palette";
import type { Plan, ResourceOfKind } from "../../schema/plan";
import { HandlerInputError } from "../errors";
import { loadPlan } from "../index";
import { clusterKubeconfig, type KubeconfigOptions } from "../kube/kubeconfig";
import { PlanIndex } from "../plan-index";
import { newPaletteConnection, type PaletteClientOverrides } from "./session";

type PaletteClusterResource = ResourceOfKind<"PaletteCluster">;

/** Options of {@link paletteClusterKubeconfig}. */
export interface PaletteKubeconfigOptions {
  readonly plan: Plan | string;
  /** The PaletteCluster resource id (construct path). */
  readonly cluster: string;
  /** `--palette-endpoint`. @default PALETTE_ENDPOINT, else the PaletteAccount's endpoint */
  readonly paletteEndpoint?: string;
  /** Which asset. @default "admin" (as the handler's own kubeconfig of a directly built cluster is an admin one) */
  readonly kind?: KubeconfigKind;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Client options (tests: fast retries). @default the client's defaults */
  readonly client?: PaletteClientOverrides;
}

/** Why there is no kubeconfig yet (a failure, exit 1: the plan is fine, Palette is not there yet). */
export class PaletteKubeconfigUnavailable extends Error {}

async function fetchKubeconfig(c: PaletteClient, res: PaletteClusterResource, kind: KubeconfigKind): Promise<string> {
  const live = await c.clusters.findByName(res.spec.name);
  const uid = live?.metadata?.uid;
  if (!uid) throw new PaletteKubeconfigUnavailable(`${res.id}: Palette has no cluster "${res.spec.name}": run nutanix-handler apply first`);
  const kc = await c.clusters.kubeconfig(uid, kind);
  if (kc === undefined || kc.trim() === "") {
    const state = (await c.clusters.get(uid))?.status?.state ?? "no status yet";
    throw new PaletteKubeconfigUnavailable(`${res.id}: Palette has no kubeconfig for cluster ${uid} yet (state ${state}): it serves one once the cluster is Running`);
  }
  return kc.endsWith("\n") ? kc : `${kc}\n`;
}

/** The Palette kubeconfig of a PaletteCluster of the plan. @throws HandlerInputError for an id that is not one */
export async function paletteClusterKubeconfig(opts: PaletteKubeconfigOptions): Promise<string> {
  const index = new PlanIndex(loadPlan(opts.plan));
  const res = index.find(opts.cluster, "PaletteCluster");
  if (!res) throw new HandlerInputError(`--cluster ${opts.cluster}: expected the id of a PaletteCluster in the plan; known: ${index.ofKind("PaletteCluster").map((r) => r.id).join(", ") || "none"}`);
  const account = index.require(res.spec.paletteAccount, "PaletteAccount", res.id);
  const conn = newPaletteConnection(account, opts.env ?? process.env, opts.paletteEndpoint, opts.client);
  try {
    return await fetchKubeconfig(conn.client, res, opts.kind ?? "admin");
  } finally {
    conn.client.close();
  }
}

/**
 * The `kubeconfig` command: a PaletteCluster's from Palette, a NutanixCluster's from its CA (lib/handler/kube).
 * An id of neither kind is bad input listing both.
 */
export async function kubeconfigCommand(opts: KubeconfigOptions): Promise<string> {
  const plan = loadPlan(opts.plan);
  const index = new PlanIndex(plan);
  if (index.find(opts.cluster, "PaletteCluster")) {
    return paletteClusterKubeconfig({ plan, cluster: opts.cluster, ...(opts.paletteEndpoint !== undefined ? { paletteEndpoint: opts.paletteEndpoint } : {}), ...(opts.env ? { env: opts.env } : {}) });
  }
  if (index.find(opts.cluster, "NutanixCluster")) return clusterKubeconfig({ ...opts, plan });
  const known = [...index.ofKind("NutanixCluster"), ...index.ofKind("PaletteCluster")].map((r) => `${r.id} (${r.kind})`);
  throw new HandlerInputError(`--cluster ${opts.cluster}: expected the id of a NutanixCluster or PaletteCluster in the plan; known: ${known.join(", ") || "none"}`);
}
