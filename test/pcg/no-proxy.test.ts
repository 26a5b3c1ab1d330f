import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { noProxyCovers, noProxyCoversEntry, parseNoProxyEntry } from "../../lib/pcg";

describe("NO_PROXY matching (Go httpproxy semantics)", () => {
  it("parses entries", () => {
    assert.deepEqual(parseNoProxyEntry("*"), { kind: "any" });
    assert.deepEqual(parseNoProxyEntry(" 10.0.0.5 "), { kind: "ip", ip: "10.0.0.5" });
    assert.deepEqual(parseNoProxyEntry("10.0.0.5:9440"), { kind: "ip", ip: "10.0.0.5", port: 9440 });
    assert.deepEqual(parseNoProxyEntry("10.0.0.0/8"), { kind: "cidr", cidr: "10.0.0.0/8" });
    assert.deepEqual(parseNoProxyEntry("*.Example.com."), { kind: "domain", name: "example.com", subdomainsOnly: true });
    assert.deepEqual(parseNoProxyEntry("example.com:443"), { kind: "domain", name: "example.com", subdomainsOnly: false, port: 443 });
    assert.deepEqual(parseNoProxyEntry("fd00::/8"), { kind: "ipv6" });
    assert.deepEqual(parseNoProxyEntry("[::1]:443"), { kind: "ipv6" });
    for (const bad of ["", "a,b", "a b", "10.0.0.0/40", "300.1.1.1/8", "host:99999", "bad_%name"]) assert.equal(parseNoProxyEntry(bad).kind, "invalid", bad);
  });

  it("matches addresses exactly or by CIDR, with ports only when given", () => {
    assert.ok(noProxyCovers(["10.0.0.5"], { kind: "ip", ip: "10.0.0.5", port: 9440 }));
    assert.ok(noProxyCovers(["10.0.0.0/24"], { kind: "ip", ip: "10.0.0.255" }));
    assert.ok(!noProxyCovers(["10.0.0.0/24"], { kind: "ip", ip: "10.0.1.0" }));
    assert.ok(noProxyCovers(["10.0.0.5:9440"], { kind: "ip", ip: "10.0.0.5", port: 9440 }));
    assert.ok(!noProxyCovers(["10.0.0.5:9440"], { kind: "ip", ip: "10.0.0.5", port: 443 }));
    assert.ok(!noProxyCovers(["example.com"], { kind: "ip", ip: "10.0.0.5" }));
  });

  it("matches CIDRs only by an equal or wider CIDR", () => {
    assert.ok(noProxyCovers(["172.16.0.0/12"], { kind: "cidr", cidr: "172.20.0.0/16" }));
    assert.ok(noProxyCovers(["172.20.0.0/16"], { kind: "cidr", cidr: "172.20.0.0/16" }));
    assert.ok(!noProxyCovers(["172.20.0.0/17"], { kind: "cidr", cidr: "172.20.0.0/16" }));
    assert.ok(!noProxyCovers(["172.20.0.1"], { kind: "cidr", cidr: "172.20.0.0/16" }));
    assert.ok(noProxyCovers(["172.20.0.1"], { kind: "cidr", cidr: "172.20.0.1/32" }));
  });

  it("matches domains: bare covers itself and subdomains, a leading dot or *. only subdomains", () => {
    const h = (name: string) => ({ kind: "host" as const, name });
    assert.ok(noProxyCovers(["example.com"], h("example.com")));
    assert.ok(noProxyCovers(["example.com"], h("pc.example.com")));
    assert.ok(!noProxyCovers(["example.com"], h("badexample.com")));
    assert.ok(!noProxyCovers([".example.com"], h("example.com")));
    assert.ok(noProxyCovers([".example.com"], h("pc.example.com")));
    assert.ok(noProxyCovers(["*.example.com"], h("PC.Example.COM.")));
    assert.ok(noProxyCovers(["*"], h("anything")));
  });

  it("noProxyCoversEntry treats .svc as every subdomain of svc", () => {
    assert.ok(noProxyCoversEntry([".svc"], ".svc"));
    assert.ok(noProxyCoversEntry(["svc"], ".svc"));
    assert.ok(noProxyCoversEntry([".local"], ".cluster.local"));
    assert.ok(!noProxyCoversEntry(["kubernetes.default.svc"], ".svc"));
    assert.ok(noProxyCoversEntry(["127.0.0.0/8"], "127.0.0.1"));
    assert.ok(noProxyCoversEntry(["LOCALHOST"], "localhost"));
  });
});
