/**
 * A PrivateCloudGateway registered with Palette (its `palette` prop is a PaletteAccount), observe → decide → act:
 *
 * 1. `POST /v1/pcg/selfHosted {name, cloudType: "nutanix"}` unless `GET /v1/overlords?name=` lists it (spec
 *    `v1PcgSelfHosted`; librarium `clusters/pcg/deploy-pcg-k8s.md`: a self-hosted gateway of cloud type Nutanix);
 * 2. while it is not `Running`: download the Jet and Ally manifests with the API key (`GET /v1/pcg/{uid}/services/
 *    {jet,ally}/manifest`; they need auth since Palette 4.9.16, librarium release notes) and apply them to the host
 *    cluster through its API (Jet first, then Ally in the namespace of Palette's `kubectl apply -n …` command);
 * 3. wait until `status.state` is `Running` (palette-sdk-go `client/private_cloud_gateway.go` `CheckPCG`) and
 *    `status.health.state` is `Healthy` (librarium: "Within a few minutes, your cluster's Health status changes to
 *    Healthy"), polling no faster than terraform-provider-spectrocloud polls clusters (10 s), for `--gateway-timeout`;
 * 4. create or update the Nutanix cloud account named after the gateway, bound to it by
 *    `metadata.annotations.overlordUid` (palette-sdk-go `client/constants.go`), with the five `NUTANIX_*` keys from
 *    the gateway's PrismCentralAccount (librarium `register-nutanix-cloud.md`).
 *
 * The account's name is the gateway's (the PaletteCluster reconciler finds it by that name). Palette masks no
 * documented field, but whether a GET returns the password is not documented: the decision compares only the
 * binding and the four keys that are not secret, so a changed password alone is not seen (say so in the plan).
 */
import { readFileSync } from "node:fs";
import { applyManifest, type AppliedObject } from "../../kube/apply";
import { isPcgReady, nutanixAccountBody, OVERLORD_UID, type NutanixAccountValues, type PaletteClient, type V1CustomAccount, type V1Overlord } from "../../palette";
import type { ResourceOfKind } from "../../schema/plan";
import type { CredentialsRef } from "../../schema/refs";
import { KubeUnreachableError } from "../../kube/errors";
import { HandlerInputError, ResourceApplyError } from "../errors";
import { forgetClusterAccess, reachCluster } from "../kube/access";
import { clusterPki } from "../kube/cluster-pki";
import type { Services } from "../services";
import type { FieldChange } from "../types";

type PcgResource = ResourceOfKind<"PrivateCloudGateway">;

/** The field manager of the handler's server-side applies. */
export const FIELD_MANAGER = "nutanix-handler";

/** The keys of an account that are not secret: compared with Palette's record to decide an update. */
export const PLAIN_KEYS = ["NUTANIX_USER", "NUTANIX_ENDPOINT", "NUTANIX_PORT", "NUTANIX_INSECURE"] as const;

/** What Palette has for a gateway. */
export interface GatewayObservation {
  readonly overlord?: { readonly uid: string; readonly state: string; readonly health: string; readonly kubectlCommands: readonly string[] };
  readonly account?: { readonly uid: string; readonly overlordUid?: string; readonly credentials: Readonly<Record<string, string>> };
}

/** What the plan wants: the account's name and its plain keys. */
export interface GatewayWant {
  readonly name: string;
  readonly plain: Readonly<Record<(typeof PLAIN_KEYS)[number], string>>;
}

/** The steps apply takes, in order. */
export interface GatewayDecision {
  readonly register: boolean;
  readonly applyManifests: boolean;
  readonly wait: boolean;
  readonly account: "create" | "update" | "none";
  readonly changes: readonly FieldChange[];
  readonly notes: readonly string[];
}

/** Pure: the steps from what Palette has. Nothing to do when the gateway is Running and Healthy and its account matches. */
export function decideGateway(obs: GatewayObservation, want: GatewayWant): GatewayDecision {
  const changes: FieldChange[] = [];
  const notes: string[] = [];
  const o = obs.overlord;
  const register = !o;
  if (register) changes.push({ field: "palette.gateway", to: `${want.name} (self-hosted, cloud type nutanix)` });
  const applyManifests = !o || o.state !== "Running";
  if (applyManifests) changes.push({ field: "palette.gateway.manifests", to: "Jet and Ally applied to the host cluster" });
  const wait = !o || o.state !== "Running" || o.health !== "Healthy";
  if (o) notes.push(`Palette gateway "${want.name}" is ${o.uid} (${o.state || "no state"}${o.health ? `, ${o.health}` : ""})`);
  let account: GatewayDecision["account"] = "none";
  const a = obs.account;
  if (!a) {
    account = "create";
    changes.push({ field: "palette.cloudAccount", to: `${want.name} (nutanix, bound to the gateway)` });
  } else {
    if (o && a.overlordUid !== o.uid) changes.push({ field: "palette.cloudAccount.overlordUid", from: a.overlordUid ?? "(none)", to: o.uid });
    if (!o) changes.push({ field: "palette.cloudAccount.overlordUid", from: a.overlordUid ?? "(none)", to: "(the new gateway)" });
    for (const k of PLAIN_KEYS) if (a.credentials[k] !== want.plain[k]) changes.push({ field: `palette.cloudAccount.${k}`, from: a.credentials[k] ?? "(none)", to: want.plain[k] });
    if (changes.some((c) => c.field.startsWith("palette.cloudAccount"))) account = "update";
    else notes.push(`Palette cloud account "${want.name}" is ${a.uid}, bound to the gateway (a changed NUTANIX_PASSWORD alone is not seen: Palette does not return it)`);
  }
  return { register, applyManifests, wait, account, changes, notes };
}

/** Reads a PrismCentralAccount's credentials reference (environment or JSON file); values never reach a message. */
export function readPrismCredentials(ref: CredentialsRef, env: NodeJS.ProcessEnv, accountId: string): { username: string; password: string } {
  if (ref.source === "env") {
    const missing = [ref.usernameEnv, ref.passwordEnv].filter((v) => env[v] === undefined || env[v] === "");
    if (missing.length > 0) throw new HandlerInputError(`${accountId}: the cloud account needs the Prism Central credentials: set ${missing.join(" and ")} in the environment`);
    return { username: env[ref.usernameEnv]!, password: env[ref.passwordEnv]! };
  }
  let d: { username?: unknown; password?: unknown } | null;
  try {
    d = JSON.parse(readFileSync(ref.path, "utf8")) as typeof d;
  } catch (e) {
    throw new HandlerInputError(`${accountId}: cannot read the credentials file ${ref.path} (${(e as NodeJS.ErrnoException).code ?? "not JSON"})`);
  }
  if (!d || typeof d.username !== "string" || d.username === "" || typeof d.password !== "string" || d.password === "") throw new HandlerInputError(`${accountId}: the credentials file ${ref.path} must hold {"username": "…", "password": "…"}`);
  return { username: d.username, password: d.password };
}

/** The account values (the five keys' sources) of a gateway: its PrismCentralAccount's endpoint and credentials. */
export function accountValues(s: Services, res: PcgResource): NutanixAccountValues {
  const pc = s.plan.require(res.spec.account, "PrismCentralAccount", res.id);
  const login = readPrismCredentials(pc.spec.credentials, s.env, pc.id);
  return { host: pc.spec.endpoint.host, port: pc.spec.endpoint.port, insecure: pc.spec.insecure, ...login };
}

/** The plain keys the plan wants (the password is read but never shown). */
export function wantOf(s: Services, res: PcgResource): GatewayWant {
  const v = accountValues(s, res);
  return { name: res.spec.name, plain: { NUTANIX_USER: v.username, NUTANIX_ENDPOINT: v.host, NUTANIX_PORT: String(v.port ?? 9440), NUTANIX_INSECURE: v.insecure ? "true" : "false" } };
}

/** Reads the gateway and its account from Palette (GETs only). */
export async function observeGateway(c: PaletteClient, name: string): Promise<GatewayObservation> {
  const o: V1Overlord | undefined = await c.pcg.findByName(name);
  const a: V1CustomAccount | undefined = await c.accounts.findByName(name);
  return {
    ...(o?.metadata?.uid ? { overlord: { uid: o.metadata.uid, state: o.status?.state ?? "", health: o.status?.health?.state ?? "", kubectlCommands: o.status?.kubectlCommands ?? [] } } : {}),
    ...(a?.metadata?.uid ? { account: { uid: a.metadata.uid, ...(a.metadata.annotations?.[OVERLORD_UID] ? { overlordUid: a.metadata.annotations[OVERLORD_UID] } : {}), credentials: { ...(a.spec?.credentials ?? {}) } } } : {}),
  };
}

/** The namespace of the Ally apply: the `-n <ns>` of Palette's `kubectl apply … ally …` command, if any. */
export function allyNamespace(commands: readonly string[]): string | undefined {
  const cmd = commands.find((c) => /\/services\/ally\/manifest/.test(c));
  return cmd ? /(?:^|\s)(?:-n|--namespace)[\s=]+([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?=\s|$)/.exec(cmd)?.[1] : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Applies the Jet, then the Ally manifest to the host cluster (refused, never blind, when its API does not answer). */
async function applyAgents(s: Services, c: PaletteClient, res: PcgResource, uid: string, commands: readonly string[]): Promise<AppliedObject[]> {
  const host = s.plan.require(res.spec.hostCluster, "NutanixCluster", res.id);
  const access = await reachCluster(s, host, await clusterPki(s, host), s.features.nodeReadyTimeoutMs, `apply the Jet and Ally manifests of PCG ${res.spec.name}`);
  try {
    const jet = await c.pcg.jetManifest(uid);
    const done = await applyManifest(access.client, jet, { fieldManager: FIELD_MANAGER, what: `the Jet manifest of PCG ${res.spec.name}` });
    const ns = allyNamespace(commands);
    // kubectl apply -n <ns> needs the namespace to exist; the Ally manifest may not carry it (not documented): ensure it.
    if (ns) done.push(...(await applyManifest(access.client, JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }), { fieldManager: FIELD_MANAGER, what: `the namespace of the Ally manifest of PCG ${res.spec.name}` })));
    const ally = await c.pcg.allyManifest(uid);
    done.push(...(await applyManifest(access.client, ally, { fieldManager: FIELD_MANAGER, ...(ns ? { namespace: ns } : {}), what: `the Ally manifest of PCG ${res.spec.name}` })));
    return done;
  } catch (e) {
    if (e instanceof KubeUnreachableError) forgetClusterAccess(s, host);
    throw e;
  }
}

/** Polls the gateway until Running and Healthy, or `--gateway-timeout`. */
async function waitGateway(s: Services, c: PaletteClient, res: PcgResource, uid: string, intervalMs: number): Promise<void> {
  const timeoutMs = s.features.gatewayTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const o = await c.pcg.get(uid);
    if (!o) throw new ResourceApplyError([`${res.id}: Palette gateway ${uid} disappeared while waiting for it to turn Running`]);
    if (isPcgReady(o)) return;
    if (Date.now() + intervalMs > deadline) {
      throw new ResourceApplyError([`${res.id}: Palette gateway ${res.spec.name} (${uid}) not Running and Healthy within ${Math.round(timeoutMs / 1000)}s (state ${o.status?.state ?? "none"}, health ${o.status?.health?.state ?? "none"}); check the Jet and Ally pods on host cluster ${res.spec.hostCluster} (--gateway-timeout)`]);
    }
    await sleep(intervalMs);
  }
}

/** Carries out a decision; returns what it did, for the summary. */
export async function actGateway(s: Services, c: PaletteClient, res: PcgResource, d: GatewayDecision, intervalMs: number): Promise<string[]> {
  const parts: string[] = [];
  let uid: string;
  let commands: readonly string[];
  if (d.register) {
    const r = await c.pcg.ensureSelfHosted(res.spec.name);
    uid = r.overlordUid;
    commands = r.kubectlCommands;
    s.progress.action(res.id, `Palette: ${r.created ? "registered" : "found"} gateway ${res.spec.name} (${uid})`);
    parts.push(`gateway ${uid} ${r.created ? "registered" : "found"}`);
  } else {
    const o = (await observeGateway(c, res.spec.name)).overlord;
    if (!o) throw new ResourceApplyError([`${res.id}: Palette gateway ${res.spec.name} disappeared between plan and apply`]);
    uid = o.uid;
    commands = o.kubectlCommands;
  }
  if (d.applyManifests || d.register) {
    const applied = await applyAgents(s, c, res, uid, commands);
    s.progress.action(res.id, `applied the Jet and Ally manifests to ${res.spec.hostCluster}: ${applied.filter((a) => a.result === "created").length} created, ${applied.filter((a) => a.result === "configured").length} configured`);
    parts.push(`Jet and Ally applied (${applied.length} object(s))`);
  }
  if (d.wait || d.register) {
    s.progress.action(res.id, `waiting for gateway ${res.spec.name} to turn Running and Healthy (--gateway-timeout ${Math.round(s.features.gatewayTimeoutMs / 1000)}s)`);
    await waitGateway(s, c, res, uid, intervalMs);
    parts.push("gateway Running and Healthy");
  }
  if (d.account !== "none") {
    const input = { name: res.spec.name, overlordUid: uid, values: accountValues(s, res) };
    const body = nutanixAccountBody(input);
    const credentials: Record<string, string> = { ...(body.spec?.credentials ?? {}) };
    const existing = d.account === "update" ? (await observeGateway(c, res.spec.name)).account : undefined;
    if (existing) await c.accounts.update(existing.uid, { name: input.name, overlordUid: uid, credentials });
    const accountUid = existing?.uid ?? (await c.accounts.create({ name: input.name, overlordUid: uid, credentials }));
    s.progress.action(res.id, `Palette: cloud account ${res.spec.name} ${existing ? "updated" : "created"} (${accountUid}), bound to gateway ${uid}`);
    parts.push(`cloud account ${accountUid} ${existing ? "updated" : "created"}`);
  }
  return parts;
}

/** Destroy: the cloud account, then the gateway (palette-api reference §4.5: account, then PCG). */
export async function destroyGateway(c: PaletteClient, name: string): Promise<string[]> {
  const obs = await observeGateway(c, name);
  const out: string[] = [];
  if (obs.account) out.push((await c.accounts.delete(obs.account.uid)) ? `deleted Palette cloud account ${obs.account.uid}` : `cloud account ${obs.account.uid} already gone`);
  else out.push(`Palette has no cloud account "${name}"`);
  if (obs.overlord) out.push((await c.pcg.delete(obs.overlord.uid)) ? `deleted Palette gateway ${obs.overlord.uid}` : `gateway ${obs.overlord.uid} already gone`);
  else out.push(`Palette has no gateway "${name}"`);
  return out;
}
