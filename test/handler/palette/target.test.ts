import assert from "node:assert/strict";
import { test } from "node:test";
import { HandlerInputError } from "../../../lib/handler/errors";
import { resolvePaletteEndpoint, resolvePaletteTarget } from "../../../lib/handler/palette/target";

const account = { id: "dc1/palette", endpoint: "https://palette.example.com" };

test("the endpoint: --palette-endpoint > PALETTE_ENDPOINT > the PaletteAccount's, as --endpoint / NUTANIX_ENDPOINT for Prism Central", () => {
  assert.deepEqual(resolvePaletteEndpoint({ account, env: {} }), { endpoint: "https://palette.example.com/", endpointSource: "account" });
  assert.deepEqual(resolvePaletteEndpoint({ account, env: { PALETTE_ENDPOINT: "http://127.0.0.1:8443" } }), { endpoint: "http://127.0.0.1:8443/", endpointSource: "env" });
  assert.deepEqual(resolvePaletteEndpoint({ account, endpoint: "palette.local:9443", env: { PALETTE_ENDPOINT: "http://127.0.0.1:8443" } }), { endpoint: "https://palette.local:9443/", endpointSource: "flag" });
  assert.deepEqual(resolvePaletteEndpoint({ endpoint: "http://127.0.0.1:1", env: {} }).endpointSource, "flag");
});

test("no endpoint, or a bad one, is bad input naming where it came from", () => {
  assert.throws(() => resolvePaletteEndpoint({ env: {} }), (e: unknown) => e instanceof HandlerInputError && /no Palette endpoint.*--palette-endpoint.*PALETTE_ENDPOINT/.test(e.message));
  assert.throws(() => resolvePaletteEndpoint({ account, env: { PALETTE_ENDPOINT: "ftp://x" } }), (e: unknown) => e instanceof HandlerInputError && e.message.startsWith("PALETTE_ENDPOINT: palette endpoint: expected https://host[:port]"));
  assert.throws(() => resolvePaletteEndpoint({ account: { ...account, endpoint: "https://user:pw@p.example" }, env: {} }), (e: unknown) => e instanceof HandlerInputError && e.message.startsWith("dc1/palette: endpoint:") && !e.message.includes("pw@"));
});

test("the API key comes from the account's variable (default PALETTE_API_KEY); a missing one names the variable, never a value", () => {
  const t = resolvePaletteTarget({ account, env: { PALETTE_API_KEY: "k-123456" } });
  assert.deepEqual([t.apiKey, t.apiKeyEnv, t.endpointSource], ["k-123456", "PALETTE_API_KEY", "account"]);
  assert.equal(resolvePaletteTarget({ account: { ...account, apiKeyEnv: "DC1_PALETTE_KEY" }, env: { DC1_PALETTE_KEY: "k-9" } }).apiKey, "k-9");
  assert.throws(() => resolvePaletteTarget({ account: { ...account, apiKeyEnv: "DC1_PALETTE_KEY" }, env: { PALETTE_API_KEY: "k-123456" } }), (e: unknown) => e instanceof HandlerInputError && e.message === "no Palette API key for dc1/palette: set DC1_PALETTE_KEY in the environment");
});
