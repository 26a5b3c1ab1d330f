/**
 * `POST /idempotence_identifiers`, `GET|DELETE /idempotence_identifiers/{client_identifier}`: UUIDs a
 * client reserves before it sets `metadata.uuid` on a create. Bodies as recorded on a real Prism
 * Central (prism-go-client `v3/mocks/TestOperations_{Create,Get,Delete}IdempotenceIdentifers.yaml`):
 * POST and GET answer 200 `{client_identifier, count, expiration_time, uuid_list}`, DELETE answers 200
 * with the body `null`.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Emulator } from "../emulator";
import { errorReply, invalid, zodDetails } from "../errors";
import type { Reply } from "../http";
import type { EmulatorState, StoredReservation } from "../state";
import { methodNotAllowed, route, type Route, type RouteRequest } from "./route";

const ReserveSchema = z.looseObject({
  client_identifier: z.string({ error: "expected a client_identifier (string)" }).min(1, { error: "expected a non-empty client_identifier" }).max(256),
  count: z.number({ error: "expected a count (integer ≥ 1)" }).int().min(1).max(4096).default(1),
  // [guess] the swagger names the field; its default and limits are not documented.
  valid_duration_in_minutes: z.number({ error: "expected valid_duration_in_minutes (integer ≥ 1)" }).int().min(1).max(527_040).default(60),
});

/** Expiration as recorded: RFC 3339 in UTC without fractional seconds ("2024-12-10T17:01:02Z"). */
function expiration(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function render(clientIdentifier: string, r: StoredReservation): Reply {
  return { status: 200, body: { client_identifier: clientIdentifier, count: r.count, expiration_time: expiration(r.expiresAt), uuid_list: [...r.uuids] } };
}

/** True when `uuid` is in a reservation that has not expired. */
export function isReservedUuid(state: EmulatorState, uuid: string, now: number): boolean {
  for (const r of Object.values(state.idempotence)) if (r.expiresAt > now && r.uuids.includes(uuid)) return true;
  return false;
}

function reserve(emu: Emulator, raw: unknown): Reply {
  const parsed = ReserveSchema.safeParse(raw ?? {});
  if (!parsed.success) return invalid(zodDetails(parsed.error));
  const b = parsed.data;
  const had = emu.state.idempotence[b.client_identifier];
  // [guess] Reserving again under a live client_identifier returns the existing reservation (what a
  // client that re-runs after a crash needs); an expired one is replaced by fresh UUIDs.
  if (had && had.expiresAt > emu.now) return render(b.client_identifier, had);
  const r: StoredReservation = { count: b.count, expiresAt: emu.now + b.valid_duration_in_minutes * 60_000, uuids: Array.from({ length: b.count }, () => randomUUID()) };
  emu.state.idempotence[b.client_identifier] = r;
  return { ...render(b.client_identifier, r), wrote: true };
}

export function idempotenceRoutes(req: RouteRequest): Route | undefined {
  const { emu, method, segs, body } = req;
  if (segs[0] !== "idempotence_identifiers") return undefined;
  if (segs.length === 1) {
    if (method !== "POST") return methodNotAllowed(method, "/idempotence_identifiers", "POST");
    // Counted as a read (`writes` counts entity writes); the reservation is still persisted before the answer.
    return route("/idempotence_identifiers", false, () => reserve(emu, body));
  }
  if (segs.length !== 2) return undefined;
  const id = segs[1]!;
  const missing = (): Reply => errorReply(404, "ENTITY_NOT_FOUND", `idempotence identifier : ${id} does not exist.`, "idempotence_identifier");
  if (method === "GET") {
    return route("/idempotence_identifiers/{id}", false, () => {
      const r = emu.state.idempotence[id];
      // [guess] an expired reservation answers like a missing one.
      return r && r.expiresAt > emu.now ? render(id, r) : missing();
    });
  }
  if (method === "DELETE") {
    return route("/idempotence_identifiers/{id}", false, () => {
      if (!emu.state.idempotence[id]) return missing();
      delete emu.state.idempotence[id];
      return { status: 200, body: null, wrote: true };
    });
  }
  return methodNotAllowed(method, "/idempotence_identifiers/{id}", "GET, DELETE");
}
