/**
 * `nutanix-handler palette <command>`: Palette commands that need no plan. Today: `register-cloud` (issue 15 item 5).
 * Exit 0 done, 1 failed (Palette refused or could not be reached), 2 bad input.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PaletteClient } from "../../palette/client";
import { errorMessage, HandlerInputError } from "../errors";
import { registerCloud } from "./register-cloud";
import { PALETTE_API_KEY_ENV, resolvePaletteEndpoint } from "./target";

/** A system-console token (librarium `register-nutanix-cloud.md`: registration needs `/v1/auth/syslogin`'s token), sent as `Authorization`. */
export const PALETTE_AUTHORIZATION_ENV = "PALETTE_AUTHORIZATION";

export const PALETTE_USAGE = `Usage: nutanix-handler palette register-cloud --infra-components <file> [options]

Registers the custom cloud type nutanix on a self-hosted Palette (once, as its system administrator): the CAPX
infrastructure components, the cloud cluster, control-plane pool and worker pool templates, and the five
NUTANIX_* cloud-account keys. Each part is read first and written only when it differs.

Options:
  --infra-components <file>  CAPX infrastructure-components.yaml of the release to register (required)
  --palette-endpoint <url>   Palette, https://host[:port] (default: $PALETTE_ENDPOINT)
  --ca-bundle <file>         PEM CA certificates to trust in addition to the system ones
  --insecure                 do not verify Palette's TLS certificate (explicit opt-in)
  --json                     print the steps as JSON on stdout
  --quiet                    no progress lines
  -h, --help                 this text

Environment:
  PALETTE_ENDPOINT           Palette's endpoint (see --palette-endpoint)
  ${PALETTE_AUTHORIZATION_ENV}      a system-console token, sent as the Authorization header (registration is a
                             system API on a real Palette)
  ${PALETTE_API_KEY_ENV}            else an API key, sent as the ApiKey header

Exit codes: 0 done, 1 failed, 2 bad input.`;

const OPTIONS = {
  "infra-components": { type: "string" },
  "palette-endpoint": { type: "string" },
  "ca-bundle": { type: "string" },
  insecure: { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Where the command writes. */
export interface PaletteIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

function readFile(flag: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new HandlerInputError(`--${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
}

/** Runs `nutanix-handler palette …` (argv after `palette`); resolves to the exit code. */
export async function paletteMain(argv: readonly string[], io: PaletteIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let client: PaletteClient | undefined;
  let json = false;
  try {
    const { values: v, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    json = v.json === true;
    if (v.help) {
      io.stdout(`${PALETTE_USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] !== "register-cloud") throw new HandlerInputError(`expected the command register-cloud${positionals.length ? `, got ${positionals.join(" ")}` : ""}\n\n${PALETTE_USAGE}`);
    const file = v["infra-components"];
    if (!file) throw new HandlerInputError("--infra-components <file> is required (CAPX's infrastructure-components.yaml)");
    const infrastructureComponents = readFile("infra-components", file);
    const { endpoint } = resolvePaletteEndpoint({ ...(v["palette-endpoint"] ? { endpoint: v["palette-endpoint"] } : {}), env });
    const authorization = env[PALETTE_AUTHORIZATION_ENV];
    const apiKey = env[PALETTE_API_KEY_ENV];
    if (!authorization && !apiKey) throw new HandlerInputError(`no Palette credential: set ${PALETTE_AUTHORIZATION_ENV} (a system-console token) or ${PALETTE_API_KEY_ENV}`);
    const caBundle = v["ca-bundle"] ? readFile("ca-bundle", v["ca-bundle"]) : undefined;
    client = new PaletteClient({
      endpoint,
      ...(authorization ? { authorization } : { apiKey: apiKey! }),
      ...(v.insecure ? { insecure: true } : {}),
      ...(caBundle ? { caCertificates: [caBundle] } : {}),
      ...(v.quiet ? {} : { log: (l: string) => io.stderr(`${l}\n`) }),
    });
    const log = v.quiet || json ? undefined : (l: string) => io.stderr(`${l}\n`);
    const result = await registerCloud(client, { infrastructureComponents, infrastructureComponentsFile: file }, log);
    if (json) io.stdout(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
    else if (!v.quiet) io.stderr(`register-cloud: ${result.writes === 0 ? "already registered, nothing written" : `${result.writes} write(s)`}\n`);
    return 0;
  } catch (e) {
    const code = e instanceof HandlerInputError || (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) ? 2 : 1;
    const msg = errorMessage(e);
    if (json) io.stdout(`${JSON.stringify({ ok: false, exitCode: code, error: msg }, null, 2)}\n`);
    io.stderr(`nutanix-handler palette: ${msg}\n`);
    return code;
  } finally {
    client?.close();
  }
}
