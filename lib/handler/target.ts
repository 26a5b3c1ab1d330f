/**
 * Where the handler connects and with what: endpoint, credentials, TLS trust. Secrets are read from
 * the environment or files at run time and never logged; errors name variables and files, not values.
 */
import { readFileSync } from "node:fs";
import { hostPortUrl } from "../net/host-port";
import type { Plan } from "../schema/plan";
import type { PrismCentralAccountSpec } from "../schema/account";
import type { CredentialsRef, SecretRef } from "../schema/refs";
import { HandlerInputError } from "./errors";
import { accountIds, ambiguousOverride, parsePerAccount, runAccounts, type PerAccount } from "./accounts";
import { PlanIndex } from "./plan-index";

/**
 * The username and password the handler logs in to Prism Central with (values, read at run time). Not
 * to be confused with the `Credentials` construct reference, which names where they come from.
 */
export interface PrismLogin {
  readonly username: string;
  readonly password: string;
}

/** What the caller says about the target (flags, or the programmatic API). */
export interface TargetOptions {
  /**
   * `--endpoint`: `<url>` (one-account plans: wins over NUTANIX_ENDPOINT and the account's endpoint), or
   * `<account id>=<url>` per account (repeatable; required for overrides when the plan has several
   * accounts). @default the account's endpoint
   */
  endpoint?: string | readonly string[];
  /** `--palette-endpoint`: wins over PALETTE_ENDPOINT and every PaletteAccount's endpoint (lib/handler/palette/target.ts). @default none */
  paletteEndpoint?: string;
  /** Credentials given directly (programmatic use; one-account plans only). @default the account's CredentialsRef */
  credentials?: PrismLogin;
  /**
   * `--credentials-file`: JSON `{ "username": …, "password": … }`; `<file>` for a one-account plan, or
   * `<account id>=<file>` per account (repeatable). @default the account's CredentialsRef
   */
  credentialsFile?: string | readonly string[];
  /**
   * `--ca-bundle`: a PEM file (also NUTANIX_CA_BUNDLE); `<file>` trusts it for every account,
   * `<account id>=<file>` for one (repeatable). @default the account's trustBundle
   */
  caBundleFile?: string | readonly string[];
  /** PEM text of a CA bundle, trusted for every account (programmatic use). @default none */
  caBundle?: string;
  /** `--insecure`: skip TLS verification for every account (explicit opt-in only). @default false */
  insecure?: boolean;
  /** The environment to read variables from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The resolved target of one Prism Central account. */
export interface Target {
  /** The PrismCentralAccount resource id; undefined for a plan without accounts. */
  readonly account?: string;
  readonly endpoint: string;
  readonly endpointSource: "flag" | "env" | "plan";
  readonly credentials: PrismLogin;
  readonly caBundle?: string;
  readonly insecure: boolean;
  readonly warnings: string[];
}

/** The plan's Prism Central accounts. */
export function planAccounts(plan: Plan): Array<{ id: string; spec: PrismCentralAccountSpec }> {
  return new PlanIndex(plan).ofKind("PrismCentralAccount").map((r) => ({ id: r.id, spec: r.spec }));
}

function readCredentialsFile(file: string): PrismLogin {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new HandlerInputError(`cannot read the credentials file ${file}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HandlerInputError(`the credentials file ${file} is not JSON (expected {"username": "…", "password": "…"})`);
  }
  const d = data as { username?: unknown; password?: unknown } | null;
  if (!d || typeof d.username !== "string" || d.username === "" || typeof d.password !== "string") {
    throw new HandlerInputError(`the credentials file ${file} must hold {"username": "…", "password": "…"} with a non-empty username`);
  }
  return { username: d.username, password: d.password };
}

function credentialsFromRef(ref: CredentialsRef, env: NodeJS.ProcessEnv, accountId: string): PrismLogin {
  if (ref.source === "file") return readCredentialsFile(ref.path);
  const missing = [ref.usernameEnv, ref.passwordEnv].filter((v) => env[v] === undefined || env[v] === "");
  if (missing.length > 0) {
    throw new HandlerInputError(
      `missing credentials for ${accountId}: set ${missing.join(" and ")} in the environment (or pass --credentials-file <json>)`,
    );
  }
  return { username: env[ref.usernameEnv]!, password: env[ref.passwordEnv]! };
}

function readCaBundle(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new HandlerInputError(`cannot read the CA bundle ${file}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
}

/** The overrides of a run, read once against the plan's account ids. */
interface Overrides {
  readonly ids: readonly string[];
  readonly endpoint: PerAccount;
  readonly credentialsFile: PerAccount;
  readonly caBundleFile: PerAccount;
  /** NUTANIX_ENDPOINT: whitespace-separated `<account id>=<url>` entries, or (one account only) one `<url>`. */
  readonly envEndpoint: PerAccount;
}

function overridesOf(plan: Plan, options: TargetOptions): Overrides {
  const ids = accountIds(plan);
  const env = options.env ?? process.env;
  const o: Overrides = {
    ids,
    endpoint: parsePerAccount("--endpoint", options.endpoint, ids, true),
    credentialsFile: parsePerAccount("--credentials-file", options.credentialsFile, ids),
    caBundleFile: parsePerAccount("--ca-bundle", options.caBundleFile, ids),
    envEndpoint: parsePerAccount("NUTANIX_ENDPOINT", env.NUTANIX_ENDPOINT?.trim() ? env.NUTANIX_ENDPOINT.trim().split(/\s+/) : undefined, ids, true),
  };
  // With several accounts a plain NUTANIX_ENDPOINT is refused unless every account has its own --endpoint (then it is unused).
  const envUsed = o.envEndpoint.plain !== undefined && o.endpoint.plain === undefined && ids.some((id) => !o.endpoint.byAccount.has(id));
  const refusals = [
    o.endpoint.plain !== undefined ? ambiguousOverride(`--endpoint ${o.endpoint.plain}`, "endpoint", ids) : undefined,
    envUsed ? ambiguousOverride("NUTANIX_ENDPOINT", "endpoint", ids) : undefined,
    o.credentialsFile.plain !== undefined ? ambiguousOverride(`--credentials-file ${o.credentialsFile.plain}`, "credentials-file", ids) : undefined,
    options.credentials !== undefined ? ambiguousOverride("the credentials option", "credentials-file", ids) : undefined,
  ].filter((x): x is string => x !== undefined);
  if (refusals.length > 0) throw new HandlerInputError(refusals.join("\n"));
  return o;
}

/**
 * One account's target: endpoint `--endpoint <id>=<url>` > (one account only) `--endpoint <url>` >
 * NUTANIX_ENDPOINT's `<id>=<url>` > (one account only) NUTANIX_ENDPOINT's `<url>` > the account's;
 * credentials `--credentials-file <id>=<file>` > (one account only) given > `--credentials-file <file>` >
 * the account's CredentialsRef (default NUTANIX_USERNAME/NUTANIX_PASSWORD);
 * CA bundle `--ca-bundle <id>=<file>` > `--ca-bundle <file>` / given PEM > NUTANIX_CA_BUNDLE > the
 * account's trustBundle (when its endpoint is the plan's); insecure only when asked (`--insecure`, or
 * the account's `insecure: true`, which warns).
 */
function resolveOne(plan: Plan, options: TargetOptions, o: Overrides, id: string | undefined): Target {
  const env = options.env ?? process.env;
  const account = id === undefined ? undefined : planAccounts(plan).find((a) => a.id === id);
  const warnings: string[] = [];
  const own = (p: PerAccount): string | undefined => (id === undefined ? undefined : p.byAccount.get(id));
  let endpoint: string;
  let endpointSource: Target["endpointSource"];
  const flag = own(o.endpoint) ?? o.endpoint.plain;
  const fromEnv = own(o.envEndpoint) ?? (o.ids.length <= 1 ? o.envEndpoint.plain : undefined);
  if (flag) {
    endpoint = flag;
    endpointSource = "flag";
  } else if (fromEnv) {
    endpoint = fromEnv;
    endpointSource = "env";
  } else if (account) {
    endpoint = hostPortUrl("https", account.spec.endpoint.host, account.spec.endpoint.port);
    endpointSource = "plan";
  } else {
    throw new HandlerInputError("no Prism Central endpoint: the plan has no PrismCentralAccount; pass --endpoint or set NUTANIX_ENDPOINT");
  }

  let credentials: PrismLogin;
  const file = own(o.credentialsFile);
  if (file !== undefined) credentials = readCredentialsFile(file);
  else if (options.credentials) credentials = options.credentials;
  else if (o.credentialsFile.plain !== undefined) credentials = readCredentialsFile(o.credentialsFile.plain);
  else if (account) credentials = credentialsFromRef(account.spec.credentials, env, account.id);
  else credentials = credentialsFromRef({ source: "env", usernameEnv: "NUTANIX_USERNAME", passwordEnv: "NUTANIX_PASSWORD" }, env, "the target");

  const caFile = own(o.caBundleFile) ?? o.caBundleFile.plain;
  let caBundle: string | undefined = caFile !== undefined ? readCaBundle(caFile) : options.caBundle;
  if (caBundle === undefined && env.NUTANIX_CA_BUNDLE) caBundle = readCaBundle(env.NUTANIX_CA_BUNDLE);
  if (caBundle === undefined && account?.spec.trustBundle && endpointSource === "plan") caBundle = account.spec.trustBundle;

  let insecure = options.insecure === true;
  if (!insecure && account?.spec.insecure === true) {
    insecure = true;
    warnings.push(`${account.id} sets insecure: true; TLS certificates of ${endpoint} are not verified`);
  }
  return { ...(id !== undefined ? { account: id } : {}), endpoint, endpointSource, credentials, ...(caBundle !== undefined ? { caBundle } : {}), insecure, warnings };
}

/**
 * Resolves the targets of `ids` (default: every account of the plan, accounts.ts runAccounts), each
 * from its own account and overrides (see resolveOne). Every problem of every account is reported in
 * one HandlerInputError (a missing variable names the account and the variable), before any API call.
 */
export function resolveTargets(plan: Plan, options: TargetOptions, ids: ReadonlyArray<string | undefined> = runAccounts(plan, undefined)): Target[] {
  const o = overridesOf(plan, options);
  const targets: Target[] = [];
  const problems: string[] = [];
  for (const id of ids) {
    try {
      targets.push(resolveOne(plan, options, o, id));
    } catch (e) {
      if (!(e instanceof HandlerInputError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) throw new HandlerInputError(problems.join("\n"));
  return targets;
}

/** The target of the plan's first account (every account's target is resolved and checked). */
export function resolveTarget(plan: Plan, options: TargetOptions): Target {
  return resolveTargets(plan, options)[0]!;
}

/** Reads a secret reference (environment variable or file, trailing newline trimmed). */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv, what: string): string {
  if (ref.source === "env") {
    const v = env[ref.env];
    if (v === undefined || v === "") throw new HandlerInputError(`${what}: set ${ref.env} in the environment`);
    return v;
  }
  try {
    return readFileSync(ref.path, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw new HandlerInputError(`${what}: cannot read ${ref.path}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
}
