import { test } from "node:test";
import assert from "node:assert/strict";
import { generationOf } from "../../lib/plan/canonical";
import { parsePlan } from "../../lib/plan/load";
import { PLAN_API_VERSION } from "../../lib/schema/plan";
import { ValidationError } from "../../lib/schema/validation";

const account = { endpoint: { host: "pc", port: 9440 }, credentials: { source: "env", usernameEnv: "U", passwordEnv: "P" }, insecure: false };
const res = (id: string, dependsOn: string[] = [], spec: unknown = account) => ({ id, kind: "PrismCentralAccount", dependsOn, spec, generation: generationOf(spec) });
const plan = (resources: unknown[]) => ({ apiVersion: PLAN_API_VERSION, kind: "Plan", metadata: { stack: "s" }, resources });

function issues(data: unknown): string[] {
  try {
    parsePlan(data);
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return e.issues.map((i) => `${i.path}: ${i.field}: ${i.message}`);
  }
  return [];
}

test("plan: a well-formed plan parses", () => {
  assert.equal(parsePlan(plan([res("s/a"), res("s/b", ["s/a"])])).resources.length, 2);
});
test("plan: fails on a wrong apiVersion", () => {
  assert.match(issues({ ...plan([]), apiVersion: "v0" }).join("\n"), /expected apiVersion nutanix-palette-cdk\/v1alpha1/);
});
test("plan: fails on an unknown kind, naming the resource", () => {
  assert.match(issues(plan([{ ...res("s/a"), kind: "Vm" }])).join("\n"), /^s\/a: kind: expected kind to be one of/m);
});
test("plan: fails on a hand-edited spec (generation mismatch)", () => {
  assert.match(issues(plan([{ ...res("s/a"), spec: { ...account, insecure: true } }])).join("\n"), /s\/a: generation: .*edited by hand/);
});
test("plan: fails on unsorted or repeated ids, unknown dependencies and cycles, all at once", () => {
  const lines = issues(plan([res("s/b", ["s/a"]), res("s/a", ["s/b", "s/x"]), res("s/a")]));
  assert.ok(lines.some((l) => /sorted by id/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /unique resource ids/.test(l)));
  assert.ok(lines.some((l) => /s\/a: dependsOn\[1\]: .*"s\/x"/.test(l)));
});
test("plan: fails on a dependency cycle", () => {
  assert.match(issues(plan([res("s/a", ["s/b"]), res("s/b", ["s/a"])])).join("\n"), /s\/a: dependsOn: expected no dependency cycle, found s\/a → s\/b → s\/a/);
});
test("plan: a literal secret in a spec is refused by the schema", () => {
  const spec = { ...account, credentials: { username: "admin", password: "pw" } };
  const text = issues(plan([res("s/a", [], spec)])).join("\n");
  assert.match(text, /spec\.credentials\.source: expected Credentials\.fromEnv/);
  assert.doesNotMatch(text, /"pw"/, "an error message must not echo a value given where a secret reference belongs");
});
