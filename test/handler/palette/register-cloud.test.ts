/**
 * register-cloud against the palette-emulator over loopback: the documented order of writes, each validated
 * against the spec; a re-run writes nothing (the request log shows only reads); a changed part is the only write;
 * the CLI's exit codes and its refusal of bad input before any request.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { main } from "../../../lib/handler/cli";
import { checkInfrastructureComponents, registerCloud, sameContent, sameKeys } from "../../../lib/handler/palette/register-cloud";
import { HandlerInputError } from "../../../lib/handler/errors";
import { paletteRegistrationTemplates } from "../../../lib/render/palette";
import { API_KEY, withPalette } from "../../helpers/palette";
import { PaletteSpec } from "../../helpers/palette-spec";

const INFRA_FILE = path.join(__dirname, "..", "..", "fixtures", "capx", "infrastructure-components.yaml");
const INFRA = readFileSync(INFRA_FILE, "utf8");
const spec = new PaletteSpec();
const writes = (rs: { method: string; path: string }[]) => rs.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);

test("a new cloud type: register, the four uploads and the keys, in librarium's order, every request valid against the spec", async () => {
  await withPalette(async (h) => {
    const client = h.client();
    const r = await registerCloud(client, { infrastructureComponents: INFRA, infrastructureComponentsFile: INFRA_FILE, cloudType: "acme" });
    assert.deepEqual(r.steps.map((s) => s.action), ["registered", "uploaded", "uploaded", "uploaded", "uploaded", "set"]);
    assert.equal(r.writes, 6);
    const log = await h.requests();
    assert.deepEqual(writes(log), [
      "POST /v1/clouds/cloudTypes/register",
      "PUT /v1/clouds/cloudTypes/acme/content/cloudProvider",
      "PUT /v1/clouds/cloudTypes/acme/content/templates/clusterTemplate",
      "PUT /v1/clouds/cloudTypes/acme/content/templates/controlPlanePoolTemplate",
      "PUT /v1/clouds/cloudTypes/acme/content/templates/workerPoolTemplate",
      "PUT /v1/clouds/cloudTypes/acme/cloudAccountKeys",
    ]);
    for (const q of log) assert.deepEqual(spec.validateRequest(q), [], `${q.method} ${q.path}`);
    assert.equal(await client.cloudTypes.content("templates/controlPlanePoolTemplate", "acme"), paletteRegistrationTemplates().controlPlanePoolTemplate);
    assert.equal(await client.cloudTypes.content("cloudProvider", "acme"), INFRA);
    assert.deepEqual(await client.cloudTypes.accountKeys("acme"), ["NUTANIX_USER", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT", "NUTANIX_PORT", "NUTANIX_INSECURE"]);
  });
});

test("idempotent: a re-run sends no write (only GETs in the request log); a changed part is the only write", async () => {
  await withPalette(async (h) => {
    const client = h.client();
    const input = { infrastructureComponents: INFRA, infrastructureComponentsFile: INFRA_FILE };
    const first = await registerCloud(client, input);
    // the seed has nutanix registered with its five keys: only the content is uploaded
    assert.deepEqual(first.steps.map((s) => `${s.action} ${s.part}`), [
      "unchanged cloud type nutanix",
      "uploaded content/cloudProvider",
      "uploaded content/templates/clusterTemplate",
      "uploaded content/templates/controlPlanePoolTemplate",
      "uploaded content/templates/workerPoolTemplate",
      "unchanged cloudAccountKeys",
    ]);
    await h.clearRequests();
    const again = await registerCloud(client, input);
    assert.equal(again.writes, 0);
    const log = await h.requests();
    assert.ok(log.length >= 6);
    assert.deepEqual(writes(log), []);
    await h.clearRequests();
    const changed = await registerCloud(client, { ...input, infrastructureComponents: `${INFRA}# v1.9.1\n` });
    assert.equal(changed.writes, 1);
    assert.deepEqual(writes(await h.requests()), ["PUT /v1/clouds/cloudTypes/nutanix/content/cloudProvider"]);
  });
});

test("the decisions: same content modulo trailing whitespace, keys as a set; the infrastructure file must define CAPX's NutanixCluster CRD", () => {
  assert.ok(sameContent("a: 1\n", "a: 1"));
  assert.ok(!sameContent("a: 1\n", "a: 2\n"));
  assert.ok(sameKeys(["B", "A"], ["A", "B"]));
  assert.ok(!sameKeys(["A"], ["A", "B"]));
  assert.ok(!sameKeys(["A", "C"], ["A", "B"]));
  assert.doesNotThrow(() => checkInfrastructureComponents(INFRA, "i.yaml"));
  for (const [text, re] of [
    ["", /the file is empty/],
    ["a: [", /not YAML/],
    ["kind: ConfigMap\n", /defines the CRD nutanixclusters\.infrastructure\.cluster\.x-k8s\.io/],
  ] as const) {
    assert.throws(() => checkInfrastructureComponents(text, "i.yaml"), (e: unknown) => e instanceof HandlerInputError && e.message.startsWith("--infra-components i.yaml:") && re.test(e.message));
  }
});

test("nutanix-handler palette register-cloud: exit 0 then a no-op re-run, exit 2 on bad input before any request, --json", async () => {
  await withPalette(async (h) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTty: false };
    const saved = { PALETTE_ENDPOINT: process.env.PALETTE_ENDPOINT, PALETTE_API_KEY: process.env.PALETTE_API_KEY, PALETTE_AUTHORIZATION: process.env.PALETTE_AUTHORIZATION };
    process.env.PALETTE_ENDPOINT = h.emu.url;
    process.env.PALETTE_API_KEY = API_KEY;
    delete process.env.PALETTE_AUTHORIZATION;
    try {
      assert.equal(await main(["palette", "register-cloud", "--infra-components", INFRA_FILE, "--quiet"], io), 0);
      await h.clearRequests();
      assert.equal(await main(["palette", "register-cloud", "--infra-components", INFRA_FILE, "--json"], io), 0);
      const r = JSON.parse(out.at(-1)!) as { ok: boolean; writes: number };
      assert.deepEqual([r.ok, r.writes], [true, 0]);
      assert.deepEqual(writes(await h.requests()), []);
      await h.clearRequests();
      assert.equal(await main(["palette", "register-cloud"], io), 2);
      assert.match(err.at(-1)!, /--infra-components <file> is required/);
      assert.equal(await main(["palette", "register-cloud", "--infra-components", path.join(__dirname, "no-such.yaml")], io), 2);
      assert.match(err.at(-1)!, /cannot read it \(ENOENT\)/);
      assert.equal(await main(["palette", "frobnicate"], io), 2);
      assert.equal(await main(["palette", "register-cloud", "--bogus"], io), 2);
      delete process.env.PALETTE_API_KEY;
      assert.equal(await main(["palette", "register-cloud", "--infra-components", INFRA_FILE], io), 2);
      assert.match(err.at(-1)!, /set PALETTE_AUTHORIZATION \(a system-console token\) or PALETTE_API_KEY/);
      assert.deepEqual(await h.requests(), []);
      assert.equal(await main(["palette", "--help"], io), 0);
      assert.match(out.at(-1)!, /^Usage: nutanix-handler palette register-cloud/);
      process.env.PALETTE_API_KEY = "wrong-key-000";
      assert.equal(await main(["palette", "register-cloud", "--infra-components", INFRA_FILE, "--quiet"], io), 1);
      assert.doesNotMatch(err.join(""), /wrong-key-000|emulator-api-key/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
