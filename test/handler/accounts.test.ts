/**
 * The pure decisions of several Prism Central accounts in one plan (lib/handler/accounts.ts): which
 * account a resource runs on, which accounts a run needs, per-account overrides, lock order; and the
 * target resolution built on them (lib/handler/target.ts resolveTargets).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { accountOf, ambiguousOverride, lockOrder, parsePerAccount, runAccounts } from "../../lib/handler/accounts";
import { HandlerInputError, resolveTargets, validatePlan } from "../../lib/handler";
import { tempDir } from "../helpers/emulator";
import { twoAccountPlan } from "./multi-account-fixtures";

const plan = twoAccountPlan();
const A = "t2/pca";
const B = "t2/pcb";

test("accountOf: each resource's own account; an account is its own; a PaletteAccount has none", () => {
  const byId = new Map(plan.resources.map((r) => [r.id, accountOf(r)]));
  assert.equal(byId.get(A), A);
  assert.equal(byId.get(B), B);
  for (const id of ["t2/web", "t2/web/cp", "t2/web/md", "t2/web/endpoint"]) assert.equal(byId.get(id), A, id);
  for (const id of ["t2/api", "t2/api/cp", "t2/api/md", "t2/api/endpoint"]) assert.equal(byId.get(id), B, id);
});

test("runAccounts: a whole-plan run needs every account; one resource its own; a removed resource every account", () => {
  const cases: Array<[string | undefined, Array<string | undefined>]> = [
    [undefined, [A, B]],
    ["t2/api/md", [B]],
    ["t2/web/cp", [A]],
    [B, [B]],
    ["t2/gone/md", [A, B]],
  ];
  for (const [resource, want] of cases) assert.deepEqual(runAccounts(plan, resource), want, String(resource));
  assert.deepEqual(runAccounts({ ...plan, resources: [] }, undefined), [undefined]);
});

test("parsePerAccount: <account id>=<value> per account, a plain value once, unknown ids and repeats refused", () => {
  const ids = [A, B];
  const ok: Array<[string | string[] | undefined, boolean, { plain?: string; by: Array<[string, string]> }]> = [
    [undefined, true, { by: [] }],
    ["https://pc:9440", true, { plain: "https://pc:9440", by: [] }],
    ["https://pc:9440/?a=b", true, { plain: "https://pc:9440/?a=b", by: [] }],
    [[`${A}=https://a:9440`, `${B}=https://b:9440`], true, { by: [[A, "https://a:9440"], [B, "https://b:9440"]] }],
    [`${B}=/etc/b.json`, false, { by: [[B, "/etc/b.json"]] }],
    ["./x=y.json", false, { plain: "./x=y.json", by: [] }],
  ];
  for (const [values, url, want] of ok) {
    const r = parsePerAccount("--endpoint", values, ids, url);
    assert.equal(r.plain, want.plain, JSON.stringify(values));
    assert.deepEqual([...r.byAccount], want.by, JSON.stringify(values));
  }
  assert.throws(() => parsePerAccount("--endpoint", "t2/pcc=https://c", ids, true), /--endpoint t2\/pcc=…: t2\/pcc is no PrismCentralAccount of the plan; known: t2\/pca, t2\/pcb/);
  assert.throws(() => parsePerAccount("--endpoint", [`${A}=https://a`, `${A}=https://b`], ids, true), /given twice/);
  assert.throws(() => parsePerAccount("--credentials-file", ["a.json", "b.json"], ids), /--credentials-file is given twice without an account id/);
});

test("ambiguousOverride and lockOrder", () => {
  assert.equal(ambiguousOverride("--endpoint x", "endpoint", [A]), undefined);
  assert.match(ambiguousOverride("--endpoint x", "endpoint", [A, B])!, /plan has 2 PrismCentralAccounts \(t2\/pca, t2\/pcb\): give --endpoint <account id>=<value>/);
  const cases: Array<[string[], number[]]> = [
    [["https://a"], [0]],
    [["https://b", "https://a"], [1, 0]],
    [["https://a", "https://b", "https://a"], [0, 1]],
    [["https://c", "https://a", "https://b"], [1, 2, 0]],
  ];
  for (const [endpoints, want] of cases) assert.deepEqual(lockOrder(endpoints), want, endpoints.join(" "));
});

test("resolveTargets: each account its own endpoint, credentials and CA; plain overrides refused with several accounts; every missing variable named", async () => {
  const env = { A_USER: "ua", A_PASS: "pa", B_USER: "ub", B_PASS: "pb" };
  const [a, b] = resolveTargets(plan, { env });
  assert.deepEqual([a!.account, a!.endpoint, a!.endpointSource, a!.credentials], [A, "https://pc-a.example.com:9440", "plan", { username: "ua", password: "pa" }]);
  assert.deepEqual([b!.account, b!.endpoint, b!.credentials], [B, "https://pc-b.example.com:9440", { username: "ub", password: "pb" }]);

  const dir = await tempDir();
  const credsB = path.join(dir, "b.json");
  await fsp.writeFile(credsB, JSON.stringify({ username: "file-b", password: "x" }));
  const ca = path.join(dir, "ca.pem");
  await fsp.writeFile(ca, "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n");
  const [a2, b2] = resolveTargets(plan, { env, endpoint: [`${B}=https://127.0.0.1:1`], credentialsFile: [`${B}=${credsB}`], caBundleFile: [`${A}=${ca}`] });
  assert.equal(a2!.endpoint, "https://pc-a.example.com:9440");
  assert.equal(a2!.caBundle?.includes("BEGIN CERTIFICATE"), true);
  assert.deepEqual([b2!.endpoint, b2!.endpointSource, b2!.credentials.username, b2!.caBundle], ["https://127.0.0.1:1", "flag", "file-b", undefined]);

  const refused = (o: Parameters<typeof resolveTargets>[1], re: RegExp): void => {
    assert.throws(() => resolveTargets(plan, o), (e: unknown) => e instanceof HandlerInputError && re.test(e.message));
  };
  refused({ env, endpoint: "https://127.0.0.1:1" }, /--endpoint https:\/\/127\.0\.0\.1:1 names one Prism Central, but the plan has 2 PrismCentralAccounts/);
  refused({ env: { ...env, NUTANIX_ENDPOINT: "https://127.0.0.1:1" } }, /NUTANIX_ENDPOINT names one Prism Central/);
  refused({ env, credentialsFile: credsB }, /--credentials-file .* names one Prism Central/);
  // NUTANIX_ENDPOINT is unused (so accepted) when every account has its own --endpoint.
  assert.equal(resolveTargets(plan, { env: { ...env, NUTANIX_ENDPOINT: "https://x" }, endpoint: [`${A}=https://a`, `${B}=https://b`] }).length, 2);

  // NUTANIX_ENDPOINT also takes <account id>=<url> entries (whitespace-separated): one variable for a whole `cdktf deploy`.
  const fromEnv = resolveTargets(plan, { env: { ...env, NUTANIX_ENDPOINT: ` ${B}=https://127.0.0.1:4  ` } });
  assert.deepEqual(fromEnv.map((t) => [t.endpoint, t.endpointSource]), [["https://pc-a.example.com:9440", "plan"], ["https://127.0.0.1:4", "env"]]);
  const both = resolveTargets(plan, { env: { ...env, NUTANIX_ENDPOINT: `${A}=https://127.0.0.1:5 ${B}=https://127.0.0.1:6` }, endpoint: [`${B}=https://127.0.0.1:7`] });
  assert.deepEqual(both.map((t) => t.endpoint), ["https://127.0.0.1:5", "https://127.0.0.1:7"], "a flag wins over the variable");
  refused({ env: { ...env, NUTANIX_ENDPOINT: "t2/nope=https://x" } }, /NUTANIX_ENDPOINT t2\/nope=…: t2\/nope is no PrismCentralAccount/);

  refused({ env: { A_USER: "ua", A_PASS: "pa" } }, /^missing credentials for t2\/pcb: set B_USER and B_PASS in the environment/);
  refused({ env: { A_USER: "ua", B_PASS: "pb" } }, /missing credentials for t2\/pca: set A_PASS[^\n]*\nmissing credentials for t2\/pcb: set B_USER/);
  // A plan's one account keeps the plain forms.
  const one = { ...plan, resources: plan.resources.filter((r) => r.id === A || (r.kind !== "PrismCentralAccount" && r.kind !== "PaletteAccount" && r.spec.account === A)) };
  assert.equal(resolveTargets(one, { env: { ...env, NUTANIX_ENDPOINT: "https://127.0.0.1:2" } })[0]!.endpoint, "https://127.0.0.1:2");
  assert.equal(resolveTargets(one, { env, endpoint: "https://127.0.0.1:3" })[0]!.endpoint, "https://127.0.0.1:3");
});

test("validate names the second account's missing variables (a warning: validate runs where secrets are not)", () => {
  const r = validatePlan(plan, { A_USER: "ua", A_PASS: "pa" });
  const w = r.warnings.filter((x) => x.includes("B_USER") || x.includes("B_PASS"));
  assert.ok(w.length > 0 && w.every((x) => x.startsWith(`${B}:`)), r.warnings.join("\n"));
  assert.ok(!r.warnings.some((x) => x.includes("A_USER") || x.includes("A_PASS")), r.warnings.join("\n"));
});
