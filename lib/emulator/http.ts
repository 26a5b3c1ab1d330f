/** HTTP plumbing: the reply record every handler returns, reading request bodies, sending replies. */
import type * as http from "node:http";
import { hostPortUrl } from "../net/host-port";

/** Largest request body read; a larger one is answered 413. */
export const MAX_BODY = 16 * 1024 * 1024;

export interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string | string[]>;
  /** The request changed the state (persisted before the answer). */
  wrote?: boolean;
  /** One line for the log (bad requests). */
  note?: string;
}

/** A request body: its bytes, or a marker when it exceeded {@link MAX_BODY}. */
export type RawBody = Buffer | { tooLarge: true };

export function readBody(req: http.IncomingMessage): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) over = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve(over ? { tooLarge: true } : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function send(res: http.ServerResponse, r: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string | string[]> = { "X-Ntnx-Env": "pc", "X-Ntnx-Product": "pc.2024.3.0.1", ...(r.headers ?? {}) };
  let payload: string | undefined;
  if (r.text !== undefined) {
    headers["Content-Type"] ??= "text/plain; charset=utf-8";
    payload = r.text;
  } else if (r.body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(r.body);
  }
  if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
  else headers["Content-Length"] = "0";
  res.writeHead(r.status, headers);
  res.end(payload);
}

export function formatUrl(scheme: string, host: string, port: number): string {
  return hostPortUrl(scheme, host, port);
}
