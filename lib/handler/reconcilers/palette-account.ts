/**
 * PaletteAccount: resolves the Palette target and the API key, checks the key and resolves the project by
 * name (`GET /v1/dashboard/projects/metadata`, read only; a bad key is Palette's 401) and reports both in the
 * plan. Apply writes nothing to Palette: the account is only the connection the gateway and clusters use.
 */
import { PaletteError } from "../../palette";
import type { ResourceOfKind } from "../../schema/plan";
import { HandlerInputError, ResourceApplyError } from "../errors";
import type { Services } from "../services";
import { paletteConnection } from "../palette/session";
import type { Planned, Reconciler } from "./types";

type PaletteAccountResource = ResourceOfKind<"PaletteAccount">;

async function planPaletteAccount(s: Services, res: PaletteAccountResource): Promise<Planned> {
  const notes: string[] = [];
  const errors: string[] = [];
  try {
    const c = paletteConnection(s, res);
    const host = new URL(c.endpoint).host;
    const uid = await c.client.http.project();
    notes.push(`Palette ${host} (endpoint from ${c.endpointSource}): API key accepted; project "${c.project}" is ${uid}`);
  } catch (e) {
    if (!(e instanceof HandlerInputError || e instanceof PaletteError)) throw e;
    errors.push(`${res.id}: ${e.message}`);
  }
  return { diff: { id: res.id, kind: res.kind, action: "no-change", changes: [], vms: [], notes, errors } };
}

export const paletteAccountReconciler: Reconciler<PaletteAccountResource> = {
  plan: planPaletteAccount,
  apply(_s, _res, { diff }) {
    if (diff.errors.length > 0) return Promise.reject(new ResourceApplyError(diff.errors));
    return Promise.resolve({ detail: diff.notes.join("; ") });
  },
};
