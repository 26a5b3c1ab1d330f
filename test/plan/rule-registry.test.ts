/**
 * The cross-resource rule engine: rules registered by their owners run in registration order, the
 * `last` phase after every other; a name has one owner; the plan layer alone loads no construct, stack
 * or PCG module, and the stack registers the PCG rule where it collects the tree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { planRules, registerPlanRule, runPlanRules, validateResources, type PlanRule } from "../../lib/plan";
import { PCG_PLAN_RULE } from "../../lib/stack";

const ROOT = path.join(__dirname, "..", "..");

test("rule registry: the plan's rules, then the PCG rule the stack registered, then the cycle check", () => {
  const names = planRules().map((r) => r.name);
  assert.deepEqual(names.slice(0, 7), ["uniqueClusterNames", "uniquePoolNames", "uniqueGatewayNames", "uniqueVips", "oneEndpointAndControlPlanePerCluster", "vipOnNodeNetwork", "hostnameLength"]);
  assert.ok(names.indexOf(PCG_PLAN_RULE.name) > names.indexOf("hostnameLength"), names.join(", "));
  assert.equal(names[names.length - 1], "noCycles");
});

test("rule registry: registering the same rule twice is a no-op; another rule under a taken name throws", () => {
  const before = planRules().length;
  registerPlanRule(PCG_PLAN_RULE);
  assert.equal(planRules().length, before);
  const impostor: PlanRule = { name: PCG_PLAN_RULE.name, check: () => [] };
  assert.throws(() => registerPlanRule(impostor), /plan rule "pcg.gatewayRequirements" is registered twice/);
});

test("rule registry: runPlanRules runs exactly the rules given, in order, over the plan's index", () => {
  const resources = [{ id: "dc1/a", kind: "PrismCentralAccount", dependsOn: ["dc1/b"] }, { id: "dc1/b", kind: "PrismCentralAccount", dependsOn: ["dc1/a"] }] as unknown as Parameters<typeof runPlanRules>[0];
  const rules: PlanRule[] = [
    { name: "t.second", check: (ix) => [{ path: "x", field: "", message: `count ${ix.all("PrismCentralAccount").length}` }] },
    { name: "t.first", check: (ix) => [{ path: ix.resources[0]!.id, field: "", message: "first" }] },
  ];
  assert.deepEqual(runPlanRules(resources, rules).map((i) => i.message), ["count 2", "first"]);
  assert.deepEqual(validateResources(resources).map((i) => i.message), ["expected no dependency cycle, found dc1/a → dc1/b → dc1/a"]);
});

test("rule registry: lib/plan alone loads no construct, stack, PCG, render or handler module", () => {
  const script = `
    const path = require("node:path");
    require("./lib/plan");
    const lib = path.join(process.cwd(), "lib") + path.sep;
    const mods = Object.keys(require.cache).filter((k) => k.startsWith(lib)).map((k) => path.relative(lib, k).split(path.sep)[0]);
    process.stdout.write(JSON.stringify([...new Set(mods)].sort()));`;
  const folders = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 })) as string[];
  assert.deepEqual(folders, ["net", "plan", "schema"]);
});
