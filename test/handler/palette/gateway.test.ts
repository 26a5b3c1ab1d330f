/**
 * The gateway's decision (pure, a table): what apply does in Palette from what Palette has — register, apply the
 * manifests, wait, and create or update the bound cloud account — and nothing when all is converged. Also the
 * namespace of the Ally apply, read from Palette's kubectl command.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { allyNamespace, decideGateway, type GatewayObservation, type GatewayWant } from "../../../lib/handler/palette/gateway";

const want: GatewayWant = { name: "gw", plain: { NUTANIX_USER: "admin", NUTANIX_ENDPOINT: "pc.example.com", NUTANIX_PORT: "9440", NUTANIX_INSECURE: "false" } };
const running = { uid: "o1", state: "Running", health: "Healthy", kubectlCommands: [] };
const account = { uid: "a1", overlordUid: "o1", credentials: { ...want.plain, NUTANIX_PASSWORD: "***" } };

test("decideGateway: a table from nothing to converged", () => {
  const rows: Array<[string, GatewayObservation, { register: boolean; applyManifests: boolean; wait: boolean; account: string; fields: string[] }]> = [
    ["nothing in Palette", {}, { register: true, applyManifests: true, wait: true, account: "create", fields: ["palette.gateway", "palette.gateway.manifests", "palette.cloudAccount"] }],
    ["gateway Pending (a run died after the create)", { overlord: { ...running, state: "Pending", health: "" } }, { register: false, applyManifests: true, wait: true, account: "create", fields: ["palette.gateway.manifests", "palette.cloudAccount"] }],
    ["Running, not yet Healthy", { overlord: { ...running, health: "UnHealthy" } }, { register: false, applyManifests: false, wait: true, account: "create", fields: ["palette.cloudAccount"] }],
    ["converged", { overlord: running, account }, { register: false, applyManifests: false, wait: false, account: "none", fields: [] }],
    ["account bound to another gateway", { overlord: running, account: { ...account, overlordUid: "old" } }, { register: false, applyManifests: false, wait: false, account: "update", fields: ["palette.cloudAccount.overlordUid"] }],
    ["Prism Central endpoint changed", { overlord: running, account: { ...account, credentials: { ...account.credentials, NUTANIX_ENDPOINT: "old.example.com" } } }, { register: false, applyManifests: false, wait: false, account: "update", fields: ["palette.cloudAccount.NUTANIX_ENDPOINT"] }],
  ];
  for (const [name, obs, exp] of rows) {
    const d = decideGateway(obs, want);
    assert.deepEqual({ register: d.register, applyManifests: d.applyManifests, wait: d.wait, account: d.account, fields: d.changes.map((c) => c.field) }, exp, name);
  }
  const conv = decideGateway({ overlord: running, account }, want);
  assert.match(conv.notes.join("\n"), /a changed NUTANIX_PASSWORD alone is not seen/);
  assert.ok(!JSON.stringify(decideGateway({ overlord: running, account: { ...account, overlordUid: "old" } }, want)).includes("***"), "no credential value in a decision");
});

test("allyNamespace: the -n of Palette's ally command, else none", () => {
  assert.equal(allyNamespace(["kubectl apply -f https://p/v1/pcg/1/services/jet/manifest", "kubectl apply -n cluster-1234abcd -f https://p/v1/pcg/1/services/ally/manifest"]), "cluster-1234abcd");
  assert.equal(allyNamespace(["kubectl apply --namespace=cluster-9 -f https://p/v1/pcg/1/services/ally/manifest"]), "cluster-9");
  assert.equal(allyNamespace(["kubectl apply -f https://p/v1/pcg/1/services/ally/manifest"]), undefined);
  assert.equal(allyNamespace([]), undefined);
});
