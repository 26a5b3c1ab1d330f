/**
 * A loopback HTTP proxy in front of the emulator for tests that need a Prism Central answering otherwise than
 * the emulator does (a request held back, an answer rewritten or cut): every request is forwarded to `target`
 * over one keep-alive agent; `hooks` may delay it or take over its answer.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyHooks {
  /** How long to hold a request back before it is forwarded (ms). @default 0 */
  delayMs?(method: string, path: string): number;
  /**
   * Takes over the answer to a request: returns true when it answered (or cut) `res` itself from the
   * upstream answer `up`, false to pass `up` through. @default pass everything through
   */
  answer?(req: http.IncomingMessage, up: http.IncomingMessage, res: http.ServerResponse): boolean;
}

export interface LoopbackProxy {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startProxy(target: string, hooks: ProxyHooks = {}): Promise<LoopbackProxy> {
  const t = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const forward = (): void => {
        const up = http.request({ host: "127.0.0.1", port: t.port, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
          if (hooks.answer?.(req, r, res)) return;
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on("error", () => res.destroy());
        up.end(Buffer.concat(chunks));
      };
      const delay = hooks.delayMs?.(req.method ?? "", req.url ?? "") ?? 0;
      if (delay > 0) setTimeout(forward, delay);
      else forward();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
