import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { hostPort, hostPortUrl } from "../../lib/net/host-port";

test("hostPort writes names and IPv4 addresses as they are and brackets IPv6 literals", () => {
  assert.equal(hostPort("pc.example.com", 9440), "pc.example.com:9440");
  assert.equal(hostPort("10.20.0.10", 6443), "10.20.0.10:6443");
  assert.equal(hostPort("fd00::1", 9440), "[fd00::1]:9440");
  assert.equal(hostPort("::1", "8080"), "[::1]:8080");
  assert.equal(hostPort("[fd00::1]", 9440), "[fd00::1]:9440", "an already bracketed literal is not bracketed twice");
});

test("hostPortUrl parses back with WHATWG URL to the same host and port", () => {
  for (const [host, port] of [["pc.example.com", 9440], ["10.20.0.10", 6443], ["fd00::1", 9440]] as const) {
    const url = new URL(hostPortUrl("https", host, port));
    assert.equal(url.hostname.replace(/^\[(.*)\]$/, "$1"), host);
    assert.equal(url.port, String(port));
    if (net.isIPv6(host)) assert.equal(url.host, `[${host}]:${port}`);
  }
});
