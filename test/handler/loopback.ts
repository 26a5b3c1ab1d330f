/**
 * Loopback-only guards for the handler tests: every TCP connection this process opens is recorded,
 * and one to an address outside 127.0.0.0/8 and ::1 is destroyed before it is dialled and reported
 * by `assertLoopbackOnly()`. Plus a loopback CONNECT proxy and a listener helper.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import * as net from "node:net";
import { isLoopbackHost } from "../../lib/pcg";

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

export function listen(server: net.Server, host = "127.0.0.1", port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

export function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
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

/** A loopback HTTP CONNECT proxy that tunnels to loopback only and records the CONNECT targets. */
export class ConnectProxy {
  connects: string[] = [];
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  readonly server = http.createServer((_req, res) => res.writeHead(405).end());
  constructor() {
    this.server.on("connect", (req: http.IncomingMessage, client: net.Socket) => {
      this.sockets.add(client);
      client.on("error", () => undefined);
      this.connects.push(req.url ?? "");
      const [host, port] = (req.url ?? "").split(/:(?=\d+$)/);
      if (!host || !isLoopbackHost(host)) return void client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      const upstream = net.connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
      client.on("close", () => upstream.destroy());
    });
  }
  async start(): Promise<void> {
    this.port = await listen(this.server);
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await close(this.server);
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}
