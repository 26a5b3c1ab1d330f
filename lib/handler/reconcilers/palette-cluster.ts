/**
 * PaletteCluster: a cluster Palette provisions through the gateway (the handler creates none of its VMs).
 * Plan (reads only): the custom cloud type (`GET /v1/clouds/cloudTypes`, checkCloudType), the profile by name, the
 * gateway's cloud account by name, the cluster by name and, when it exists, its cloud config's pools.
 * Apply: validate (`POST …/cloudTypes/nutanix/validate`) then create, wait for `Running` + `Healthy`
 * (terraform-provider-spectrocloud `cluster_common_crud.go`); day 2 adds pools (`POST …/machinePools`), PUTs a
 * resized pool (`PUT /v1/cloudconfigs/cloudTypes/nutanix/{configUid}/machinePools/{name}`) and removes pools
 * (`DELETE …/machinePools/{name}`). A converged cluster gets no write.
 * Destroy: `DELETE /v1/spectroclusters/{uid}` and wait until Palette reports it gone (palette-sdk-go `GetCluster`).
 */
import { clusterCreateBody, isClusterReady, machinePoolBody, PaletteError, repaveDecision, validationErrors, type PaletteClient, type V1ClusterRepaveState } from "../../palette";
import { paletteTemplates, type PaletteTemplates } from "../../render/palette";
import type { ResourceOfKind } from "../../schema/plan";
import { HandlerInputError, ResourceApplyError } from "../errors";
import { checkCloudType } from "../palette/cloud-type";
import { describePaletteCluster, diffPools, hasRepave, poolInput, type PoolDiff } from "../palette/describe";
import { templateSuffixes, withSuffixes } from "../palette/repave";
import { paletteConnectionOf } from "../palette/session";
import type { Services } from "../services";
import type { DestroyedLocally, Planned, Reconciler } from "./types";

type ClusterResource = ResourceOfKind<"PaletteCluster">;

/**
 * How often and how long to wait for Palette. terraform-provider-spectrocloud polls cluster state with
 * `retry.StateChangeConf` (`MinTimeout: 10 * time.Second`, `cluster_common_crud.go`); the handler polls no faster.
 */
export interface PalettePolling {
  /** @default 10000 */
  readonly intervalMs: number;
  /** @default 3600000 (one hour, as the provider's default create timeout) */
  readonly timeoutMs: number;
}
export const DEFAULT_PALETTE_POLLING: PalettePolling = { intervalMs: 10_000, timeoutMs: 3_600_000 };
const pollingOf = new WeakMap<Services, PalettePolling>();

/** Sets the polling of a run (tests; a `--palette-timeout` flag). */
export function setPalettePolling(s: Services, p: Partial<PalettePolling>): void {
  pollingOf.set(s, { ...DEFAULT_PALETTE_POLLING, ...p });
}

/** The polling of a run: what {@link setPalettePolling} set, else the run's `palettePollMs` and the default timeout. */
export function palettePolling(s: Services): PalettePolling {
  return pollingOf.get(s) ?? { intervalMs: s.features.palettePollMs, timeoutMs: DEFAULT_PALETTE_POLLING.timeoutMs };
}

/** What plan found and apply needs. */
export interface PaletteClusterPlanned extends Planned {
  readonly templates?: PaletteTemplates;
  readonly found?: { readonly uid: string; readonly configUid?: string; readonly pools?: PoolDiff; readonly repave?: V1ClusterRepaveState };
  readonly inputs?: { readonly cloudAccountUid: string; readonly profileUid: string };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function client(s: Services, res: ClusterResource): PaletteClient {
  return paletteConnectionOf(s, res.spec.paletteAccount, res.id).client;
}

async function planCluster(s: Services, res: ClusterResource): Promise<PaletteClusterPlanned> {
  const base = { id: res.id, kind: res.kind, vms: [] as const };
  const errors: string[] = [];
  const notes: string[] = [];
  try {
    const c = client(s, res);
    const pc = s.plan.require(res.spec.account, "PrismCentralAccount", res.id);
    const gateway = s.plan.require(res.spec.gateway, "PrivateCloudGateway", res.id);
    const description = describePaletteCluster(res.spec, pc.spec);
    let templates = paletteTemplates(description);
    const ct = checkCloudType(await c.cloudTypes.list());
    if (!ct.ok) errors.push(`${res.id}: ${ct.message}`);
    let profileUid = "";
    try {
      profileUid = await c.profiles.uidByName(res.spec.profile.name, res.spec.profile.version ? { version: res.spec.profile.version } : {});
      notes.push(`profile "${res.spec.profile.name}" is ${profileUid}`);
    } catch (e) {
      if (e instanceof PaletteError) throw e;
      errors.push(`${res.id}: profile: ${(e as Error).message}`);
    }
    // The cloud account bound to the gateway carries the gateway's name (decision of this handler; issue 15 item 3).
    const account = await c.accounts.findByName(gateway.spec.name);
    const cloudAccountUid = account?.metadata?.uid ?? "";
    if (!cloudAccountUid) errors.push(`${res.id}: Palette has no Nutanix cloud account "${gateway.spec.name}" (the gateway ${gateway.id}'s): register the gateway with Palette first`);
    const live = await c.clusters.findByName(res.spec.name);
    const uid = live?.metadata?.uid;
    if (!uid) {
      notes.push(`Palette will create cluster "${res.spec.name}" (${1 + res.spec.workers.length} machine pool(s))`);
      return { diff: { ...base, action: "create", changes: [{ field: "palette.cluster", to: res.spec.name }], notes, errors }, templates, inputs: { cloudAccountUid, profileUid } };
    }
    const cluster = await c.clusters.getWithoutStatus(uid);
    const configUid = cluster?.spec?.cloudConfigRef?.uid;
    const cfg = configUid ? await c.cloudConfigs.get(configUid) : undefined;
    const livePools = cfg?.spec?.machinePoolConfig ?? [];
    // Keep the template names Palette has while a pool's machine is unchanged; the next name when it changed.
    templates = paletteTemplates(withSuffixes(description, templateSuffixes(templates, livePools)));
    const pools = diffPools(templates, livePools);
    const repave = cluster?.status?.repave?.state;
    if (repave === "Pending") notes.push(`a repave of cluster "${res.spec.name}" awaits approval in Palette${s.features.approveRepave ? " (--approve-repave: apply approves it)" : " (apply --approve-repave approves it)"}`);
    if (hasRepave(pools)) notes.push(`a machine change renames NutanixMachineTemplate(s): Palette holds a repave${s.features.approveRepave ? " that apply approves (--approve-repave)" : " until approved (apply --approve-repave)"}`);
    for (const m of pools.problems) errors.push(`${res.id}: ${m}`);
    for (const a of pools.added) notes.push(`Palette will add machine pool ${a.name} (${a.replicas} node(s))`);
    for (const r of pools.removed) notes.push(`Palette will remove machine pool ${r} and its nodes`);
    notes.push(`Palette cluster "${res.spec.name}" is ${uid} (${cluster?.status?.state ?? "no status yet"})`);
    const changes = repave === "Pending" && s.features.approveRepave ? [...pools.changes, { field: "palette.repave", from: "Pending", to: "Approved" }] : pools.changes;
    return { diff: { ...base, action: changes.length > 0 ? "update" : "no-change", changes, notes, errors }, templates, found: { uid, ...(configUid ? { configUid } : {}), pools, ...(repave ? { repave } : {}) }, inputs: { cloudAccountUid, profileUid } };
  } catch (e) {
    if (!(e instanceof HandlerInputError || e instanceof PaletteError)) throw e;
    errors.push(`${res.id}: ${e.message}`);
    return { diff: { ...base, action: "no-change", changes: [], notes, errors } };
  }
}

async function waitReady(s: Services, c: PaletteClient, res: ClusterResource, uid: string): Promise<void> {
  const p = palettePolling(s);
  const deadline = Date.now() + p.timeoutMs;
  for (;;) {
    const cl = await c.clusters.get(uid);
    const ov = cl ? await c.clusters.overview(uid) : undefined;
    if (isClusterReady(cl, ov)) return;
    if (Date.now() + p.intervalMs > deadline) throw new ResourceApplyError([`${res.id}: Palette cluster ${uid} not Running and Healthy within ${p.timeoutMs} ms (state ${cl?.status?.state ?? "none"}, health ${ov?.status?.health?.state ?? "none"})`]);
    await sleep(p.intervalMs);
  }
}

async function applyCluster(s: Services, res: ClusterResource, planned: PaletteClusterPlanned): Promise<{ detail: string }> {
  const { diff, templates, found, inputs } = planned;
  if (diff.errors.length > 0 || !templates || !inputs) throw new ResourceApplyError(diff.errors.length > 0 ? diff.errors : [`${res.id}: nothing planned`]);
  const c = client(s, res);
  if (!found) {
    const body = clusterCreateBody({
      name: res.spec.name,
      cloudAccountUid: inputs.cloudAccountUid,
      profileUids: [inputs.profileUid],
      cloudConfig: templates.cloudConfig,
      pools: [templates.controlPlane, ...templates.workers].map((t) => poolInput(t, res.spec)),
    });
    const problems = validationErrors(await c.clusters.validate(body));
    if (problems.length > 0) throw new ResourceApplyError(problems.map((m) => `${res.id}: Palette validate: ${m}`));
    const uid = await c.clusters.create(body);
    await waitReady(s, c, res, uid);
    return { detail: `created Palette cluster ${uid}; Running and Healthy` };
  }
  const pools = found.pools;
  const done: string[] = [];
  if (pools && pools.changes.length > 0) {
    if (!found.configUid) throw new ResourceApplyError([`${res.id}: Palette cluster ${found.uid} has no cloud config reference`]);
    done.push(...(await applyPoolDiff(c, res, found.configUid, pools)));
  }
  const repave = pools && hasRepave(pools) ? (await c.clusters.getWithoutStatus(found.uid))?.status?.repave?.state : found.repave;
  const decision = repaveDecision(repave, s.features.approveRepave);
  if (decision === "wait-for-approval") {
    throw new ResourceApplyError([
      `${res.id}: ${done.length > 0 ? `${done.join(", ")}; ` : ""}the repave of Palette cluster ${found.uid} awaits approval: run apply again with --approve-repave, or approve it in Palette (the nodes are replaced one by one)`,
    ]);
  }
  if (decision === "approve") {
    await c.clusters.approveRepave(found.uid);
    s.progress.action(res.id, `approved the repave of Palette cluster ${found.uid} (--approve-repave)`);
    done.push("repave approved");
  }
  if (done.length === 0) return { detail: `Palette cluster ${found.uid}: no change` };
  await waitReady(s, c, res, found.uid);
  return { detail: `${done.join(", ")}; Running and Healthy` };
}

/**
 * Day 2 of the pools, in terraform-provider-spectrocloud `resourceClusterCustomCloudUpdate`'s order: new pools are
 * created (`POST …/machinePools`) and changed ones updated (`PUT …/machinePools/{name}`), then pools no longer
 * wanted are deleted (`DELETE …/machinePools/{name}`, palette-sdk-go `DeleteMachinePoolCustomCloud`) — capacity is
 * added before any is taken away. Each write is idempotent on a re-run: a create whose answer was lost is settled
 * by reading the cloud config (CloudConfigApi.createPool), a delete of a pool already gone is no error.
 */
async function applyPoolDiff(c: PaletteClient, res: ClusterResource, configUid: string, pools: PoolDiff): Promise<string[]> {
  const done: string[] = [];
  for (const t of pools.added) {
    await c.cloudConfigs.createPool(configUid, t.name, machinePoolBody(poolInput(t, res.spec), `${res.id} machine pool ${t.name}`));
    done.push(`added ${t.name} (${t.replicas})`);
  }
  for (const { template, from, machineTemplate } of pools.scale) {
    await c.cloudConfigs.updatePool(configUid, template.name, machinePoolBody(poolInput(template, res.spec), `${res.id} machine pool ${template.name}`));
    if (from !== template.replicas) done.push(`resized ${template.name} ${from}→${template.replicas}`);
    if (machineTemplate) done.push(`${template.name}: machine template ${machineTemplate.from}→${machineTemplate.to}`);
  }
  for (const name of pools.removed) {
    await c.cloudConfigs.deletePool(configUid, name);
    done.push(`removed ${name}`);
  }
  return done;
}

async function destroyCluster(s: Services, res: ClusterResource): Promise<DestroyedLocally> {
  try {
    const c = client(s, res);
    const uid = (await c.clusters.findByName(res.spec.name))?.metadata?.uid;
    if (!uid) return { ok: true, text: `Palette has no cluster "${res.spec.name}"` };
    await c.clusters.delete(uid);
    const p = palettePolling(s);
    const deadline = Date.now() + p.timeoutMs;
    while (await c.clusters.get(uid)) {
      if (Date.now() + p.intervalMs > deadline) return { ok: false, text: `Palette cluster ${uid} still deleting after ${p.timeoutMs} ms` };
      await sleep(p.intervalMs);
    }
    return { ok: true, text: `deleted Palette cluster ${uid}` };
  } catch (e) {
    if (!(e instanceof HandlerInputError || e instanceof PaletteError)) throw e;
    return { ok: false, text: `${res.id}: ${e.message}` };
  }
}

export const paletteClusterReconciler: Reconciler<ClusterResource, PaletteClusterPlanned> = {
  plan: planCluster,
  apply: applyCluster,
  destroy: destroyCluster,
  // Palette deletes the cluster through the gateway: before the gateway's host cluster goes.
  destroyBeforeVms: () => true,
};
