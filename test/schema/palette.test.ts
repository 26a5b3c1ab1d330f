/**
 * The Palette schemas: the account's props (endpoint normalized to an origin, defaults) and the
 * `palette` prop's data part (profile by name or { name, version }), and both plan kinds parse in a plan.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PaletteAccountPropsSchema, PaletteClusterSpec, PaletteProvisioningPropsSchema, Plan } from "../../lib/schema";
import { paletteStack, addPaletteCluster } from "../helpers/palette-fixtures";
import { expectSchemaCases } from "./table";

const apiKey = { source: "env", env: "PALETTE_API_KEY" };

expectSchemaCases("PaletteAccountPropsSchema", PaletteAccountPropsSchema, [
  { name: "defaults", input: { apiKey }, output: { endpoint: "https://api.spectrocloud.com", project: "Default", apiKey, insecure: false } },
  { name: "a self-hosted origin with a port and a trailing slash", input: { apiKey, endpoint: "https://Palette.Example.com:8443/" }, output: { endpoint: "https://palette.example.com:8443", project: "Default", apiKey, insecure: false } },
], [
  { name: "an http endpoint", input: { apiKey, endpoint: "http://palette.example.com" }, message: /Palette serves its API over TLS/, field: "endpoint" },
  { name: "a path", input: { apiKey, endpoint: "https://palette.example.com/v1" }, message: /expected no path/, field: "endpoint" },
  { name: "not a URL", input: { apiKey, endpoint: "palette" }, message: /expected an https:\/\/ URL such as/, field: "endpoint" },
  { name: "a literal API key", input: { apiKey: "k" }, message: /Secret\.fromEnv/, field: "apiKey" },
  { name: "an empty project", input: { apiKey, project: "" }, message: /non-empty Palette project/, field: "project" },
  { name: "an unknown field", input: { apiKey, tenant: "t" }, message: /unknown field 'tenant'/ },
]);

expectSchemaCases("PaletteProvisioningPropsSchema", PaletteProvisioningPropsSchema, [
  { name: "a profile name", input: { profile: "nutanix-k8s-1.30" }, output: { profile: { name: "nutanix-k8s-1.30" }, controlPlaneAsWorker: false } },
  { name: "a profile with a version", input: { profile: { name: "p", version: "1.0.0" }, controlPlaneAsWorker: true }, output: { profile: { name: "p", version: "1.0.0" }, controlPlaneAsWorker: true } },
], [
  { name: "no profile", input: {}, message: /expected a cluster profile name, or \{ name, version \}/, field: "profile" },
  { name: "an empty version", input: { profile: { name: "p", version: "" } }, message: /profile version/ },
  { name: "a non-boolean controlPlaneAsWorker", input: { profile: "p", controlPlaneAsWorker: "yes" }, message: /expected true or false/, field: "controlPlaneAsWorker" },
]);

test("plan schema: a plan with a PaletteAccount and a PaletteCluster parses; a PaletteCluster without its gateway does not", () => {
  const s = paletteStack();
  addPaletteCluster(s);
  const plan = s.stack.toPlan();
  assert.ok(Plan.safeParse(plan).success);
  const cluster = plan.resources.find((r) => r.kind === "PaletteCluster")!;
  const { gateway: _g, ...withoutGateway } = cluster.spec as Record<string, unknown>;
  const r = PaletteClusterSpec.safeParse(withoutGateway);
  assert.ok(!r.success);
  assert.deepEqual(r.error.issues.map((i) => i.path.join(".")), ["gateway"]);
  const bad = { ...plan, resources: plan.resources.map((x) => (x.kind === "PaletteAccount" ? { ...x, spec: { ...x.spec, endpoint: "https://palette.example.com/v1" } } : x)) };
  assert.ok(!Plan.safeParse(bad).success);
});
