/**
 * cdktf's own testing helpers see the bridge: `Testing.synth(stack)`, `Testing.synthHcl`,
 * `Testing.fullSynth(stack)` and the matchers (`Testing.toHaveResource`, `toHaveResourceWithProperties`).
 * They call `stack.toTerraform()` / the stack synthesizer without `app.synth()` (cdktf
 * `lib/testing/index.ts`), so the bridge must not depend on `prepareStack()`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { resource as nullResource } from "@cdktf/provider-null";
import { Testing } from "cdktf";
import { PLAN_FILE_NAME } from "../../lib/schema/plan";
import { addCluster, stackWithAccount } from "../helpers/nutanix-fixtures";

function example() {
  const { stack, pc } = stackWithAccount("dc1", Testing.app());
  addCluster(stack, pc, "c1");
  return stack;
}

test("Testing.synth: the synthesized JSON holds one bridge resource per plan resource", () => {
  const stack = example();
  const tf = JSON.parse(Testing.synth(stack)) as { resource?: Record<string, Record<string, unknown>> };
  const ids = stack.toPlan().resources.map((r) => r.id);
  const all = Object.values(tf.resource ?? {}).flatMap((byName) => Object.keys(byName));
  assert.equal(all.length, ids.length, `expected ${ids.length} resources, got ${all.join(", ")}`);
  assert.ok(ids.length >= 4);
});

test("Testing.synth: twice gives the same text (the bridge is emitted once)", () => {
  const stack = example();
  assert.equal(Testing.synth(stack), Testing.synth(stack));
});

test("Testing matchers: toHaveResource and toHaveResourceWithProperties see the bridge", () => {
  const stack = example();
  const synth = Testing.synth(stack);
  assert.equal(Testing.toHaveResource(synth, nullResource.Resource.tfResourceType), true);
  const cp = stack.toPlan().resources.find((r) => r.id === "dc1/c1/cp")!;
  assert.equal(
    Testing.toHaveResourceWithProperties(synth, nullResource.Resource.tfResourceType, { triggers: { resource_id: "dc1/c1/cp", generation: cp.generation } }),
    true,
  );
  assert.equal(Testing.toHaveResourceWithProperties(synth, nullResource.Resource.tfResourceType, { triggers: { resource_id: "dc1/nope" } }), false);
});

test("Testing.synthHcl: the HCL names every resource id", () => {
  const stack = example();
  const hcl = Testing.synthHcl(stack);
  for (const r of stack.toPlan().resources) assert.ok(hcl.includes(r.id), `${r.id} missing from the HCL`);
});

test("Testing.fullSynth: cdk.tf.json with the resources and the plan file beside it", () => {
  const stack = example();
  const outdir = Testing.fullSynth(stack);
  const dir = path.join(outdir, "stacks", "dc1");
  const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, unknown>> };
  const count = Object.values(tf.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  assert.equal(count, stack.toPlan().resources.length);
  assert.ok(fs.existsSync(path.join(dir, PLAN_FILE_NAME)));
  fs.rmSync(outdir, { recursive: true, force: true });
});
