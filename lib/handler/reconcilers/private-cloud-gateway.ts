/**
 * PrivateCloudGateway: once its host cluster is ready (every pool has its VMs), ensures its `NpcPcg`
 * category value, re-checks Palette's PCG rules with the real number of free addresses Prism Central
 * reports, optionally probes reachability of Palette and Prism Central (`--check-reachability`), and
 * writes the install bundle to `<output dir>/pcg/<pcg name>/`.
 *
 * A host cluster that is not ready fails the resource with "waiting for host cluster <id>: <reason>"
 * before anything is written (no category, no bundle). The bundle is local: same plan, same bytes, and an
 * identical bundle is not rewritten.
 *
 * With a PaletteAccount (`palette` prop) the gateway is also registered with Palette after the bundle
 * (lib/handler/palette/gateway.ts): the self-hosted PCG, its Jet and Ally manifests applied to the host
 * cluster through its API, the wait for Running and Healthy (`--gateway-timeout`), and the Nutanix cloud
 * account bound to it; destroy deletes the account, then the gateway. Without one, Palette's records are
 * left to a person (the bundle's README says how) and this reconciler never calls Palette.
 */
import { hostPortUrl } from "../../net/host-port";
import { pcgInstallBundle } from "../../pcg/bundle";
import { resolvePcg, type PcgContext } from "../../pcg/context";
import { isLoopbackHost, parseProbeUrl, probeReachability, type ProbeProxy, type ProbeTarget } from "../../pcg/probe";
import { pcgRules } from "../../pcg/rules";
import type { ResourceOfKind } from "../../schema/plan";
import { bundleDiffers, bundleDirOf, removeBundle, writeBundle } from "../bundle-files";
import { errorMessage, HandlerInputError, PlanReferenceError, ResourceApplyError } from "../errors";
import { categoryValue } from "../ownership";
import type { Services } from "../services";
import type { FieldChange, ResourceAction, ResourceDiff } from "../types";
import { PaletteError } from "../../palette";
import { actGateway, decideGateway, destroyGateway, observeGateway, wantOf, type GatewayDecision } from "../palette/gateway";
import { paletteConnectionOf } from "../palette/session";
import { palettePolling } from "./palette-cluster";
import type { DestroyedLocally, Planned, Reconciler } from "./types";

type PcgResource = ResourceOfKind<"PrivateCloudGateway">;

/** The category key naming a PCG. */
export const PCG_CATEGORY_KEY = "NpcPcg";

/** What is left to Palette when a PCG is destroyed, and how to remove it there. */
export function paletteLeftovers(pcgName: string): string {
  return (
    `Palette's own records of gateway ${pcgName} are left to Palette: this handler never calls Palette. ` +
    `To remove them, in Palette delete the nutanix cloud account bound to ${pcgName} (Project Settings → Cloud Accounts), ` +
    `then the gateway itself (Tenant Settings → Private Cloud Gateways → ${pcgName} → Delete), before or after the host cluster's VMs are gone`
  );
}

/** The bundle directory of a PCG, or undefined when the run has no output directory (a Plan object without outputDir). */
export function pcgBundleDir(s: Services, res: PcgResource): string | undefined {
  return s.features.outputDir === undefined ? undefined : bundleDirOf(s.features.outputDir, res.spec.name);
}

function hostOf(s: Services, res: PcgResource): ResourceOfKind<"NutanixCluster"> {
  const host = s.plan.find(res.spec.hostCluster, "NutanixCluster");
  if (!host) throw new ResourceApplyError([`waiting for host cluster ${res.spec.hostCluster}: it is not in the plan`]);
  return host;
}

/** What plan found: with a PaletteAccount, the steps in Palette. */
export interface PcgPlanned extends Planned {
  readonly palette?: GatewayDecision;
}

/** Plans the Palette side (GETs only); problems go to `errors`. */
async function planPalette(s: Services, res: PcgResource, notes: string[], errors: string[]): Promise<GatewayDecision | undefined> {
  if (res.spec.paletteAccount === undefined) return undefined;
  try {
    const c = paletteConnectionOf(s, res.spec.paletteAccount, res.id).client;
    const d = decideGateway(await observeGateway(c, res.spec.name), wantOf(s, res));
    notes.push(...d.notes);
    return d;
  } catch (e) {
    if (!(e instanceof HandlerInputError || e instanceof PaletteError)) throw e;
    errors.push(`${res.id}: Palette: ${e.message}`);
    return undefined;
  }
}

async function planPcg(s: Services, res: PcgResource): Promise<PcgPlanned> {
  const value = categoryValue(res.spec.name);
  const changes: FieldChange[] = [];
  if (!(await s.categories.has(PCG_CATEGORY_KEY, value))) changes.push({ field: `category ${PCG_CATEGORY_KEY}`, to: value });
  const notes: string[] = [];
  const host = s.plan.find(res.spec.hostCluster, "NutanixCluster");
  if (host) {
    const r = await s.readiness.cluster(host);
    notes.push(r.ready ? `host cluster ${host.spec.name} ready` : `waiting for host cluster ${host.id}: ${r.lines.join("; ")}`);
  }
  const dir = pcgBundleDir(s, res);
  if (dir === undefined) {
    notes.push("install bundle: not written (no plan file and no outputDir)");
  } else {
    const files = pcgInstallBundle(s.plan.plan, res.id).files;
    if (bundleDiffers(dir, files)) changes.push({ field: "install bundle (local)", to: dir });
    else notes.push(`install bundle up to date at ${dir}`);
  }
  if (s.features.checkReachability) notes.push("apply will check that Palette and Prism Central are reachable (--check-reachability)");
  const errors: string[] = [];
  const palette = await planPalette(s, res, notes, errors);
  if (palette) changes.push(...palette.changes);
  const action: ResourceAction = changes.length === 0 ? "no-change" : changes.some((c) => c.field.startsWith("category")) || palette?.register ? "create" : "update";
  const diff: ResourceDiff = { id: res.id, kind: res.kind, action, changes, vms: [], notes, errors };
  return { diff, ...(palette ? { palette } : {}) };
}

/**
 * The number of pool addresses available to the host cluster on its node subnet, from Prism Central:
 * the subnet's free addresses (status.resources.ip_usage_stats) plus those its own nodes hold on that
 * subnet (the rule counts the nodes against the pool). Undefined when Prism Central reports no usage.
 */
export async function realFreeIps(s: Services, pc: PcgContext): Promise<{ free?: number; note: string }> {
  const cp = pc.pools.find((p) => p.spec.role === "control-plane") ?? pc.pools[0];
  if (!cp) return { note: "no pools: the IP rule used the plan" };
  const subnetOf = async (pool: typeof cp, i: number) => {
    const pe = await s.lookups.resolveCluster(pool.spec.machine.cluster);
    return s.lookups.resolveSubnet(pool.spec.machine.subnets[i]!, pe.uuid);
  };
  const subnet = await subnetOf(cp, 0);
  const fresh = await s.client.getSubnet(subnet.uuid);
  const free = fresh.status?.resources?.ip_usage_stats?.num_free_ips;
  if (typeof free !== "number") return { note: `Prism Central reports no IP usage for subnet ${subnet.name}: the IP rule used the plan's pool` };
  let held = 0;
  for (const p of pc.pools) {
    for (let i = 0; i < p.spec.machine.subnets.length; i++) {
      if ((await subnetOf(p, i)).uuid === subnet.uuid) held += p.spec.replicas;
    }
  }
  return { free: free + held, note: `subnet ${subnet.name}: ${free} free addresses in its pool + ${held} held by the host cluster's nodes` };
}

/** The reachability targets of a PCG: the Palette endpoint and Prism Central as the PCG will reach them (the plan's account). */
export function reachabilityTargets(pc: PcgContext): ProbeTarget[] {
  const out: ProbeTarget[] = [{ name: "palette", url: pc.pcg.spec.palette.endpoint }];
  if (pc.account) {
    const { host, port } = pc.account.spec.endpoint;
    out.push({ name: "prism-central", url: hostPortUrl("https", host, port) });
  }
  return out;
}

async function checkReachability(s: Services, res: PcgResource, pc: PcgContext): Promise<{ ok: boolean; lines: string[] }> {
  const targets = reachabilityTargets(pc);
  const p = res.spec.proxy;
  const proxy: ProbeProxy | undefined = p
    ? { ...(p.httpProxy ? { httpProxy: p.httpProxy } : {}), ...(p.httpsProxy ? { httpsProxy: p.httpsProxy } : {}), noProxy: p.noProxy }
    : undefined;
  const emulator = await s.lookups.isEmulator();
  if (emulator) {
    // Against the emulator only loopback is ever dialled, whatever --allow-external-probes says.
    const hosts = [...targets.map((t) => parseProbeUrl(t.url)?.host ?? t.url), ...[p?.httpProxy, p?.httpsProxy].filter((x): x is string => !!x).map((u) => parseProbeUrl(u)?.host ?? u)];
    const external = hosts.filter((h) => !isLoopbackHost(h));
    if (external.length > 0) {
      return { ok: false, lines: [`reachability check refused: the target is the Prism Central emulator and ${[...new Set(external)].join(", ")} ${external.length === 1 ? "is" : "are"} not loopback; nothing was dialled (drop --check-reachability against the emulator)`] };
    }
  }
  const results = await probeReachability(targets, {
    timeoutMs: s.features.probeTimeoutMs,
    ...(proxy ? { proxy } : {}),
    ...(!emulator && s.features.allowExternalProbes ? { allowNonLoopback: true } : {}),
  });
  const lines = results.map((r) => `${r.name} ${r.url}: ${r.ok ? "reachable" : "NOT reachable"} (${r.route}: ${r.detail})`);
  const refused = results.some((r) => !r.ok && r.route === "none" && /not a loopback address/.test(r.detail));
  if (refused) lines.push("pass --allow-external-probes to let the check dial addresses outside this machine");
  return { ok: results.every((r) => r.ok), lines };
}

async function applyPcg(s: Services, res: PcgResource, { diff, palette }: PcgPlanned): Promise<string> {
  if (diff.errors.length > 0) throw new ResourceApplyError(diff.errors);
  const host = hostOf(s, res);
  const readiness = await s.readiness.cluster(host);
  if (!readiness.ready) {
    throw new ResourceApplyError([`waiting for host cluster ${host.id}: ${readiness.lines.join("; ")}; nothing written (no install bundle) until it is ready`]);
  }
  if (diff.changes.some((c) => c.field.startsWith("category"))) await s.categories.ensure({ [PCG_CATEGORY_KEY]: categoryValue(res.spec.name) });
  const { ctx: pc } = resolvePcg(s.plan.plan, res.id);
  if (!pc) throw new PlanReferenceError(res.id, res.id, "PrivateCloudGateway");
  const parts: string[] = [`host cluster ${host.spec.name} ready`];

  // Palette's rules again, with the free addresses Prism Central really has.
  const real = await realFreeIps(s, pc).catch((e: unknown) => ({ free: undefined, note: `cannot read the node subnet's free addresses (${errorMessage(e).split("\n")[0]}): the IP rule used the plan's pool` }));
  s.progress.action(res.id, `PCG rules: ${real.note}`);
  const issues = pcgRules(s.plan.plan, res.id, real.free);
  for (const i of issues) s.progress.action(res.id, `warning: PCG rule: ${i.path}: ${i.field}: ${i.message}`);
  if (issues.length > 0) parts.push(`${issues.length} PCG rule warning(s)`);

  const dir = pcgBundleDir(s, res);
  if (dir === undefined) {
    parts.push("install bundle not written (no plan file and no outputDir)");
  } else {
    const w = writeBundle(dir, pcgInstallBundle(s.plan.plan, res.id).files);
    const what = w.written.length === 0 && w.removed.length === 0 ? "up to date" : `written (${w.written.length} file(s)${w.removed.length ? `, ${w.removed.length} removed` : ""})`;
    s.progress.action(res.id, `install bundle ${what}: ${dir}`);
    parts.push(`install bundle ${what} at ${dir}`);
  }

  if (s.features.checkReachability) {
    const r = await checkReachability(s, res, pc);
    for (const l of r.lines) s.progress.action(res.id, `reachability: ${l}`);
    if (!r.ok) throw new ResourceApplyError([`reachability check failed:\n${r.lines.map((l) => `  - ${l}`).join("\n")}${dir ? `\n(the install bundle is at ${dir})` : ""}`]);
    parts.push("Palette and Prism Central reachable");
  }
  if (palette && res.spec.paletteAccount !== undefined) {
    const c = paletteConnectionOf(s, res.spec.paletteAccount, res.id).client;
    const done = await actGateway(s, c, res, palette, palettePolling(s).intervalMs);
    parts.push(done.length > 0 ? `Palette: ${done.join(", ")}` : "Palette: gateway Running and Healthy, cloud account bound (no change)");
  }
  return parts.join("; ");
}

/**
 * Destroy: with a PaletteAccount, the cloud account and then the gateway in Palette (a failure there fails the
 * resource and leaves the bundle); then the install bundle (the host cluster's VMs are the pools' own).
 */
async function destroyPcg(s: Services, res: PcgResource): Promise<DestroyedLocally> {
  if (res.spec.paletteAccount === undefined) return destroyPcgBundle(s, res, paletteLeftovers(res.spec.name));
  let palette: string;
  try {
    const done = await destroyGateway(paletteConnectionOf(s, res.spec.paletteAccount, res.id).client, res.spec.name);
    for (const d of done) s.progress.action(res.id, `Palette: ${d}`);
    palette = `Palette: ${done.join(", ")}`;
  } catch (e) {
    if (!(e instanceof HandlerInputError || e instanceof PaletteError)) throw e;
    return { ok: false, text: `${res.id}: Palette: ${e.message}; the install bundle is kept` };
  }
  return destroyPcgBundle(s, res, palette);
}

/** Removes the install bundle of a PCG being destroyed; `leftovers` says what happened (or is left) in Palette. */
function destroyPcgBundle(s: Services, res: PcgResource, leftovers: string): DestroyedLocally {
  const dir = pcgBundleDir(s, res);
  s.progress.action(res.id, leftovers);
  if (dir === undefined) return { ok: true, text: `no install bundle to remove (no plan file and no outputDir). ${leftovers}` };
  try {
    const r = removeBundle(dir);
    const what = !r.existed
      ? `no install bundle at ${dir}`
      : r.kept.length > 0
        ? `install bundle files removed from ${dir} (kept ${r.kept.join(", ")}, not bundle files, and the directory)`
        : `install bundle removed: ${dir}`;
    s.progress.action(res.id, what);
    return { ok: true, text: `${what}. ${leftovers}` };
  } catch (e) {
    return { ok: false, text: `cannot remove the install bundle ${dir}: ${errorMessage(e)}` };
  }
}

export const pcgReconciler: Reconciler<PcgResource, PcgPlanned> = {
  plan: planPcg,
  apply: async (s, res, planned) => ({ detail: await applyPcg(s, res, planned) }),
  destroy: destroyPcg,
  destroyBeforeVms: (res) => res.spec.paletteAccount !== undefined,
  // A host cluster that failed in this run skips the PCG: say what it waits for, and that nothing was written.
  skipReason: (res, cause) => `waiting for host cluster ${res.spec.hostCluster}: ${cause}; nothing written (no install bundle) until it is ready`,
};
