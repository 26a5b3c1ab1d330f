/**
 * VM creates a real Prism Central accepts, safe to repeat after a crash at any point.
 *
 * Real v3 APIs accept a client-chosen `metadata.uuid` only when it was reserved through
 * `POST /idempotence_identifiers` (nutanix.dev intentful API text, kept in prism-go-client's older
 * `v3/models/model_*.go`; from pc.2022.1 an unreserved uuid gets 202 and a failed task). The
 * reservation's `client_identifier` is derived from the caller's slot key (e.g. stack + resource + VM
 * name), so a re-run after SIGKILL finds the same reservation with
 * `GET /idempotence_identifiers/{client_identifier}` and therefore the same uuid (nutanix.ansible
 * `idempotence_identifiers.py` reserves the same way before it sets `metadata.uuid`).
 *
 * Why reservations rather than CAPX's "find by name + ownership categories": a VM whose create is
 * still running is not in `vms/list` (lists omit entities not created yet), and a GET by a known uuid
 * is the only read that sees it; the uuid is unique, so even a repeated POST cannot make a second VM.
 *
 * A `POST /vms` is never repeated blindly: after a 5xx, a timeout or a lost answer the reserved uuid is
 * read first (GET, polling through the short window in which a just-accepted VM answers 404); only
 * when it is still absent is the POST sent again, with the same uuid.
 */
import { createHash } from "node:crypto";
import type { Call } from "./api";
import { PrismApiError, PrismConnectionError, PrismError, PrismTimeoutError } from "./errors";
import { isNotFound } from "./not-found";
import { sleep } from "./retry";
import { taskUuidsOf } from "./tasks";
import type { VmEntity, VmIntentInput } from "./types";

/** POST/GET /idempotence_identifiers body (pc.2024.x recording). */
export interface IdempotenceReservation {
  client_identifier: string;
  count: number;
  expiration_time: string;
  uuid_list: string[];
}

export interface CreateVmResult {
  uuid: string;
  taskUuid: string;
  /** True when the VM already existed (an earlier, possibly interrupted, run's create was accepted). */
  existed: boolean;
  entity: VmEntity | null;
  /** The reservation's client_identifier. */
  clientIdentifier: string;
}

/**
 * A slot's reservation, taken ahead of its create (PrismClient.reserveVm) so the reservation round
 * trips need not hold a write permit; `create` reserves again when it is for another slot or about to
 * expire.
 */
export interface VmReservation {
  readonly slotKey: string;
  readonly uuid: string;
  readonly clientIdentifier: string;
  /** True when an earlier run had reserved the slot (its POST may have been accepted). */
  readonly reused: boolean;
  /** ms since the epoch; NaN when the answer gave no readable expiration_time. */
  readonly expiresAt: number;
}

export interface IdempotentCreateOptions {
  /** Minutes a reservation stays valid. */
  reservationMinutes: number;
  /** How long a 404 of the reserved uuid may be "not visible yet". */
  visibilityGraceMs: number;
  /** POST attempts (the first included) when the answers leave the create unknown. */
  maxAttempts: number;
  log: (line: string) => void;
}

/**
 * In `spec.description`, replaced by the reserved uuid before the POST, so a VM can carry its own uuid
 * (a clone made in Prism copies the description, not the uuid).
 */
export const RESERVED_UUID_PLACEHOLDER = "{reserved-uuid}";

/** Reservations closer than this to their expiry are renewed before use (a POST must not race the expiry). */
const EXPIRY_MARGIN_MS = 60_000;
const VISIBILITY_POLL_MS = 250;
const enc = encodeURIComponent;

/** The deterministic `client_identifier` of a VM slot: a readable prefix and a hash (any slot key fits). */
export function clientIdentifierFor(slotKey: string): string {
  return `npc-vm-${createHash("sha256").update(slotKey, "utf8").digest("hex").slice(0, 40)}`;
}

/** True when the reservation is usable at `now` (not expired, nor about to). */
export function reservationUsable(r: IdempotenceReservation, now: number): boolean {
  const t = Date.parse(r.expiration_time);
  return Array.isArray(r.uuid_list) && r.uuid_list.length > 0 && (!Number.isFinite(t) || t - EXPIRY_MARGIN_MS > now);
}

/** An error that leaves open whether the POST was accepted (5xx, timeout, connection lost after sending). */
function outcomeUnknown(e: unknown): boolean {
  if (e instanceof PrismTimeoutError) return true;
  if (e instanceof PrismConnectionError) return !e.isTls;
  return e instanceof PrismApiError && e.status >= 500;
}

export class IdempotentCreates {
  constructor(
    private readonly call: Call,
    private readonly opts: IdempotentCreateOptions,
  ) {}

  /** The reservation of a slot: the live one, or a new one (an expired one is deleted first). `reused` tells which. */
  async reserve(slotKey: string): Promise<VmReservation> {
    const id = clientIdentifierFor(slotKey);
    let stale = false;
    try {
      const r = await this.call<IdempotenceReservation>("GET", `/idempotence_identifiers/${enc(id)}`);
      if (reservationUsable(r, Date.now())) return { slotKey, uuid: r.uuid_list[0]!.toLowerCase(), clientIdentifier: id, reused: true, expiresAt: Date.parse(r.expiration_time) };
      stale = true;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (stale) {
      try {
        await this.call<unknown>("DELETE", `/idempotence_identifiers/${enc(id)}`, undefined, { isWrite: false });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const r = await this.call<IdempotenceReservation>("POST", "/idempotence_identifiers", {
      client_identifier: id,
      count: 1,
      valid_duration_in_minutes: this.opts.reservationMinutes,
    }, { isWrite: false });
    const uuid = r?.uuid_list?.[0];
    if (typeof uuid !== "string" || uuid === "") throw new PrismError(`POST /idempotence_identifiers: the answer for ${id} has no uuid_list (expected one reserved uuid)`);
    // A POST answered for a live reservation made earlier (a repeated request) is a reuse too [guess].
    return { slotKey, uuid: uuid.toLowerCase(), clientIdentifier: id, reused: false, expiresAt: Date.parse(r.expiration_time) };
  }

  /** GET the VM; a 404 is retried for `graceMs` (a just-accepted VM may not be visible yet). null when still absent. */
  async find(uuid: string, graceMs: number): Promise<VmEntity | null> {
    const until = Date.now() + graceMs;
    for (;;) {
      try {
        return await this.call<VmEntity>("GET", `/vms/${enc(uuid)}`);
      } catch (e) {
        if (!(isNotFound(e) && e.status === 404)) throw e;
      }
      if (Date.now() + VISIBILITY_POLL_MS > until) return null;
      await sleep(VISIBILITY_POLL_MS);
    }
  }

  /**
   * Creates the VM of a slot exactly once (see the module note). `body.metadata.uuid` is replaced by the
   * reserved uuid, and so is RESERVED_UUID_PLACEHOLDER in `spec.description`. `reserved`, the slot's
   * reservation taken ahead (reserve), saves its two round trips; it is taken again when it is for
   * another slot or expires within a minute.
   */
  async create(slotKey: string, body: VmIntentInput, reserved?: VmReservation): Promise<CreateVmResult> {
    const ahead = reserved !== undefined && reserved.slotKey === slotKey && (!Number.isFinite(reserved.expiresAt) || reserved.expiresAt - EXPIRY_MARGIN_MS > Date.now());
    const { uuid, clientIdentifier, reused } = ahead ? reserved : await this.reserve(slotKey);
    const found = (vm: VmEntity): CreateVmResult => ({ uuid, taskUuid: taskUuidsOf(vm).slice(-1)[0] ?? "", existed: true, entity: vm, clientIdentifier });
    if (reused) {
      // An earlier run reserved this slot: its POST may have been accepted.
      const vm = await this.find(uuid, this.opts.visibilityGraceMs);
      if (vm) return found(vm);
    }
    const payload: VmIntentInput = { api_version: body.api_version ?? "3.1", ...body, metadata: { ...body.metadata, kind: "vm", uuid } };
    if (typeof body.spec?.description === "string" && body.spec.description.includes(RESERVED_UUID_PLACEHOLDER)) {
      payload.spec = { ...body.spec, description: body.spec.description.split(RESERVED_UUID_PLACEHOLDER).join(uuid) };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.call<VmEntity>("POST", "/vms", payload, { noRepeat: true });
        return { uuid: res?.metadata?.uuid ?? uuid, taskUuid: taskUuidsOf(res)[0] ?? "", existed: false, entity: res ?? null, clientIdentifier };
      } catch (e) {
        const conflict = e instanceof PrismApiError && e.status === 409;
        if (!conflict && !outcomeUnknown(e)) throw e;
        // Was it accepted? Read the reserved uuid before anything else.
        const vm = await this.find(uuid, this.opts.visibilityGraceMs);
        if (vm) return found(vm);
        if (conflict || attempt >= this.opts.maxAttempts) throw e;
        this.opts.log(`prism: POST /vms for ${payload.spec?.name ?? uuid} (${uuid}) got no usable answer (${(e as Error).message}) and the VM is not there; sending it again with the same reserved uuid (attempt ${attempt + 1}/${this.opts.maxAttempts})`);
      }
    }
  }
}
