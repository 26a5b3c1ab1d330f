/**
 * kube-vip address claims, the pure part: the claim value, the description that names the owner, and
 * the decision table (claim, keep, take over a renamed resource's claim, refuse another owner's).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ANY_SUBNET,
  claimDescription,
  claimValue,
  decideClaim,
  parseClaimDescription,
  stackIdentity,
  staleClaims,
  VIP_CLAIM_KEY,
  type ListedClaim,
  type VipClaim,
} from "../../lib/handler/vip-claims";
import { stackIdentity as ownershipIdentity } from "../../lib/handler/ownership";

const SUBNET = "5c0e7a52-1111-4f5e-9a8b-6c7d8e9f0a1b";
const OTHER_SUBNET = "5c0e7a52-2222-4f5e-9a8b-6c7d8e9f0a1b";
const mine: VipClaim = { address: "10.20.0.10", subnet: SUBNET, stack: "dc1", resource: "dc1/web/endpoint" };
const listed = (c: VipClaim | undefined, description = c ? claimDescription(c) : "hand-made"): ListedClaim => ({ value: claimValue(mine.subnet, mine.address), claim: c, description });

describe("claim value and description", () => {
  it("the value is vip- + 16 hex of the subnet and address: the same address on another subnet is another claim", () => {
    const v = claimValue(SUBNET, "10.20.0.10");
    assert.match(v, /^vip-[0-9a-f]{16}$/);
    assert.ok(v.length <= 64, "fits Prism's 64-character category values");
    assert.equal(claimValue(SUBNET, "10.20.0.10"), v, "deterministic");
    assert.notEqual(claimValue(OTHER_SUBNET, "10.20.0.10"), v);
    assert.notEqual(claimValue(SUBNET, "10.20.0.11"), v);
    assert.notEqual(claimValue(ANY_SUBNET, "10.20.0.10"), v);
  });

  it("the description names the owner and parses back; anything else is an unknown owner", () => {
    const d = claimDescription(mine);
    assert.match(d, /^kube-vip address claimed by nutanix-palette-cdk: \{/);
    assert.ok(d.includes('"stack":"dc1"') && d.includes('"resource":"dc1/web/endpoint"'), d);
    assert.deepEqual(parseClaimDescription(d), mine);
    assert.equal(claimDescription({ ...mine }), d, "deterministic");
    assert.equal(parseClaimDescription(undefined), undefined);
    assert.equal(parseClaimDescription("reserved by the network team"), undefined);
    assert.equal(parseClaimDescription("kube-vip address claimed by nutanix-palette-cdk: {not json"), undefined);
    assert.equal(parseClaimDescription('kube-vip address claimed by nutanix-palette-cdk: {"stack":"dc1"}'), undefined, "fields missing");
  });

  it("a claim names the stack identity <project>/<stack> the ownership checks use", () => {
    assert.equal(stackIdentity({ identity: "shop/dc1" }), "shop/dc1");
    assert.equal(ownershipIdentity({ metadata: { stack: "dc1", project: "shop" } }), "shop/dc1");
    assert.equal(VIP_CLAIM_KEY, "NpcVip");
  });
});

describe("decideClaim", () => {
  const plan = new Set(["dc1/pc", "dc1/web/endpoint", "dc1/api/endpoint"]);
  const table: Array<[string, ListedClaim | undefined, string, RegExp?]> = [
    ["no claim yet", undefined, "claim"],
    ["this stack and resource", listed(mine), "keep"],
    ["this stack, a resource no longer in the plan (renamed cluster)", listed({ ...mine, resource: "dc1/old/endpoint" }), "take-over"],
    ["this stack, another endpoint of the plan", listed({ ...mine, resource: "dc1/api/endpoint" }), "refuse", /claimed by resource dc1\/api\/endpoint of this stack/],
    ["another stack", listed({ ...mine, stack: "dc2", resource: "dc2/db/endpoint" }), "refuse", /claimed by stack "dc2" \(resource dc2\/db\/endpoint\)/],
    ["another stack with the same resource id", listed({ ...mine, stack: "dc2" }), "refuse", /stack "dc2"/],
    ["an unknown owner (hand-made value)", listed(undefined, "reserved by the network team"), "refuse", /unknown owner .*reserved by the network team/],
  ];
  for (const [name, existing, action, message] of table) {
    it(`${name} → ${action}`, () => {
      const d = decideClaim(mine, existing, plan);
      assert.equal(d.action, action);
      if (d.action === "take-over") assert.equal(d.from, "dc1/old/endpoint");
      if (d.action === "refuse") {
        assert.match(d.reason, message!);
        assert.match(d.reason, /10\.20\.0\.10/);
        assert.ok(d.reason.includes(`${VIP_CLAIM_KEY}:${claimValue(SUBNET, "10.20.0.10")}`), d.reason);
      }
    });
  }
});

describe("staleClaims", () => {
  it("finds this endpoint's claims of other values only", () => {
    const old: ListedClaim = { value: claimValue(SUBNET, "10.20.0.9"), claim: { ...mine, address: "10.20.0.9" }, description: "" };
    const current = listed(mine);
    const other: ListedClaim = { value: claimValue(SUBNET, "10.20.0.8"), claim: { ...mine, address: "10.20.0.8", stack: "dc2" }, description: "" };
    const unknown: ListedClaim = { value: "vip-0000000000000000", claim: undefined, description: "x" };
    assert.deepEqual(staleClaims([old, current, other, unknown], mine, current.value), [old]);
    assert.deepEqual(staleClaims([old, current, other, unknown], mine, ""), [old, current], "destroy releases all of them");
  });
});
