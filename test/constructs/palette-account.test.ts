/**
 * PaletteAccount: defaults, the plan resource, bad props named by path and field, and the PCG's
 * `palette` prop given as an account (the inline form keeps working).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PaletteAccount, PlanTemplate, Secret } from "../../lib";
import { addCluster, addGateway, stackWithAccount, validationLines } from "../helpers/nutanix-fixtures";
import { paletteStack } from "../helpers/palette-fixtures";

test("PaletteAccount: SaaS endpoint, project Default and verified TLS by default; the plan holds only the key's reference", () => {
  const { stack } = stackWithAccount();
  const acct = new PaletteAccount(stack, "palette", { apiKey: Secret.fromEnv("PALETTE_API_KEY") });
  assert.equal(acct.endpoint, "https://api.spectrocloud.com");
  assert.equal(acct.project, "Default");
  const t = PlanTemplate.fromStack(stack);
  t.resourceCountIs("PaletteAccount", 1);
  assert.deepEqual(t.getResource("dc1/palette").spec, { endpoint: "https://api.spectrocloud.com", project: "Default", apiKey: { source: "env", env: "PALETTE_API_KEY" }, insecure: false });
  assert.deepEqual(t.getResource("dc1/palette").dependsOn, []);
});

test("PaletteAccount: a self-hosted endpoint is normalized to its origin; project, insecure and file key are kept", () => {
  const { stack } = stackWithAccount();
  new PaletteAccount(stack, "palette", { endpoint: "https://palette.dc1.example.com:8443/", project: "Edge", apiKey: Secret.fromFile("/etc/palette/key"), insecure: true });
  PlanTemplate.fromStack(stack).hasResource("PaletteAccount", { endpoint: "https://palette.dc1.example.com:8443", project: "Edge", apiKey: { source: "file", path: "/etc/palette/key" }, insecure: true });
});

test("PaletteAccount: bad props name the construct path and field, and leave the tree as it was", () => {
  const { stack } = stackWithAccount();
  const lines = validationLines(() => new PaletteAccount(stack, "palette", { endpoint: "http://palette.example.com", project: "", apiKey: "literal-key" as never, trustBundle: "not pem" }));
  assert.equal(lines.length, 4, lines.join("\n"));
  assert.match(lines[0]!, /^dc1\/palette: endpoint: expected an https:\/\/ URL \(Palette serves its API over TLS\), got http:\/\//);
  assert.match(lines.join("\n"), /dc1\/palette: project: expected a non-empty Palette project name/);
  assert.match(lines.join("\n"), /dc1\/palette: apiKey: expected Secret\.fromEnv\(…\) or Secret\.fromFile\(…\)/);
  assert.match(lines.join("\n"), /dc1\/palette: trustBundle: expected one or more PEM blocks/);
  assert.equal(stack.node.tryFindChild("palette"), undefined);
  assert.match(validationLines(() => new PaletteAccount(stack, "p2", { endpoint: "https://palette.example.com/v1", apiKey: Secret.fromEnv("K") })).join("\n"), /dc1\/p2: endpoint: expected no path in the endpoint \(the client adds \/v1\/…\), got "\/v1"/);
  assert.match(validationLines(() => new PaletteAccount(stack, "p3", { endpoint: "https://u:p@palette.example.com", apiKey: Secret.fromEnv("K") })).join("\n"), /dc1\/p3: endpoint: expected no credentials in the endpoint URL/);
});

test("PrivateCloudGateway with a PaletteAccount: the spec names the account and copies its endpoint, project and key; it depends on it", () => {
  const { stack } = paletteStack();
  const t = PlanTemplate.fromStack(stack);
  t.hasResource("PrivateCloudGateway", { name: "pcg", paletteAccount: "dc1/palette", palette: { endpoint: "https://api.spectrocloud.com", project: "Default", apiKey: { source: "env", env: "PALETTE_API_KEY" } } });
  assert.deepEqual(t.getResource("dc1/pcg").dependsOn, ["dc1/palette", "dc1/pc", "dc1/pcg-host"]);
});

test("PrivateCloudGateway with inline Palette settings: no paletteAccount in its spec, no PaletteAccount resource", () => {
  const { stack, pc } = stackWithAccount();
  addGateway(stack, pc, addCluster(stack, pc, "host"));
  const t = PlanTemplate.fromStack(stack);
  t.resourceCountIs("PaletteAccount", 0);
  assert.equal("paletteAccount" in (t.getResource("dc1/pcg").spec as object), false);
});

test("PrivateCloudGateway: a PaletteAccount of another stack is reported at synth", () => {
  const a = paletteStack("dc1");
  const { stack, pc } = stackWithAccount("dc2");
  addGateway(stack, pc, addCluster(stack, pc, "host"), { palette: a.palette });
  assert.throws(() => stack.toPlan(), /dc2\/pcg: expected PaletteAccount dc1\/palette in this stack "dc2", but it belongs to stack "dc1"/);
});
