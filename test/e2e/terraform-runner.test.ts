/**
 * The Terraform-path runner (test/helpers/terraform.ts) on a hand-written cdk.tf.json: dependency
 * order, environment from self.triggers, a second apply runs nothing, create_before_destroy on a
 * changed trigger, removed blocks forgotten without a provisioner, failures taint and skip dependents,
 * destroy in reverse order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers/emulator";
import { resolveSelf, terraformApply, terraformDestroy } from "../helpers/terraform";

const ENV = {
  NPC_RESOURCE_ID: "${self.triggers.resource_id}",
  NPC_GENERATION: "${self.triggers.generation}",
};

function nullResource(id: string, generation: string, deps: string[], failOn?: string) {
  const create = failOn ? `echo "create $NPC_RESOURCE_ID $NPC_GENERATION" >> log.txt; test "$NPC_GENERATION" != "${failOn}"` : 'echo "create $NPC_RESOURCE_ID $NPC_GENERATION $EXTRA" >> log.txt';
  return {
    triggers: { resource_id: id, generation },
    depends_on: deps.map((d) => `null_resource.${d}`),
    lifecycle: { create_before_destroy: true },
    provisioner: [
      { "local-exec": { command: create, environment: ENV } },
      { "local-exec": { command: 'echo "destroy $NPC_RESOURCE_ID $NPC_GENERATION" >> log.txt', environment: ENV, when: "destroy" } },
    ],
  };
}

async function writeConfig(dir: string, resources: Record<string, unknown>): Promise<void> {
  await fsp.writeFile(path.join(dir, "cdk.tf.json"), JSON.stringify({ resource: { null_resource: resources } }));
}

async function log(dir: string): Promise<string[]> {
  try {
    const text = await fsp.readFile(path.join(dir, "log.txt"), "utf8");
    await fsp.rm(path.join(dir, "log.txt"));
    return text.trim().split("\n").map((l) => l.trim());
  } catch {
    return [];
  }
}

test("resolveSelf resolves trigger references and rejects unknown ones", () => {
  assert.equal(resolveSelf("${self.triggers.a}-${self.triggers.b}", { a: "1", b: "2" }), "1-2");
  assert.throws(() => resolveSelf("${self.triggers.c}", { a: "1" }), /no such trigger/);
});

test("apply, no-op re-apply, create_before_destroy, removed block, taint, destroy", async () => {
  const dir = await tempDir("npc-tf-");
  const opts = { stackDir: dir, env: { EXTRA: "x" } };
  await writeConfig(dir, { a: nullResource("s/a", "g1", []), b: nullResource("s/b", "g1", ["a"]), c: nullResource("s/c", "g1", []) });

  let r = await terraformApply(opts);
  assert.ok(r.ok);
  const lines = await log(dir);
  assert.deepEqual([...lines].sort(), ["create s/a g1 x", "create s/b g1 x", "create s/c g1 x"]);
  assert.ok(lines.indexOf("create s/a g1 x") < lines.indexOf("create s/b g1 x"), "dependency first");
  const stepA = r.steps.find((s) => s.resource === "a")!;
  const stepB = r.steps.find((s) => s.resource === "b")!;
  assert.ok(stepB.startedAt >= stepA.startedAt + stepA.ms - 5);

  r = await terraformApply(opts);
  assert.ok(r.ok);
  assert.deepEqual(await log(dir), [], "nothing changed, nothing ran");
  assert.deepEqual(r.actions, { a: "unchanged", b: "unchanged", c: "unchanged" });

  // b's generation changes: new one created; the old (deposed) one is destroyed without its destroy
  // provisioner, as real Terraform does (changed with issue 13: the stand-in now matches real runs).
  await writeConfig(dir, { a: nullResource("s/a", "g1", []), b: nullResource("s/b", "g2", ["a"]), c: nullResource("s/c", "g1", []) });
  r = await terraformApply(opts);
  assert.ok(r.ok);
  assert.deepEqual(await log(dir), ["create s/b g2 x"]);
  assert.equal(r.actions.b, "replaced");

  // c removed from the configuration: forgotten, no provisioner runs.
  await writeConfig(dir, { a: nullResource("s/a", "g1", []), b: nullResource("s/b", "g2", ["a"]) });
  r = await terraformApply(opts);
  assert.deepEqual(await log(dir), []);
  assert.equal(r.actions.c, "forgotten");

  // A failing create provisioner taints a, skips b; the next apply re-creates a without a destroy provisioner.
  await writeConfig(dir, { a: nullResource("s/a", "g3", [], "g3"), b: nullResource("s/b", "g2", ["a"]) });
  r = await terraformApply(opts);
  assert.equal(r.ok, false);
  assert.equal(r.actions.a, "failed");
  assert.equal(r.actions.b, "skipped");
  assert.deepEqual(await log(dir), ["create s/a g3"], "the old object stays deposed when its replacement failed");
  assert.equal(r.state.resources.a!.tainted, true);
  await writeConfig(dir, { a: nullResource("s/a", "g3", []), b: nullResource("s/b", "g2", ["a"]) });
  r = await terraformApply(opts);
  assert.ok(r.ok);
  assert.deepEqual(await log(dir), ["create s/a g3 x"], "tainted object: replaced without its destroy provisioner; the deposed g1 destroyed without one too");
  assert.equal(r.state.resources.a!.deposed, undefined);

  r = await terraformDestroy(opts);
  assert.ok(r.ok);
  assert.deepEqual(await log(dir), ["destroy s/b g2", "destroy s/a g3"], "dependents first");
  assert.deepEqual(r.state.resources, {});
});

test("terraform_data: triggers_replace, self.triggers_replace references and terraform_data.* dependencies", async () => {
  const dir = await tempDir("npc-tf-");
  const envReplace = { NPC_RESOURCE_ID: "${self.triggers_replace.resource_id}", NPC_GENERATION: "${self.triggers_replace.generation}" };
  const data = (id: string, generation: string, deps: string[]) => ({
    triggers_replace: { resource_id: id, generation },
    depends_on: deps.map((d) => `terraform_data.${d}`),
    lifecycle: { create_before_destroy: true },
    provisioner: [
      { "local-exec": { command: 'echo "create $NPC_RESOURCE_ID $NPC_GENERATION" >> log.txt', environment: envReplace } },
      { "local-exec": { command: 'echo "destroy $NPC_RESOURCE_ID $NPC_GENERATION" >> log.txt', environment: envReplace, when: "destroy" } },
    ],
  });
  const write = (resources: Record<string, unknown>) => fsp.writeFile(path.join(dir, "cdk.tf.json"), JSON.stringify({ resource: { terraform_data: resources } }));
  await write({ a: data("s/a", "g1", []), b: data("s/b", "g1", ["a"]) });
  let r = await terraformApply({ stackDir: dir });
  assert.ok(r.ok);
  assert.deepEqual(await log(dir), ["create s/a g1", "create s/b g1"]);
  await write({ a: data("s/a", "g2", []), b: data("s/b", "g1", ["a"]) });
  r = await terraformApply({ stackDir: dir });
  assert.deepEqual(await log(dir), ["create s/a g2"]);
  assert.deepEqual(r.actions, { a: "replaced", b: "unchanged" });
  r = await terraformDestroy({ stackDir: dir });
  assert.ok(r.ok);
  assert.deepEqual(await log(dir), ["destroy s/b g1", "destroy s/a g2"]);
  assert.equal(resolveSelf("${self.triggers_replace.a}", { a: "1" }), "1");
});
