/**
 * PrismCentralAccount: checks the credentials (GET /users/me) and resolves every Prism Element
 * cluster, subnet, image and GPU (on the hosts of its PE) that the pools of this account name, reporting
 * all missing ones together,
 * before any pool writes (pools depend on their account).
 */
import { PrismLookupError } from "../../prism/errors";
import type { EntityRefLike, GpuRef, ResolveAllInput } from "../../prism/client";
import type { ResourceOfKind } from "../../schema/plan";
import { canonicalJson } from "../../plan/canonical";
import { ResourceApplyError } from "../errors";
import type { PlanIndex } from "../plan-index";
import type { Services } from "../services";
import type { Planned, Reconciler } from "./types";

type AccountResource = ResourceOfKind<"PrismCentralAccount">;

/** Every reference the pools (and kube-vip endpoints) of this account name, deduplicated. */
export function referencesOf(plan: PlanIndex, accountId: string): ResolveAllInput {
  const clusters = new Map<string, EntityRefLike>();
  const images = new Map<string, EntityRefLike>();
  const subnets = new Map<string, { ref: EntityRefLike; cluster?: EntityRefLike }>();
  const gpus = new Map<string, { cluster: EntityRefLike; gpus: GpuRef[] }>();
  // One pass in plan order, so the lookups (and the notes naming them) keep the plan's order.
  for (const r of plan.ofKinds(["NodePool", "KubeVipEndpoint"])) {
    if (r.kind === "NodePool" && r.spec.account === accountId) {
      const m = r.spec.machine;
      clusters.set(canonicalJson(m.cluster), m.cluster);
      images.set(canonicalJson(m.image), m.image);
      for (const s of m.subnets) subnets.set(canonicalJson([s, m.cluster]), { ref: s, cluster: m.cluster });
      for (const g of m.gpus) {
        const entry = gpus.get(canonicalJson(m.cluster)) ?? { cluster: m.cluster, gpus: [] };
        if (!entry.gpus.some((x) => canonicalJson(x) === canonicalJson(g))) entry.gpus.push(g);
        gpus.set(canonicalJson(m.cluster), entry);
      }
    }
    if (r.kind === "KubeVipEndpoint" && r.spec.account === accountId && r.spec.subnet) {
      const entry: { ref: EntityRefLike; cluster?: EntityRefLike } = { ref: r.spec.subnet };
      if (r.spec.peCluster) {
        entry.cluster = r.spec.peCluster;
        clusters.set(canonicalJson(r.spec.peCluster), r.spec.peCluster);
      }
      subnets.set(canonicalJson([entry.ref, entry.cluster ?? null]), entry);
    }
  }
  return { clusters: [...clusters.values()], images: [...images.values()], subnets: [...subnets.values()], gpus: [...gpus.values()] };
}

async function planAccount(s: Services, res: AccountResource): Promise<Planned> {
  // The credential check and the lookups go out together; a credential failure is the one reported.
  const auth = s.lookups.checkAuth();
  const resolving = s.client.resolveAll(referencesOf(s.plan, res.id));
  resolving.catch(() => undefined);
  const user = await auth;
  const notes = [`authenticated to ${s.client.endpoint.host} as ${user}`];
  const errors: string[] = [];
  try {
    const r = await resolving;
    const names = (xs: Array<{ name: string }>): string => [...new Set(xs.map((x) => x.name))].join(", ") || "none";
    const gpuCount = r.gpus.reduce((n, g) => n + g.length, 0);
    notes.push(`PE clusters: ${names(r.clusters)}; subnets: ${names(r.subnets)}; images: ${names(r.images)}${gpuCount > 0 ? `; GPUs: ${gpuCount} found on their PE's hosts` : ""}`);
  } catch (e) {
    if (!(e instanceof PrismLookupError)) throw e;
    errors.push(...e.issues.map((i) => i.message));
  }
  return { diff: { id: res.id, kind: res.kind, action: "no-change", changes: [], vms: [], notes, errors } };
}

export const accountReconciler: Reconciler<AccountResource> = {
  plan: planAccount,
  apply(_s, _res, { diff }) {
    if (diff.errors.length > 0) {
      return Promise.reject(new ResourceApplyError([`${diff.errors.length} reference(s) not found in Prism Central:\n${diff.errors.map((e) => `  - ${e}`).join("\n")}`]));
    }
    return Promise.resolve({ detail: diff.notes.join("; ") });
  },
};
