/**
 * The mutual-TLS transport against a real loopback HTTPS server: a kept-alive connection the server drops
 * (its idle timeout, a restart) is not a failure of the request: it is sent once more on a new connection
 * (Node's documented pattern for `request.reusedSocket` + ECONNRESET); a server that is gone still fails
 * with KubeUnreachableError, and a fresh connection's reset is never sent twice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { generateCertificateAuthority, issueCertificate, KubeUnreachableError } from "../../lib/kube";
import { makeTlsAgent, tlsRequest, type TlsEndpoint } from "../../lib/kube/transport";

async function pki(): Promise<{ server: { certPem: string; keyPem: string }; ep: Omit<TlsEndpoint, "port"> }> {
  const ca = await generateCertificateAuthority("transport-test-ca");
  const server = await issueCertificate(ca, { commonName: "127.0.0.1", usage: "server", ipAddresses: ["127.0.0.1"], validityMs: 600_000 });
  const client = await issueCertificate(ca, { commonName: "kubernetes-admin", organizations: ["system:masters"], usage: "client", validityMs: 600_000 });
  return { server, ep: { host: "127.0.0.1", caPem: ca.certPem, certPem: client.certPem, keyPem: client.keyPem } };
}

/** A server that answers every request; `dropNext()` makes it cut the next request's connection without an answer. */
async function startServer(cert: { certPem: string; keyPem: string }, caPem: string) {
  let drop = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem, ca: caPem, requestCert: true }, (req, res) => {
    requests++;
    if (drop > 0) {
      drop--;
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ n: requests }));
  });
  server.on("secureConnection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    dropNext: (n = 1) => void (drop = n),
    requests: () => requests,
    connections: () => sockets.size,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

test("a kept-alive connection the server drops: the request goes again on a new connection and succeeds", async () => {
  const { server: cert, ep: base } = await pki();
  const srv = await startServer(cert, base.caPem);
  const ep: TlsEndpoint = { ...base, port: srv.port };
  const agent = makeTlsAgent(ep);
  try {
    const first = await tlsRequest(ep, agent, { method: "GET", path: "/a", timeoutMs: 5000 });
    assert.equal(first.status, 200);
    srv.dropNext(); // the kept-alive socket is cut when the next request arrives on it
    const second = await tlsRequest(ep, agent, { method: "POST", path: "/b", body: "{}", timeoutMs: 5000 });
    assert.equal(second.status, 200);
    assert.equal(srv.requests(), 3, "the dropped request and its one repeat");
  } finally {
    agent.destroy();
    await srv.stop();
  }
});

test("a reset on a fresh connection is not repeated; a server that is gone is KubeUnreachableError", async () => {
  const { server: cert, ep: base } = await pki();
  const srv = await startServer(cert, base.caPem);
  const ep: TlsEndpoint = { ...base, port: srv.port };
  const agent = makeTlsAgent(ep);
  try {
    srv.dropNext();
    await assert.rejects(tlsRequest(ep, agent, { method: "POST", path: "/c", body: "{}", timeoutMs: 5000 }), (e: unknown) => e instanceof KubeUnreachableError && /ECONNRESET|socket hang up/.test(e.message));
    assert.equal(srv.requests(), 1, "a request on a new connection that was cut may have been processed: it is not sent again");
    await tlsRequest(ep, agent, { method: "GET", path: "/d", timeoutMs: 5000 });
    await srv.stop();
    await assert.rejects(tlsRequest(ep, agent, { method: "GET", path: "/e", timeoutMs: 5000 }), (e: unknown) => e instanceof KubeUnreachableError);
  } finally {
    agent.destroy();
  }
});
