/**
 * The bridge with `terraformResource: "terraform_data"`: Terraform's built-in resource (no provider),
 * the same names, trigger values, dependencies, lifecycle and provisioners as the null_resource variant,
 * with the triggers under `triggers_replace` and the provisioners reading `self.triggers_replace.*`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Credentials, NutanixStack, PrismCentralAccount, ValidationError, type NutanixStackProps } from "../../lib";
import { addCluster, addGateway, tempDir, validationLines } from "../helpers/nutanix-fixtures";

interface TfResource {
  triggers?: Record<string, string>;
  triggers_replace?: Record<string, string>;
  depends_on?: string[];
  lifecycle: Record<string, unknown>;
  provisioner: { "local-exec": { command: string; environment: Record<string, string>; when?: string } }[];
}
interface TfJson {
  provider?: unknown;
  terraform: { required_providers?: unknown; backend: unknown };
  resource: Record<string, Record<string, TfResource>>;
}

function synth(props: NutanixStackProps): TfJson {
  const outdir = path.join(tempDir(), "out");
  fs.mkdirSync(outdir);
  const app = new App({ outdir });
  const stack = new NutanixStack(app, "dc1", { handlerCommand: "bin/nutanix-handler.js", ...props });
  const pc = new PrismCentralAccount(stack, "pc", { endpoint: "pc.example.com", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  addGateway(stack, pc, addCluster(stack, pc, "pcg-host"));
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dc1", "cdk.tf.json"), "utf8")) as TfJson;
}

test("terraform_data: no provider, no required_providers, the same local backend", () => {
  const tf = synth({ terraformResource: "terraform_data" });
  assert.equal(tf.provider, undefined);
  assert.equal(tf.terraform.required_providers, undefined);
  assert.deepEqual(tf.terraform.backend, { local: { path: "terraform.dc1.tfstate" } });
  assert.deepEqual(Object.keys(tf.resource), ["terraform_data"]);
});

test("terraform_data: same names and trigger values as null_resource, under triggers_replace", () => {
  const data = synth({ terraformResource: "terraform_data" }).resource.terraform_data!;
  const nul = synth({}).resource.null_resource!;
  assert.deepEqual(Object.keys(data).sort(), Object.keys(nul).sort());
  for (const [name, r] of Object.entries(data)) {
    assert.equal(r.triggers, undefined, name);
    assert.deepEqual(r.triggers_replace, nul[name]!.triggers, name);
    assert.deepEqual(r.lifecycle, { create_before_destroy: true }, name);
    assert.deepEqual(r.depends_on, nul[name]!.depends_on?.map((d) => d.replace(/^null_resource\./, "terraform_data.")), name);
    assert.equal(r.provisioner.length, 2);
    r.provisioner.forEach((p, i) => {
      const twin = nul[name]!.provisioner[i]!["local-exec"];
      assert.equal(p["local-exec"].command, twin.command);
      assert.equal(p["local-exec"].when, twin.when);
      assert.deepEqual(p["local-exec"].environment, Object.fromEntries(Object.entries(twin.environment).map(([k, v]) => [k, v.replace("self.triggers.", "self.triggers_replace.")])));
      for (const v of Object.values(p["local-exec"].environment)) assert.match(v, /^\$\{self\.triggers_replace\.[a-z_]+\}$/);
    });
  }
});

test("terraformResource: the default is null_resource with the null provider", () => {
  const tf = synth({});
  assert.deepEqual(tf.provider, { null: [{}] });
  assert.deepEqual(Object.keys(tf.resource), ["null_resource"]);
  assert.equal(new NutanixStack(new App({ outdir: tempDir() }), "s").terraformResource, "null_resource");
});

test("terraformResource: anything else is refused, naming the stack path and the field", () => {
  for (const bad of ["terraform_date", "", 1, null]) {
    const app = new App({ outdir: tempDir() });
    assert.throws(() => new NutanixStack(app, "dc1", { terraformResource: bad as never }), ValidationError);
    assert.deepEqual(validationLines(() => new NutanixStack(app, "dc1", { terraformResource: bad as never })), [
      `dc1: terraformResource: expected one of "null_resource", "terraform_data", got ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}`,
    ]);
    assert.equal(app.node.tryFindChild("dc1"), undefined, "a refused stack leaves no child behind");
  }
});
