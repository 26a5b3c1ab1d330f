/**
 * `nutanix-handler force-unlock <lock id>`, like `terraform force-unlock LOCK_ID` (Terraform CLI docs,
 * "Command: force-unlock"): frees a stack lock whose run will not come back. The id is the one a refused
 * run prints (`locked by … lock id <id>`). It frees the local lock with that id (lock/local.ts, under
 * `$NPC_LOCK_DIR` or the per-user default) and, when a plan is at hand (`--plan`, else the nearest plan
 * file), deletes the Prism Central record with that id (lock/remote.ts) on each of the plan's Prism Centrals.
 * Exit 0 when a lock was freed, 1 when none has that id, 2 on bad input.
 */
import { parseArgs } from "node:util";
import { PrismClient } from "../prism/client";
import { errorMessage, HandlerInputError } from "./errors";
import { loadPlan } from "./index";
import { defaultLocalLockDir, forceUnlockLocal, forceUnlockRemote } from "./lock";
import { resolveTargets } from "./target";

const OPTIONS = {
  plan: { type: "string" },
  endpoint: { type: "string", multiple: true },
  "credentials-file": { type: "string", multiple: true },
  "ca-bundle": { type: "string", multiple: true },
  insecure: { type: "boolean" },
  json: { type: "boolean" },
} as const;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Where each lock with the id was freed. */
export interface ForceUnlockResult {
  readonly id: string;
  readonly local: boolean;
  /** undefined: no plan, so Prism Central was not asked. */
  readonly remote: boolean | undefined;
}

/** Runs `force-unlock`; `findPlan` returns the nearest plan file or throws HandlerInputError. Resolves to the exit code. */
export async function forceUnlockMain(argv: readonly string[], io: Io, findPlan: () => string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = false;
  try {
    const { values: v, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    json = v.json === true;
    const id = positionals[0];
    if (positionals.length !== 1 || !id || !/^[0-9a-f]{16}$/.test(id)) {
      throw new HandlerInputError(`force-unlock: expected one lock id (16 hex digits, as a refused run prints it: "lock id <id>")${positionals.length ? `, got ${JSON.stringify(positionals.join(" "))}` : ""}`);
    }
    const local = forceUnlockLocal(id, env.NPC_LOCK_DIR || defaultLocalLockDir());
    let planFile: string | undefined = v.plan;
    if (planFile === undefined) {
      try {
        planFile = findPlan();
      } catch {
        planFile = undefined; // no plan here: the local lock only
      }
    }
    let remote: boolean | undefined;
    if (planFile !== undefined) {
      // Every Prism Central of the plan is asked: a run of a plan with several accounts holds a record on each.
      const targets = resolveTargets(loadPlan(planFile), {
        env,
        ...(v.endpoint !== undefined ? { endpoint: v.endpoint } : {}),
        ...(v["credentials-file"] !== undefined ? { credentialsFile: v["credentials-file"] } : {}),
        ...(v["ca-bundle"] !== undefined ? { caBundleFile: v["ca-bundle"] } : {}),
        ...(v.insecure ? { insecure: true } : {}),
      });
      remote = false;
      for (const t of targets) {
        const client = new PrismClient({ endpoint: t.endpoint, username: t.credentials.username, password: t.credentials.password, insecure: t.insecure, ...(t.caBundle !== undefined ? { caBundle: t.caBundle } : {}) });
        try {
          if (await forceUnlockRemote(client, id)) remote = true;
        } finally {
          client.close();
        }
      }
    }
    const r: ForceUnlockResult = { id, local, remote };
    if (json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
    const where = [local ? "the local lock" : "", remote ? "the Prism Central record" : ""].filter(Boolean).join(" and ");
    io.stderr(where ? `force-unlock: freed ${where} ${id}\n` : `force-unlock: no lock has id ${id} (local${remote === undefined ? "; no plan, so Prism Central was not asked" : " or in Prism Central"})\n`);
    return where ? 0 : 1;
  } catch (e) {
    const code = e instanceof HandlerInputError || (e as { code?: unknown }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? 2 : 1;
    if (json) io.stdout(`${JSON.stringify({ ok: false, exitCode: code, error: errorMessage(e) }, null, 2)}\n`);
    io.stderr(`nutanix-handler force-unlock: ${errorMessage(e)}\n`);
    return code;
  }
}
