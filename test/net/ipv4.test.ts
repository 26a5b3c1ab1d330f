import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cidrContains, cidrRange, cidrsOverlap, inSubnet, intToIpv4, ipv4ToInt, isCidrV4, isIpv4 } from "../../lib/net/ipv4";
import { IPv4 } from "../../lib/schema/net";

describe("isIpv4", () => {
  it("accepts dotted quads of decimal octets and refuses everything else", () => {
    for (const ok of ["0.0.0.0", "10.20.0.10", "255.255.255.255", "127.0.0.1"]) assert.ok(isIpv4(ok), ok);
    for (const bad of ["", "10.20.0", "10.20.0.256", "010.0.0.1", "1.2.3.4.5", "1.2.3.-1", " 1.2.3.4", "::1", "a.b.c.d", "10.0.0.0/8"]) assert.ok(!isIpv4(bad), bad);
  });

  it("agrees with the schema's IPv4 (zod) on every case", () => {
    for (const s of ["0.0.0.0", "10.20.0.10", "10.20.0.256", "010.0.0.1", "1.2.3", "255.255.255.255", "01.1.1.1"]) {
      assert.equal(isIpv4(s), IPv4.safeParse(s).success, s);
    }
  });
});

describe("isCidrV4", () => {
  it("needs an address and a prefix from 0 to 32", () => {
    for (const ok of ["10.0.0.0/8", "0.0.0.0/0", "10.20.0.5/32"]) assert.ok(isCidrV4(ok), ok);
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/08", "10.0.0/8", "10.0.0.0/8/1", "/8", "10.0.0.0/"]) assert.ok(!isCidrV4(bad), bad);
  });
});

describe("address arithmetic", () => {
  it("round-trips addresses through their 32-bit values", () => {
    assert.equal(ipv4ToInt("0.0.0.0"), 0);
    assert.equal(ipv4ToInt("255.255.255.255"), 2 ** 32 - 1);
    assert.equal(ipv4ToInt("10.20.0.10"), 10 * 2 ** 24 + 20 * 2 ** 16 + 10);
    for (const ip of ["0.0.0.0", "10.20.0.10", "192.168.255.1", "255.255.255.255"]) assert.equal(intToIpv4(ipv4ToInt(ip)), ip);
  });

  it("gives a CIDR block's network and broadcast values, from any address inside it", () => {
    assert.deepEqual(cidrRange("10.20.0.77/24"), { first: ipv4ToInt("10.20.0.0"), last: ipv4ToInt("10.20.0.255") });
    assert.deepEqual(cidrRange("10.20.0.5/32"), { first: ipv4ToInt("10.20.0.5"), last: ipv4ToInt("10.20.0.5") });
    assert.deepEqual(cidrRange("1.2.3.4/0"), { first: 0, last: 2 ** 32 - 1 });
  });

  it("tells containment and overlap", () => {
    assert.ok(cidrContains("10.20.0.0/24", "10.20.0.255"));
    assert.ok(!cidrContains("10.20.0.0/24", "10.20.1.0"));
    assert.ok(cidrsOverlap("10.0.0.0/8", "10.20.0.0/24"));
    assert.ok(!cidrsOverlap("172.20.0.0/16", "172.19.0.0/16"));
    assert.ok(inSubnet("10.20.0.9", "10.20.0.0", 24));
    assert.ok(!inSubnet("10.20.1.9", "10.20.0.0", 24));
    assert.ok(inSubnet("203.0.113.7", "0.0.0.0", 0));
    assert.ok(inSubnet("10.1.1.1", "10.1.1.1", 32) && !inSubnet("10.1.1.2", "10.1.1.1", 32));
  });
});
