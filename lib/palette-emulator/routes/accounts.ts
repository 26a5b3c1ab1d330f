/**
 * Custom cloud accounts (spec `v1CloudAccountsCustom*`): create (`201 {uid}`), list (paged), get, update (204),
 * delete (204). `spec.credentials` is required (the spec); the PCG binding is `metadata.annotations.overlordUid`
 * (palette-sdk-go `client/constants.go`) and must name an existing PCG (404 otherwise: guess). Whether Palette
 * masks passwords on GET is not documented: the emulator masks every credential whose key names a secret (guess,
 * and the safe choice), and does not even store those values.
 */
import { MASK, SECRET_KEY } from "../../palette/redact";
import { findAccount, scopeAnnotations, visible, type Ctx, type Route } from "../context";
import { isReply, page } from "../paging";
import { conflict, created, err, invalid, isoTime, noContent, notFound, ok, type Reply } from "../reply";
import { nextUid, type StoredAccount } from "../state";

function accountJson(c: Ctx, a: StoredAccount): Record<string, unknown> {
  const credentials = Object.fromEntries(Object.entries(a.credentials).map(([k, v]) => [k, SECRET_KEY.test(k) ? MASK : v]));
  return {
    apiVersion: "v1",
    kind: c.params.cloudType,
    metadata: {
      uid: a.uid,
      name: a.name,
      annotations: { ...scopeAnnotations(c, a.scope), overlordUid: a.overlordUid },
      labels: {},
      creationTimestamp: isoTime(a.createdAt),
      lastModifiedTimestamp: isoTime(a.updatedAt),
    },
    spec: { credentials },
    status: { state: "Running" },
  };
}

type Parsed = { name: string; overlordUid: string; credentials: Record<string, string> };

function parse(c: Ctx): Parsed | Reply {
  if (!c.state.cloudTypes[c.params.cloudType!]?.isCustom) return err(400, "InvalidRequest", `cloud type ${c.params.cloudType} is not a registered custom cloud`);
  const b = c.body as { metadata?: { name?: unknown; annotations?: Record<string, unknown> }; spec?: { credentials?: unknown } } | undefined;
  const name = b?.metadata?.name;
  if (typeof name !== "string" || name.trim() === "") return invalid("metadata.name: required");
  const creds = b?.spec?.credentials;
  if (!creds || typeof creds !== "object" || Array.isArray(creds)) return invalid("spec.credentials: required (a map of string values)");
  const bad = Object.entries(creds).find(([, v]) => typeof v !== "string");
  if (bad) return invalid(`spec.credentials.${bad[0]}: expected a string`);
  const overlordUid = b?.metadata?.annotations?.overlordUid;
  if (typeof overlordUid !== "string" || overlordUid === "") return invalid("metadata.annotations.overlordUid: required (the private cloud gateway of the account)");
  if (!c.state.overlords[overlordUid]) return notFound(`private cloud gateway ${overlordUid}`);
  // Secret values are not kept (the emulator never uses them), so the state file holds no password.
  const kept = Object.fromEntries(Object.entries(creds as Record<string, string>).map(([k, v]) => [k, SECRET_KEY.test(k) ? MASK : v]));
  return { name, overlordUid, credentials: kept };
}

export const accountRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/cloudaccounts/cloudTypes/{cloudType}",
    handler: (c) => {
      const all = Object.values(c.state.accounts)
        .filter((a) => visible(c, a.scope))
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((a) => accountJson(c, a));
      const p = page(all, c.query);
      return isReply(p) ? p : ok(p);
    },
  },
  {
    method: "POST",
    path: "/v1/cloudaccounts/cloudTypes/{cloudType}",
    handler: (c) => {
      const p = parse(c);
      if (isReply(p)) return p;
      if (Object.values(c.state.accounts).some((a) => a.name === p.name && a.scope === c.scope)) return conflict(`a cloud account named "${p.name}" already exists in this scope`);
      const uid = nextUid(c.state, "account");
      c.state.accounts[uid] = { uid, scope: c.scope, createdAt: c.now, updatedAt: c.now, ...p };
      return created(uid);
    },
  },
  {
    method: "GET",
    path: "/v1/cloudaccounts/cloudTypes/{cloudType}/{uid}",
    handler: (c) => {
      const a = findAccount(c, c.params.uid!);
      return a ? ok(accountJson(c, a)) : notFound(`cloud account ${c.params.uid}`);
    },
  },
  {
    method: "PUT",
    path: "/v1/cloudaccounts/cloudTypes/{cloudType}/{uid}",
    handler: (c) => {
      const a = findAccount(c, c.params.uid!);
      if (!a) return notFound(`cloud account ${c.params.uid}`);
      const p = parse(c);
      if (isReply(p)) return p;
      Object.assign(a, p, { updatedAt: c.now });
      return noContent();
    },
  },
  {
    method: "DELETE",
    path: "/v1/cloudaccounts/cloudTypes/{cloudType}/{uid}",
    handler: (c) => {
      const a = findAccount(c, c.params.uid!);
      if (!a) return notFound(`cloud account ${c.params.uid}`);
      const user = Object.values(c.state.clusters).find((x) => x.accountUid === a.uid && x.deleteAt === undefined);
      if (user) return err(409, "ResourceConflict", `cloud account ${a.name} is used by cluster ${user.name}`);
      delete c.state.accounts[a.uid];
      return noContent();
    },
  },
];
