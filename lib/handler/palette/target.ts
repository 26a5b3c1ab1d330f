/**
 * The Palette target of a `PaletteAccount`: its endpoint, overridden by `--palette-endpoint` or `PALETTE_ENDPOINT`
 * (as `--endpoint` / `NUTANIX_ENDPOINT` override a PrismCentralAccount's endpoint, lib/handler/target.ts), and the
 * API key read from the variable the account names (default `PALETTE_API_KEY`). Secrets are read at run time and
 * never appear in a message: errors name variables, not values.
 */
import { parsePaletteEndpoint } from "../../palette/transport";
import { HandlerInputError } from "../errors";

/** The default variables of the Palette target. */
export const PALETTE_ENDPOINT_ENV = "PALETTE_ENDPOINT";
export const PALETTE_API_KEY_ENV = "PALETTE_API_KEY";

/** What is known about the Palette target. */
export interface PaletteTargetOptions {
  /** The account (its construct path or plan id) and its endpoint, when the plan has one. @default none */
  readonly account?: { readonly id: string; readonly endpoint: string; readonly apiKeyEnv?: string };
  /** `--palette-endpoint`: wins over PALETTE_ENDPOINT and the account's endpoint. @default none */
  readonly endpoint?: string;
  /** The environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The resolved Palette target. */
export interface PaletteTarget {
  /** `https://host[:port]/` */
  readonly endpoint: string;
  readonly endpointSource: "flag" | "env" | "account";
  readonly apiKey: string;
  /** The variable the key came from (for messages). */
  readonly apiKeyEnv: string;
}

/** The endpoint alone: flag > PALETTE_ENDPOINT > the account's. @throws HandlerInputError when none is given or it is not a URL. */
export function resolvePaletteEndpoint(options: PaletteTargetOptions): Pick<PaletteTarget, "endpoint" | "endpointSource"> {
  const env = options.env ?? process.env;
  const [raw, endpointSource, from]: [string | undefined, PaletteTarget["endpointSource"], string] = options.endpoint
    ? [options.endpoint, "flag", "--palette-endpoint"]
    : env[PALETTE_ENDPOINT_ENV]
      ? [env[PALETTE_ENDPOINT_ENV], "env", PALETTE_ENDPOINT_ENV]
      : [options.account?.endpoint, "account", options.account ? `${options.account.id}: endpoint` : ""];
  if (!raw) throw new HandlerInputError(`no Palette endpoint: the plan has no PaletteAccount; pass --palette-endpoint or set ${PALETTE_ENDPOINT_ENV}`);
  try {
    return { endpoint: parsePaletteEndpoint(raw).toString(), endpointSource };
  } catch (e) {
    throw new HandlerInputError(`${from}: ${(e as Error).message}`);
  }
}

/** Endpoint and API key. @throws HandlerInputError naming the missing variable. */
export function resolvePaletteTarget(options: PaletteTargetOptions): PaletteTarget {
  const env = options.env ?? process.env;
  const { endpoint, endpointSource } = resolvePaletteEndpoint(options);
  const apiKeyEnv = options.account?.apiKeyEnv ?? PALETTE_API_KEY_ENV;
  const apiKey = env[apiKeyEnv];
  if (apiKey === undefined || apiKey === "") throw new HandlerInputError(`no Palette API key${options.account ? ` for ${options.account.id}` : ""}: set ${apiKeyEnv} in the environment`);
  return { endpoint, endpointSource, apiKey, apiKeyEnv };
}
