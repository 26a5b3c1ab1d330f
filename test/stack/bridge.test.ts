/**
 * The cdktf bridge as Terraform JSON: provider, relative backend, one null_resource per plan resource
 * with snake_case triggers, depends_on, create_before_destroy, create and destroy local-exec
 * provisioners reading self.triggers; the plan file and synth files beside cdk.tf.json.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Construct } from "constructs";
import { Credentials, PrismCentralAccount, NutanixStack, ValidationError, type ISynthFileProducer, type Plan, type SynthFile } from "../../lib";
import { stableStringify } from "../../lib/plan";
import { APPLY_COMMAND, DESTROY_COMMAND, logicalIds } from "../../lib/stack";
import { specSummary } from "../../lib/plan/summary";
import { addCluster, addGateway, listFiles, stackWithAccount, tempDir } from "../helpers/nutanix-fixtures";

interface NullResource {
  triggers: Record<string, string>;
  depends_on?: string[];
  lifecycle: Record<string, unknown>;
  provisioner: { "local-exec": { command: string; environment: Record<string, string>; when?: string } }[];
}

function synthExample(props?: { handlerCommand?: string }) {
  const outdir = path.join(tempDir(), "out");
  fs.mkdirSync(outdir);
  const app = new App({ outdir });
  const stack = new NutanixStack(app, "dc1", props);
  const pc = new PrismCentralAccount(stack, "pc", { endpoint: "pc.example.com", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  const host = addCluster(stack, pc, "pcg-host");
  addGateway(stack, pc, host);
  app.synth();
  const dir = path.join(outdir, "stacks", "dc1");
  const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  return { app, stack, outdir, dir, tf, resources: tf.resource.null_resource as Record<string, NullResource> };
}

test("bridge: declares the null provider and a relative local backend", () => {
  const { tf } = synthExample();
  assert.deepEqual(tf.provider, { null: [{}] });
  assert.deepEqual(tf.terraform.backend, { local: { path: "terraform.dc1.tfstate" } });
  assert.equal(tf.terraform.required_providers.null.version, "3.2.4");
});

test("bridge: one null_resource per plan resource, readable logical ids", () => {
  const { stack, resources } = synthExample();
  assert.deepEqual(Object.keys(resources).sort(), ["pc", "pcg", "pcg-host", "pcg-host_cp", "pcg-host_default", "pcg-host_endpoint"]);
  assert.equal(stack.toPlan().resources.length, 6);
});

test("bridge: triggers are snake_case and carry id, kind, generation, plan file, handler and stack", () => {
  const { stack, resources, dir } = synthExample();
  const plan = stack.toPlan();
  const cp = plan.resources.find((r) => r.id === "dc1/pcg-host/cp");
  const t = resources["pcg-host_cp"]!.triggers;
  // Intended change (issue 13, a readable diff): beside the six fixed keys, the flat summary of the spec.
  const fixed = ["generation", "handler", "kind", "plan_file", "resource_id", "stack"];
  assert.deepEqual(Object.keys(t).filter((k) => fixed.includes(k)).sort(), fixed);
  assert.deepEqual(Object.fromEntries(Object.entries(t).filter(([k]) => !fixed.includes(k))), specSummary(cp!));
  const fixedValues = Object.fromEntries(Object.entries(t).filter(([k]) => fixed.includes(k) && k !== "handler"));
  assert.deepEqual(fixedValues, { resource_id: "dc1/pcg-host/cp", kind: "NodePool", generation: cp?.generation, plan_file: "nutanix-plan.json", stack: "dc1" });
  assert.ok(!path.isAbsolute(t.handler!), t.handler);
  assert.ok(fs.existsSync(path.resolve(dir, t.handler!)), `${t.handler} does not resolve to the handler from ${dir}`);
  assert.equal(path.basename(t.handler!), "nutanix-handler.js");
});

test("bridge: depends_on mirrors the plan's dependsOn", () => {
  const { stack, resources } = synthExample();
  const names = logicalIds("dc1", stack.toPlan().resources.map((r) => r.id));
  for (const r of stack.toPlan().resources) {
    const expected = r.dependsOn.map((d) => `null_resource.${names.get(d)}`).sort();
    assert.deepEqual([...(resources[names.get(r.id) as string]!.depends_on ?? [])].sort(), expected, r.id);
  }
  assert.deepEqual(resources.pcg!.depends_on?.sort(), ["null_resource.pc", "null_resource.pcg-host"]);
});

test("bridge: create_before_destroy, a create and a destroy local-exec reading only self.triggers", () => {
  const { resources } = synthExample();
  for (const [name, r] of Object.entries(resources)) {
    assert.deepEqual(r.lifecycle, { create_before_destroy: true }, name);
    assert.equal(r.provisioner.length, 2);
    const [create, destroy] = r.provisioner.map((p) => p["local-exec"]);
    assert.equal(create!.command, 'node "$NPC_HANDLER" apply --plan "$NPC_PLAN_FILE" --resource "$NPC_RESOURCE_ID"');
    assert.equal(create!.command, APPLY_COMMAND);
    assert.equal(create!.when, undefined);
    assert.equal(destroy!.command, 'node "$NPC_HANDLER" destroy --plan "$NPC_PLAN_FILE" --resource "$NPC_RESOURCE_ID" --generation "$NPC_GENERATION"');
    assert.equal(destroy!.command, DESTROY_COMMAND);
    assert.equal(destroy!.when, "destroy");
    for (const p of [create, destroy]) {
      assert.doesNotMatch(p!.command, /\$\{/, "a ${…} in a command would be interpolated by Terraform");
      assert.deepEqual(p!.environment, {
        NPC_GENERATION: "${self.triggers.generation}",
        NPC_HANDLER: "${self.triggers.handler}",
        NPC_KIND: "${self.triggers.kind}",
        NPC_PLAN_FILE: "${self.triggers.plan_file}",
        NPC_RESOURCE_ID: "${self.triggers.resource_id}",
        NPC_STACK: "${self.triggers.stack}",
      });
    }
  }
});

test("bridge: no absolute path and no timestamp in cdk.tf.json or the plan", () => {
  const { dir, outdir } = synthExample();
  for (const f of ["cdk.tf.json", "nutanix-plan.json"]) {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    assert.ok(!text.includes(outdir), `${f} holds the output directory's absolute path`);
    assert.doesNotMatch(text, /"\/[^"/]/, `${f} holds a string that is an absolute path`);
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, `${f} holds a timestamp`);
  }
});

test("bridge: handlerCommand overrides the handler path", () => {
  const { resources } = synthExample({ handlerCommand: "node_modules/.bin/nutanix-handler" });
  assert.equal(resources.pc!.triggers.handler, "node_modules/.bin/nutanix-handler");
});

test("synth: nutanix-plan.json is the stack's plan, stably serialized, beside cdk.tf.json", () => {
  const { stack, dir } = synthExample();
  assert.equal(fs.readFileSync(path.join(dir, "nutanix-plan.json"), "utf8"), stableStringify(stack.toPlan()));
  assert.deepEqual(listFiles(dir), ["cdk.tf.json", "manifests/pcg-host.yaml", "nutanix-plan.json"]);
});

test("synth files: addSynthFile and ISynthFileProducer write beside the plan, with the plan as input", () => {
  const outdir = path.join(tempDir(), "out");
  fs.mkdirSync(outdir);
  const app = new App({ outdir });
  const { stack, pc } = stackWithAccount("dc1", app);
  addCluster(stack, pc, "c1");
  stack.addSynthFile("notes/c1.txt", (plan: Plan) => `# ${plan.resources.length} resources\n`);
  class Extra extends Construct implements ISynthFileProducer {
    synthFiles(plan: Plan): SynthFile[] {
      return [{ path: "extra/stack.txt", contents: plan.metadata.stack }];
    }
  }
  new Extra(stack, "extra");
  app.synth();
  const dir = path.join(outdir, "stacks", "dc1");
  assert.equal(fs.readFileSync(path.join(dir, "notes/c1.txt"), "utf8"), "# 5 resources\n");
  assert.match(fs.readFileSync(path.join(dir, "manifests/c1.yaml"), "utf8"), /kind: NutanixCluster/);
  assert.equal(fs.readFileSync(path.join(dir, "extra/stack.txt"), "utf8"), "dc1");
});

test("synth files: paths outside the stack dir or over reserved names fail", () => {
  const { stack } = stackWithAccount();
  for (const bad of ["../x", "/abs", "a/../../b", "cdk.tf.json", "nutanix-plan.json", "", "a\\b"]) {
    assert.throws(() => stack.addSynthFile(bad, () => ""), ValidationError, bad);
  }
  stack.addSynthFile("ok.txt", () => "");
  assert.throws(() => stack.addSynthFile("ok.txt", () => ""), /registered twice/);
});

test("synth files: a producer that throws leaves no output", () => {
  const outdir = path.join(tempDir(), "out");
  fs.mkdirSync(outdir);
  const app = new App({ outdir });
  const { stack, pc } = stackWithAccount("dc1", app);
  addCluster(stack, pc, "c1");
  stack.addSynthFile("boom.txt", () => {
    throw new Error("render failed");
  });
  assert.throws(() => app.synth(), /render failed/);
  assert.deepEqual(listFiles(outdir), []);
});

test("logicalIds: stack prefix dropped, / → _, unsafe characters replaced, unique", () => {
  const ids = logicalIds("s", ["s/a/b", "s/a_b", "s/9x", "s/x.y"]);
  assert.deepEqual([...ids.entries()].sort(), [["s/9x", "r_9x"], ["s/a/b", "a_b"], ["s/a_b", "a_b_2"], ["s/x.y", "x_y"]]);
});
