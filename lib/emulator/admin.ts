/** The admin paths under /_emulator (same basic auth as the API, never faulted): health, faults, counters, state, endpoints. */
import type * as http from "node:http";
import { z } from "zod";
import { emptyCounters } from "./counters";
import type { Emulator } from "./emulator";
import { errorReply, invalid, zodDetails } from "./errors";
import { FaultPatch } from "./faults";
import type { RawBody, Reply } from "./http";
import { settle } from "./lifecycle";

const EndpointBody = z.strictObject({
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  ready: z.boolean(),
});

export async function handleAdmin(emu: Emulator, req: http.IncomingMessage, method: string, p: string, raw: RawBody): Promise<Reply> {
  if (!emu.auth.authenticate(req)) return { status: 401, text: "Authentication required", note: "bad credentials" };
  let body: unknown = undefined;
  if (!("tooLarge" in raw) && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      return invalid({ "": [`Request body is not valid JSON: ${(e as Error).message}`] });
    }
  }
  const sub = p.slice("/_emulator".length);
  if (sub === "/health" && method === "GET") return { status: 200, body: { ok: true } };
  if (sub.startsWith("/kube/") && method === "GET") {
    const key = decodeURIComponent(sub.slice("/kube/".length));
    await emu.mutex.run(() => emu.settleAll(Date.now()));
    const info = await emu.kube.info(key);
    return info ? { status: 200, body: info } : { status: 404, body: { message: `no emulated cluster ${key} has booted its kubeadm init node` } };
  }
  if (sub === "/faults") {
    if (method === "GET") return { status: 200, body: { ...emu.faults.config, budgetUsed: emu.faults.budgetUsed } };
    if (method === "PUT") {
      const parsed = FaultPatch.safeParse(body ?? {});
      if (!parsed.success) return invalid(zodDetails(parsed.error));
      const cfg = emu.faults.apply(parsed.data);
      emu.opts.log(`prism-emulator: faults set to ${JSON.stringify(cfg)}`);
      return { status: 200, body: cfg };
    }
  }
  if (sub === "/counters") {
    if (method === "GET") return { status: 200, body: emu.counters };
    if (method === "DELETE") {
      emu.counters = emptyCounters();
      return { status: 200, body: emu.counters };
    }
  }
  if (sub === "/state" && method === "GET") {
    return emu.mutex.run(() => {
      settle(emu.state, Date.now());
      return { status: 200, body: emu.state };
    });
  }
  if (sub === "/endpoints" && method === "PUT") {
    const parsed = EndpointBody.safeParse(body);
    if (!parsed.success) return invalid(zodDetails(parsed.error));
    const { address, port, ready } = parsed.data;
    await emu.mutex.run(() => {
      emu.state.endpoints[`${address}:${port}`] = ready;
      emu.commit.markChanged();
    });
    await emu.commit.durable();
    return { status: 200, body: { address, port, ready } };
  }
  const m = /^\/endpoints\/(.+):(\d+)$/.exec(sub);
  if (m && method === "GET") {
    const address = decodeURIComponent(m[1]!).replace(/^\[(.*)\]$/, "$1");
    const port = Number(m[2]);
    const ready = emu.state.endpoints[`${address}:${port}`] ?? true;
    return { status: 200, body: { address, port, ready } };
  }
  return errorReply(404, "INVALID_REQUEST", `no such admin path: ${method} ${p}`);
}
