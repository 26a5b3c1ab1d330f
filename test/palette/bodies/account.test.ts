import assert from "node:assert/strict";
import { test } from "node:test";
import { maskedWrite, nutanixAccountBody, nutanixAccountRequest, PaletteBodyError } from "../../../lib/palette";
import { withPalette } from "../../helpers/palette";
import { writeErrors } from "./spec";

const PASSWORD = "pc-Secret-Passw0rd!";
const input = { name: "nutanix-acct", overlordUid: "0123456789abcdef01234567", values: { host: "pc.example.test", username: "admin", password: PASSWORD } };

test("the cloud account is bound by metadata.annotations.overlordUid and carries the five NUTANIX_* keys as strings", () => {
  assert.deepEqual(nutanixAccountBody({ ...input, values: { ...input.values, port: 9441, insecure: true } }), {
    metadata: { name: "nutanix-acct", annotations: { overlordUid: "0123456789abcdef01234567" } },
    spec: { credentials: { NUTANIX_USER: "admin", NUTANIX_PASSWORD: PASSWORD, NUTANIX_ENDPOINT: "pc.example.test", NUTANIX_PORT: "9441", NUTANIX_INSECURE: "true" } },
  });
  assert.deepEqual(nutanixAccountBody(input).spec?.credentials, { NUTANIX_USER: "admin", NUTANIX_PASSWORD: PASSWORD, NUTANIX_ENDPOINT: "pc.example.test", NUTANIX_PORT: "9440", NUTANIX_INSECURE: "false" });
});

test("create and update requests validate against the spec; the masked copy hides the password", () => {
  const create = nutanixAccountRequest(input);
  const update = nutanixAccountRequest(input, "fedcba9876543210fedcba98");
  assert.deepEqual([create.method, create.path, update.method, update.path], ["POST", "/v1/cloudaccounts/cloudTypes/nutanix", "PUT", "/v1/cloudaccounts/cloudTypes/nutanix/fedcba9876543210fedcba98"]);
  assert.deepEqual([...writeErrors(create), ...writeErrors(update)], []);
  const shown = JSON.stringify(maskedWrite(create));
  assert.doesNotMatch(shown, new RegExp(PASSWORD));
  assert.match(shown, /"NUTANIX_PASSWORD":"\*\*\*"/);
  assert.match(shown, /"NUTANIX_USER":"admin"/);
});

test("bad values are refused naming the account and the key, never echoing the password", () => {
  const cases: [Partial<typeof input.values>, RegExp][] = [
    [{ host: "https://pc/x" }, /NUTANIX_ENDPOINT: expected a Prism Central IP or FQDN/],
    [{ port: 0 } as Partial<typeof input.values>, /NUTANIX_PORT: expected a port from 1 to 65535, got 0/],
    [{ username: "" }, /NUTANIX_USER: expected a non-empty username/],
    [{ password: "" }, /NUTANIX_PASSWORD: expected a non-empty password/],
  ];
  for (const [values, re] of cases) {
    assert.throws(
      () => nutanixAccountBody({ ...input, values: { ...input.values, ...values } }),
      (e: unknown) => e instanceof PaletteBodyError && re.test(e.message) && e.message.startsWith('cloud account "nutanix-acct"') && !e.message.includes(PASSWORD),
    );
  }
  assert.throws(() => nutanixAccountBody({ ...input, overlordUid: "" }), /overlordUid: expected the uid of the PCG/);
});

test("the palette-emulator accepts the body for an existing PCG", async () => {
  await withPalette(async (h) => {
    const client = h.client();
    const pcg = await client.pcg.ensureSelfHosted("pcg-1");
    const body = nutanixAccountBody({ ...input, overlordUid: pcg.overlordUid });
    const r = await h.raw("POST", "/v1/cloudaccounts/cloudTypes/nutanix", { body });
    assert.equal(r.status, 201, r.text);
    const got = await client.accounts.get((r.json as { uid: string }).uid);
    assert.equal(got?.metadata?.annotations?.overlordUid, pcg.overlordUid);
  });
});
