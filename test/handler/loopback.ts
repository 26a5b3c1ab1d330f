/**
 * Loopback-only guards for the handler tests: every TCP connection this process opens is recorded,
 * and one to an address outside 127.0.0.0/8 and ::1 is destroyed before it is dialled and reported
 * by `assertLoopbackOnly()`. Plus a loopback CONNECT proxy and a listener helper.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { isLoopbackHost } from "../../lib/pcg";
import { close, listen } from "../helpers/loopback";

export { close, ConnectProxy, listen } from "../helpers/loopback";

const dialled: string[] = [];
let installed = false;

/** Installs the guard on net.Socket.prototype.connect (idempotent). */
export function guardLoopback(): void {
  if (installed) return;
  installed = true;
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]): net.Socket {
    // net.connect() passes its normalized arguments as one array: [options, callback].
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    let host: string | undefined;
    if (typeof first === "object" && first !== null) {
      const o = first as { host?: string; path?: string };
      if (typeof o.path === "string") return (original as (...a: unknown[]) => net.Socket).apply(this, args);
      host = o.host ?? "localhost";
    } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
      host = typeof args[1] === "string" ? args[1] : "localhost";
    } else {
      return (original as (...a: unknown[]) => net.Socket).apply(this, args); // a unix socket path
    }
    dialled.push(host);
    if (!isLoopbackHost(host)) {
      process.nextTick(() => this.destroy(new Error(`test guard: refused to dial ${host}`)));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
}

/** Fails when anything outside loopback was asked for. */
export function assertLoopbackOnly(): void {
  const bad = dialled.filter((h) => !isLoopbackHost(h));
  assert.deepEqual(bad, [], `connections to non-loopback addresses were attempted: ${bad.join(", ")}`);
}

/** A TCP listener that counts and closes the connections it accepts. */
export class CountingListener {
  accepted = 0;
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  readonly server = net.createServer((s) => {
    this.accepted += 1;
    this.sockets.add(s);
    s.on("error", () => undefined);
    s.end();
  });
  async start(host = "127.0.0.1", port = 0): Promise<number> {
    this.port = await listen(this.server, host, port);
    return this.port;
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await close(this.server);
  }
}

/** A port nothing listens on (bound once, then closed). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const s = net.createServer();
  const p = await listen(s, host);
  await close(s);
  return p;
}
