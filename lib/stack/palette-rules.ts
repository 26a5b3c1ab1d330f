/**
 * The cross-resource rules of clusters through Palette (PaletteCluster resources): the gateway, the
 * Prism Central account and the Palette account fit together, and the rules every directly built
 * cluster follows (unique names and VIPs, the VIP on its node subnet, host name length) hold for them
 * too, across both kinds. Registered by the stack beside the PCG rule; pure, every problem returned.
 *
 * Sources: a Nutanix cloud account in Palette is bound to one PCG (`metadata.annotations.overlordUid`,
 * palette-sdk-go client/constants.go `OverlordUID`) and holds the Prism Central credentials Palette
 * uses (the five `NUTANIX_*` keys, librarium docs/docs-content/clusters/data-center/nutanix/
 * register-nutanix-cloud.md), so a cluster's VMs go to the Prism Central its gateway serves; the
 * cluster is created with that account's uid in the project of the API key's scope (`ProjectUid`).
 */
import { MAX_HOSTNAME_LENGTH } from "../plan/validate";
import type { PlanIndex } from "../plan/plan-index";
import type { PlanRule } from "../plan/rules";
import { checkVipInNodeNetwork } from "../schema/cluster";
import type { ResourceOfKind } from "../schema/plan";
import type { ValidationIssue } from "../schema/validation";

type PaletteCluster = ResourceOfKind<"PaletteCluster">;

const quote = JSON.stringify;

function bindingIssues(ix: PlanIndex, c: PaletteCluster): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const s = c.spec;
  if (!ix.get("PrismCentralAccount", s.account)) out.push({ path: c.id, field: "account", message: `expected the id of a PrismCentralAccount in this plan, got ${quote(s.account)}` });
  const account = ix.get("PaletteAccount", s.paletteAccount);
  if (!account) out.push({ path: c.id, field: "paletteAccount", message: `expected the id of a PaletteAccount in this plan, got ${quote(s.paletteAccount)}` });
  const gw = ix.get("PrivateCloudGateway", s.gateway);
  if (!gw) {
    out.push({ path: c.id, field: "gateway", message: `expected the id of a PrivateCloudGateway in this plan, got ${quote(s.gateway)}` });
    return out;
  }
  if (gw.spec.account !== s.account) {
    out.push({
      path: c.id,
      field: "account",
      message: `expected the account of gateway ${gw.id}, ${gw.spec.account}, got ${s.account}: Palette builds the cluster's VMs in the Prism Central its gateway's cloud account names`,
    });
  }
  if (gw.spec.paletteAccount !== s.paletteAccount) {
    const has = gw.spec.paletteAccount ? `registers with ${gw.spec.paletteAccount}` : "has inline Palette settings, no PaletteAccount";
    out.push({ path: c.id, field: "paletteAccount", message: `expected the PaletteAccount of gateway ${gw.id}, got ${s.paletteAccount}: the gateway ${has}` });
  }
  return out;
}

const binding: PlanRule["check"] = (ix) => ix.all("PaletteCluster").flatMap((c) => bindingIssues(ix, c));

/** A cluster of either kind, as the name and address rules see it. */
interface AnyCluster {
  readonly id: string;
  readonly account: string;
  readonly name: string;
}

function anyClusters(ix: PlanIndex): AnyCluster[] {
  return [...ix.all("NutanixCluster"), ...ix.all("PaletteCluster")].map((c) => ({ id: c.id, account: c.spec.account, name: c.spec.name }));
}

const uniqueNames: PlanRule["check"] = (ix) => {
  const out: ValidationIssue[] = [];
  const byAccount = new Map<string, AnyCluster>();
  // Direct clusters among themselves are the plan layer's rule; here a PaletteCluster (listed after
  // every direct one, so the issue names it) meets either kind.
  for (const c of anyClusters(ix)) {
    const key = `${c.account}\u0000${c.name}`;
    const first = byAccount.get(key);
    if (!first) byAccount.set(key, c);
    else if (ix.get("PaletteCluster", c.id) || ix.get("PaletteCluster", first.id)) {
      out.push({ path: c.id, field: "name", message: `expected cluster names unique per account, '${c.name}' is also used by ${first.id} in account ${c.account}` });
    }
  }
  const byPalette = new Map<string, PaletteCluster>();
  for (const c of ix.all("PaletteCluster")) {
    const key = `${c.spec.paletteAccount}\u0000${c.spec.name}`;
    const first = byPalette.get(key);
    if (!first) byPalette.set(key, c);
    else if (first.spec.account !== c.spec.account) {
      out.push({ path: c.id, field: "name", message: `expected cluster names unique per Palette project, '${c.spec.name}' is also used by ${first.id} in ${c.spec.paletteAccount}` });
    }
  }
  return out;
};

const uniqueVips: PlanRule["check"] = (ix) => {
  const out: ValidationIssue[] = [];
  const seen = new Map<string, string>();
  const claims = [
    ...ix.all("KubeVipEndpoint").map((e) => ({ id: e.id, account: e.spec.account, address: e.spec.address, palette: false })),
    ...ix.all("PaletteCluster").map((c) => ({ id: c.id, account: c.spec.account, address: c.spec.endpoint.address, palette: true })),
  ];
  for (const claim of claims) {
    const key = `${claim.account}\u0000${claim.address}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, claim.id);
    else if (claim.palette || ix.get("PaletteCluster", first)) {
      out.push({ path: claim.id, field: claim.palette ? "endpoint.address" : "address", message: `expected a kube-vip address used by one cluster only, ${claim.address} is also claimed by ${first}` });
    }
  }
  return out;
};

const vipOnNodeNetwork: PlanRule["check"] = (ix) =>
  ix.all("PaletteCluster").flatMap((c) => {
    const net = c.spec.nodeNetwork;
    return net ? checkVipInNodeNetwork(c.spec.endpoint.address, net).map((message) => ({ path: c.id, field: "endpoint.address", message })) : [];
  });

const hostnameLength: PlanRule["check"] = (ix) =>
  ix.all("PaletteCluster").flatMap((c) =>
    [c.spec.controlPlane, ...c.spec.workers].flatMap((p) => {
      const longest = `${c.spec.name}-${p.name}-${Math.max(p.replicas, p.autoscaling?.maxReplicas ?? 0, 1)}`;
      return longest.length > MAX_HOSTNAME_LENGTH
        ? [{ path: c.id, field: p === c.spec.controlPlane ? "controlPlane.name" : `workers.${p.name}`, message: `expected VM host names <cluster>-<pool>-<n> of at most ${MAX_HOSTNAME_LENGTH} characters, got ${longest.length} in '${longest}': shorten the cluster or pool name` }]
        : [];
    }),
  );

/** The Palette rules, in the order their issues are reported. */
export const PALETTE_PLAN_RULES: readonly PlanRule[] = [
  { name: "palette.clusterBinding", check: binding },
  { name: "palette.uniqueClusterNames", check: uniqueNames },
  { name: "palette.uniqueVips", check: uniqueVips },
  { name: "palette.vipOnNodeNetwork", check: vipOnNodeNetwork },
  { name: "palette.hostnameLength", check: hostnameLength },
];
