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
  /** `--endpoint`: wins over NUTANIX_ENDPOINT and the plan account's endpoint. */
  endpoint?: string;
  /** `--palette-endpoint`: wins over PALETTE_ENDPOINT and every PaletteAccount's endpoint (lib/handler/palette/target.ts). @default none */
  paletteEndpoint?: string;
  /** Credentials given directly (programmatic use). */
  credentials?: PrismLogin;
  /** `--credentials-file`: JSON `{ "username": …, "password": … }`. */
  credentialsFile?: string;
  /** `--ca-bundle`: a PEM file (also NUTANIX_CA_BUNDLE). */
  caBundleFile?: string;
  /** PEM text of a CA bundle (programmatic use). */
  caBundle?: string;
  /** `--insecure`: skip TLS verification (explicit opt-in only). */
  insecure?: boolean;
  /** The environment to read variables from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The resolved target. */
export interface Target {
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

/**
 * Resolves the target: endpoint `--endpoint` > NUTANIX_ENDPOINT > the plan account's; credentials
 * given > `--credentials-file` > the account's CredentialsRef (default NUTANIX_USERNAME/NUTANIX_PASSWORD);
 * CA bundle `--ca-bundle` > NUTANIX_CA_BUNDLE > the account's trustBundle; insecure only when asked
 * (`--insecure`, or the account's `insecure: true`, which warns).
 */
export function resolveTarget(plan: Plan, options: TargetOptions): Target {
  const env = options.env ?? process.env;
  const accounts = planAccounts(plan);
  const warnings: string[] = [];
  const account = accounts[0];
  if (accounts.length > 1) {
    const hosts = new Set(accounts.map((a) => `${a.spec.endpoint.host}:${a.spec.endpoint.port}`));
    if (hosts.size > 1) warnings.push(`the plan names ${accounts.length} Prism Central accounts; using ${accounts[0]!.id} for every resource`);
  }
  let endpoint: string;
  let endpointSource: Target["endpointSource"];
  if (options.endpoint) {
    endpoint = options.endpoint;
    endpointSource = "flag";
  } else if (env.NUTANIX_ENDPOINT) {
    endpoint = env.NUTANIX_ENDPOINT;
    endpointSource = "env";
  } else if (account) {
    const h = account.spec.endpoint.host;
    endpoint = hostPortUrl("https", h, account.spec.endpoint.port);
    endpointSource = "plan";
  } else {
    throw new HandlerInputError("no Prism Central endpoint: the plan has no PrismCentralAccount; pass --endpoint or set NUTANIX_ENDPOINT");
  }

  let credentials: PrismLogin;
  if (options.credentials) credentials = options.credentials;
  else if (options.credentialsFile) credentials = readCredentialsFile(options.credentialsFile);
  else if (account) credentials = credentialsFromRef(account.spec.credentials, env, account.id);
  else credentials = credentialsFromRef({ source: "env", usernameEnv: "NUTANIX_USERNAME", passwordEnv: "NUTANIX_PASSWORD" }, env, "the target");

  let caBundle: string | undefined = options.caBundle;
  const caFile = options.caBundleFile ?? (caBundle === undefined ? env.NUTANIX_CA_BUNDLE : undefined);
  if (caBundle === undefined && caFile) {
    try {
      caBundle = readFileSync(caFile, "utf8");
    } catch (e) {
      throw new HandlerInputError(`cannot read the CA bundle ${caFile}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`);
    }
  }
  if (caBundle === undefined && account?.spec.trustBundle && endpointSource === "plan") caBundle = account.spec.trustBundle;

  let insecure = options.insecure === true;
  if (!insecure && account?.spec.insecure === true) {
    insecure = true;
    warnings.push(`${account.id} sets insecure: true; TLS certificates of ${endpoint} are not verified`);
  }
  return { endpoint, endpointSource, credentials, ...(caBundle !== undefined ? { caBundle } : {}), insecure, warnings };
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
