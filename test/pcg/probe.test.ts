/**
 * The reachability probe, against loopback listeners only: a net.Server target and a tiny HTTP
 * CONNECT proxy on 127.0.0.1 that counts the tunnels it opens. No test dials anything else.
 */
import assert from "node:assert/strict";
import httpModule from "node:http";
import * as net from "node:net";
import { after, before, describe, it, mock } from "node:test";
import { isLoopbackHost, parseProbeUrl, probeReachability } from "../../lib/pcg";
import { close, ConnectProxy, listen } from "../helpers/loopback";

/** Tunnels to loopback, answers 403 to port 1, never answers to port 2 (so the probe must time out). */
const proxyBehaviour = (_host: string, port: number): "forbid" | "hang" | "tunnel" => (port === 1 ? "forbid" : port === 2 ? "hang" : "tunnel");

let target: net.Server;
let targetPort = 0;
let accepted = 0;
let refusedPort = 0;
const proxy = new ConnectProxy(proxyBehaviour);

before(async () => {
  target = net.createServer((s) => {
    accepted += 1;
    s.on("error", () => undefined);
    s.end();
  });
  targetPort = await listen(target);
  const tmp = net.createServer();
  refusedPort = await listen(tmp);
  await close(tmp); // nothing listens there any more
  await proxy.start();
});
after(async () => {
  await close(target);
  await proxy.stop();
});

describe("probeReachability on loopback", () => {
  it("connects directly", async () => {
    const before = accepted;
    const [r] = await probeReachability([{ name: "palette", url: `https://127.0.0.1:${targetPort}` }], { timeoutMs: 2000 });
    assert.deepEqual(r, { name: "palette", url: `https://127.0.0.1:${targetPort}`, ok: true, route: "direct", detail: `connected to 127.0.0.1:${targetPort}` });
    assert.equal(accepted, before + 1);
  });

  it("accepts host:port and tcp:// and localhost", async () => {
    const rs = await probeReachability([
      { name: "a", url: `127.0.0.1:${targetPort}` },
      { name: "b", url: `tcp://localhost:${targetPort}` },
    ], { timeoutMs: 2000 });
    assert.deepEqual(rs.map((r) => [r.name, r.ok, r.route]), [["a", true, "direct"], ["b", true, "direct"]]);
  });

  it("goes through the CONNECT proxy when it applies, and sends Proxy-Authorization without reporting it", async () => {
    const n = proxy.connects.length;
    const before = accepted;
    const url = new URL(proxy.url);
    url.username = "pcg";
    url.password = "s3cret";
    const [r] = await probeReachability([{ name: "pc", url: `https://127.0.0.1:${targetPort}` }], { timeoutMs: 2000, proxy: { httpsProxy: url.toString() } });
    assert.equal(r!.ok, true, r!.detail);
    assert.equal(r!.route, "proxy");
    assert.equal(r!.detail, `connected to 127.0.0.1:${targetPort} through proxy 127.0.0.1:${proxy.port}`);
    assert.deepEqual(proxy.connects.slice(n), [`127.0.0.1:${targetPort}`]);
    assert.equal(proxy.authorizations[n], `Basic ${Buffer.from("pcg:s3cret").toString("base64")}`);
    assert.equal(accepted, before + 1);
    assert.doesNotMatch(JSON.stringify(r), /s3cret/);
  });

  it("uses httpProxy for http:// targets and httpsProxy for https:// ones", async () => {
    const n = proxy.connects.length;
    const rs = await probeReachability([
      { name: "plain", url: `http://127.0.0.1:${targetPort}` },
      { name: "tls", url: `https://127.0.0.1:${targetPort}` },
    ], { timeoutMs: 2000, proxy: { httpProxy: proxy.url } });
    assert.deepEqual(rs.map((r) => r.route), ["proxy", "direct"]);
    assert.equal(proxy.connects.length, n + 1);
  });

  it("honours noProxy: a covered target bypasses the proxy", async () => {
    const n = proxy.connects.length;
    for (const noProxy of [["127.0.0.1"], ["127.0.0.0/8"], [`127.0.0.1:${targetPort}`], ["localhost"], ["*"]]) {
      const host = noProxy[0] === "localhost" ? "localhost" : "127.0.0.1";
      const [r] = await probeReachability([{ name: "pc", url: `https://${host}:${targetPort}` }], { timeoutMs: 2000, proxy: { httpsProxy: proxy.url, noProxy } });
      assert.equal(r!.route, "direct", noProxy[0]);
      assert.equal(r!.ok, true, r!.detail);
    }
    const [viaProxy] = await probeReachability([{ name: "pc", url: `https://127.0.0.1:${targetPort}` }], { timeoutMs: 2000, proxy: { httpsProxy: proxy.url, noProxy: ["127.0.0.2", "127.0.0.1:9"] } });
    assert.equal(viaProxy!.route, "proxy");
    assert.equal(proxy.connects.length, n + 1);
  });

  it("reports a refused port, directly and through the proxy", async () => {
    const [direct] = await probeReachability([{ name: "vip", url: `tcp://127.0.0.1:${refusedPort}` }], { timeoutMs: 2000 });
    assert.equal(direct!.ok, false);
    assert.equal(direct!.detail, `cannot connect to 127.0.0.1:${refusedPort}: ECONNREFUSED`);
    const [viaProxy] = await probeReachability([{ name: "vip", url: `tcp://127.0.0.1:${refusedPort}` }], { timeoutMs: 2000, proxy: { httpsProxy: proxy.url } });
    assert.equal(viaProxy!.ok, false);
    assert.match(viaProxy!.detail, /refused CONNECT 127\.0\.0\.1:\d+: HTTP 502/);
    const [forbidden] = await probeReachability([{ name: "x", url: "tcp://127.0.0.1:1" }], { timeoutMs: 2000, proxy: { httpsProxy: proxy.url } });
    assert.match(forbidden!.detail, /refused CONNECT 127\.0\.0\.1:1: HTTP 403 Forbidden/);
    const [noProxyServer] = await probeReachability([{ name: "x", url: `tcp://127.0.0.1:${targetPort}` }], { timeoutMs: 2000, proxy: { httpsProxy: `http://127.0.0.1:${refusedPort}` } });
    assert.equal(noProxyServer!.detail, `cannot reach proxy 127.0.0.1:${refusedPort}: ECONNREFUSED`);
  });

  it("times out when the proxy never answers", async () => {
    const t0 = Date.now();
    const [r] = await probeReachability([{ name: "slow", url: "tcp://127.0.0.1:2" }], { timeoutMs: 200, proxy: { httpsProxy: proxy.url } });
    assert.equal(r!.ok, false);
    assert.equal(r!.detail, `no answer from proxy 127.0.0.1:${proxy.port} for CONNECT 127.0.0.1:2 within 200 ms`);
    assert.ok(Date.now() - t0 < 2000);
  });

  it("times out a direct connection that never completes", async () => {
    // Hold the connect on loopback by making the socket's connect a no-op: nothing is dialled, no event comes.
    const m = mock.method(net.Socket.prototype, "connect", function (this: net.Socket) {
      return this;
    });
    try {
      const [r] = await probeReachability([{ name: "vip", url: `tcp://127.0.0.1:${targetPort}` }], { timeoutMs: 100 });
      assert.equal(r!.ok, false);
      assert.equal(r!.detail, `no connection to 127.0.0.1:${targetPort} within 100 ms`);
    } finally {
      m.mock.restore();
    }
  });

  it("returns results in the order given, probing concurrently", async () => {
    const rs = await probeReachability([
      { name: "slow", url: "tcp://127.0.0.1:2" },
      { name: "fast", url: `tcp://127.0.0.1:${targetPort}` },
    ], { timeoutMs: 300, proxy: { httpsProxy: proxy.url, noProxy: [`127.0.0.1:${targetPort}`] } });
    assert.deepEqual(rs.map((r) => [r.name, r.ok]), [["slow", false], ["fast", true]]);
  });
});

describe("probeReachability safety", () => {
  it("refuses non-loopback targets and proxies without any connection attempt", async () => {
    const connect = mock.method(net.Socket.prototype, "connect");
    const request = mock.method(httpModule, "request");
    const n = proxy.connects.length;
    try {
      const rs = await probeReachability([
        { name: "palette", url: "https://api.spectrocloud.com" },
        { name: "pc", url: "https://10.20.0.5:9440" },
        { name: "vip", url: "tcp://192.0.2.10:6443" },
        { name: "v6", url: "https://[2001:db8::1]:443" },
        { name: "tricky", url: "https://localhost.example.com" },
        { name: "via-remote-proxy", url: `https://127.0.0.1:${targetPort}` },
      ], { timeoutMs: 1000, proxy: { httpsProxy: "http://proxy.dc1.example.com:3128" } });
      for (const r of rs) {
        assert.equal(r.ok, false, r.name);
        assert.equal(r.route, "none", r.name);
        assert.match(r.detail, /^not probed: the (target|proxy) host \S+ is not a loopback address \(127\.0\.0\.0\/8, ::1, localhost\); pass allowNonLoopback: true to probe it$/, r.name);
      }
      assert.match(rs[5]!.detail, /the proxy host proxy\.dc1\.example\.com/);
      assert.equal(connect.mock.callCount(), 0);
      assert.equal(request.mock.callCount(), 0);
      assert.equal(proxy.connects.length, n);
    } finally {
      connect.mock.restore();
      request.mock.restore();
    }
  });

  it("does not need the remote proxy when noProxy covers a loopback target", async () => {
    const [r] = await probeReachability([{ name: "local", url: `https://127.0.0.1:${targetPort}` }], { timeoutMs: 1000, proxy: { httpsProxy: "http://proxy.dc1.example.com:3128", noProxy: ["127.0.0.1"] } });
    assert.equal(r!.ok, true, r!.detail);
    assert.equal(r!.route, "direct");
  });

  it("reports unusable URLs and https:// proxies without dialling", async () => {
    const rs = await probeReachability([
      { name: "bad", url: "ftp://127.0.0.1:21" },
      { name: "noport", url: "tcp://127.0.0.1" },
      { name: "tls-proxy", url: `https://127.0.0.1:${targetPort}` },
    ], { timeoutMs: 1000, proxy: { httpsProxy: "https://127.0.0.1:3129" } });
    assert.deepEqual(rs.map((r) => r.route), ["none", "none", "none"]);
    assert.match(rs[0]!.detail, /^not probed: expected https:\/\/host/);
    assert.match(rs[2]!.detail, /only http:\/\/ proxies are supported/);
    await assert.rejects(probeReachability([], { timeoutMs: 0 }), RangeError);
  });

  it("isLoopbackHost and parseProbeUrl", () => {
    for (const h of ["127.0.0.1", "127.255.0.9", "::1", "[::1]", "localhost", "LOCALHOST."]) assert.ok(isLoopbackHost(h), h);
    for (const h of ["128.0.0.1", "10.0.0.1", "::2", "localhost.example.com", "0.0.0.0", "api.spectrocloud.com"]) assert.ok(!isLoopbackHost(h), h);
    assert.deepEqual(parseProbeUrl("https://pc.example.com"), { host: "pc.example.com", port: 443, scheme: "https" });
    assert.deepEqual(parseProbeUrl("http://[::1]:8080/x"), { host: "::1", port: 8080, scheme: "http" });
    assert.deepEqual(parseProbeUrl("10.0.0.5:9440"), { host: "10.0.0.5", port: 9440, scheme: "tcp" });
    assert.equal(parseProbeUrl("10.0.0.5"), undefined);
  });
});
