/**
 * The Palette plan rules on plans as the handler loads them (not only as a construct tree builds
 * them): missing gateway and accounts, the VIP on the node subnet, and their place in the registry.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { planRules, runPlanRules } from "../../lib/plan";
import type { PlanResource, ResourceOfKind } from "../../lib/schema";
import { PALETTE_PLAN_RULES, PCG_PLAN_RULE } from "../../lib/stack";
import { addPaletteCluster, paletteStack } from "../helpers/palette-fixtures";

function planWithCluster(): PlanResource[] {
  const s = paletteStack();
  addPaletteCluster(s);
  return s.stack.toPlan().resources;
}

function editCluster(resources: PlanResource[], edit: (spec: ResourceOfKind<"PaletteCluster">["spec"]) => ResourceOfKind<"PaletteCluster">["spec"]): PlanResource[] {
  return resources.map((r) => (r.kind === "PaletteCluster" ? { ...r, spec: edit(r.spec) } : r));
}

const lines = (resources: PlanResource[]) => runPlanRules(resources, PALETTE_PLAN_RULES).map((i) => `${i.path}: ${i.field}: ${i.message}`);

test("palette rules: a valid plan has no issue", () => {
  assert.deepEqual(lines(planWithCluster()), []);
});

test("palette rules: ids that name nothing of the right kind are reported per field", () => {
  const resources = editCluster(planWithCluster(), (s) => ({ ...s, gateway: "dc1/nope", paletteAccount: "dc1/pc", account: "dc1/palette" }));
  assert.deepEqual(lines(resources), [
    'dc1/web: account: expected the id of a PrismCentralAccount in this plan, got "dc1/palette"',
    'dc1/web: paletteAccount: expected the id of a PaletteAccount in this plan, got "dc1/pc"',
    'dc1/web: gateway: expected the id of a PrivateCloudGateway in this plan, got "dc1/nope"',
  ]);
});

test("palette rules: a VIP off the stated node subnet, or inside its IPAM pool", () => {
  const off = editCluster(planWithCluster(), (s) => ({ ...s, nodeNetwork: { cidr: "10.30.0.0/24", ipPool: [] } }));
  assert.deepEqual(lines(off), ["dc1/web: endpoint.address: expected the kube-vip address 10.20.0.20 inside the node subnet 10.30.0.0/24 (ARP needs one L2 segment)"]);
  const inPool = editCluster(planWithCluster(), (s) => ({ ...s, nodeNetwork: { cidr: "10.20.0.0/24", ipPool: [{ start: "10.20.0.15", end: "10.20.0.25" }] } }));
  assert.deepEqual(lines(inPool), ["dc1/web: endpoint.address: expected the kube-vip address 10.20.0.20 outside the IPAM pool 10.20.0.15–10.20.0.25 (Prism would hand it to a VM)"]);
});

test("palette rules: two Palette clusters of one Palette account but different Prism Centrals may not share a name", () => {
  const base = planWithCluster();
  const web = base.find((r) => r.kind === "PaletteCluster") as ResourceOfKind<"PaletteCluster">;
  const twin = { ...web, id: "dc1/web2", spec: { ...web.spec, account: "dc1/pc-b", endpoint: { ...web.spec.endpoint, address: "10.20.0.99" } } };
  const text = lines([...base, twin]).join("\n");
  assert.match(text, /dc1\/web2: name: expected cluster names unique per Palette project, 'web' is also used by dc1\/web in dc1\/palette/);
});

test("palette rules: registered by the stack after the PCG rule and before the cycle check", () => {
  const names = planRules().map((r) => r.name);
  const at = names.indexOf(PALETTE_PLAN_RULES[0]!.name);
  assert.ok(at > names.indexOf(PCG_PLAN_RULE.name), names.join(", "));
  assert.deepEqual(names.slice(at, at + PALETTE_PLAN_RULES.length), PALETTE_PLAN_RULES.map((r) => r.name));
  assert.equal(names[names.length - 1], "noCycles");
});
