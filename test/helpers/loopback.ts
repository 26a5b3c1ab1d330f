/**
 * Loopback test servers shared by the handler and PCG tests: listen/close helpers and an HTTP CONNECT
 * proxy on 127.0.0.1 that tunnels to loopback only and records what it was asked.
 */
import * as http from "node:http";
import * as net from "node:net";
import { isLoopbackHost } from "../../lib/pcg";

/** Listens on a loopback port (0: any free one); resolves to the port. */
export function listen(server: net.Server, host = "127.0.0.1", port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Closes a server. */
export function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** What the proxy does with a CONNECT to `host:port`: tunnel (default), answer 403, or never answer. */
export type ConnectBehaviour = (host: string, port: number) => "tunnel" | "forbid" | "hang";

/** A loopback HTTP CONNECT proxy that tunnels to loopback only and records the CONNECT targets. */
export class ConnectProxy {
  connects: string[] = [];
  authorizations: (string | undefined)[] = [];
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  readonly server = http.createServer((_req, res) => res.writeHead(405).end());
  constructor(behaviour: ConnectBehaviour = () => "tunnel") {
    this.server.on("connect", (req: http.IncomingMessage, client: net.Socket) => {
      this.sockets.add(client);
      client.on("error", () => undefined);
      this.connects.push(req.url ?? "");
      this.authorizations.push(req.headers["proxy-authorization"]);
      const [host, port] = (req.url ?? "").split(/:(?=\d+$)/);
      const action = behaviour(host ?? "", Number(port));
      if (action === "forbid") return void client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      if (action === "hang") return;
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
