/**
 * The spec validator itself (test/helpers/palette-spec.ts) catches what it must: a missing required field
 * (`spec.cloudType` of a custom cluster), a misspelt key, an undeclared or out-of-range query parameter, a missing
 * auth header, a wrong content type, an unknown operation; and the client's request builders and pure helpers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cloudAccountEntity, clusterNameSearch, decodeKubeconfig, parseErrorBody, Redactor } from "../../lib/palette";
import { PaletteRetryPolicy } from "../../lib/palette/retry";
import { PaletteSpec } from "../helpers/palette-spec";
import { clusterEntity } from "../helpers/palette";

const spec = new PaletteSpec();
const headers = { ApiKey: "***", "Content-Type": "application/json" };

test("a conforming create validates; a missing spec.cloudType, a misspelt pool key, a wrong pool shape do not", () => {
  const body = clusterEntity("c1", "acct", "prof");
  const req = { method: "POST", path: "/v1/spectroclusters/cloudTypes/nutanix", query: {}, headers, body };
  assert.deepEqual(spec.validateRequest(req), []);
  const noType = structuredClone(body);
  delete (noType.spec as { cloudType?: string }).cloudType;
  assert.deepEqual(spec.validateRequest({ ...req, body: noType }), ["POST /v1/spectroclusters/cloudTypes/nutanix (v1SpectroClustersCustomCreate): body /spec must have required property 'cloudType'"]);
  const camel = structuredClone(body) as unknown as { spec: Record<string, unknown> };
  camel.spec.machinePoolConfig = camel.spec.machinepoolconfig;
  delete camel.spec.machinepoolconfig;
  assert.match(spec.validateRequest({ ...req, body: camel }).join("\n"), /must NOT have additional properties \(machinePoolConfig\)/);
  const noCloud = structuredClone(body);
  delete (noCloud.spec!.machinepoolconfig![0] as { cloudConfig?: unknown }).cloudConfig;
  assert.match(spec.validateRequest({ ...req, body: noCloud }).join("\n"), /machinepoolconfig\/0 must have required property 'cloudConfig'/);
});

test("query parameters, auth header, content types and operations are checked", () => {
  const list = { method: "GET", path: "/v1/cloudaccounts/cloudTypes/nutanix", query: { limit: "50" }, headers: { ApiKey: "***" }, body: null };
  assert.deepEqual(spec.validateRequest(list), []);
  assert.match(spec.validateRequest({ ...list, query: { limit: "51" } }).join(), /above the maximum 50/);
  assert.match(spec.validateRequest({ ...list, query: { page: "2" } }).join(), /query parameter page is not declared/);
  assert.match(spec.validateRequest({ ...list, headers: {} }).join(), /no auth header \(apikey or authorization\)/);
  assert.deepEqual(spec.validateRequest({ ...list, headers: { authorization: "jwt" } }), []);
  assert.match(spec.validateRequest({ ...list, method: "PATCH" }).join(), /no such operation/);
  assert.match(spec.validateRequest({ method: "GET", path: "/v1/overlords", query: {}, headers: { ApiKey: "x" }, body: { a: 1 } }).join(), /takes no body/);
  const upload = { method: "PUT", path: "/v1/clouds/cloudTypes/nutanix/content/cloudProvider", query: {}, headers: { ApiKey: "x", "Content-Type": "application/json" }, body: "{}" };
  assert.match(spec.validateRequest(upload).join(), /expected multipart\/form-data.*form field fileName missing/);
  const account = { method: "POST", path: "/v1/cloudaccounts/cloudTypes/nutanix", query: {}, headers, body: { metadata: { name: "a" }, spec: {} } };
  assert.match(spec.validateRequest(account).join(), /\/spec must have required property 'credentials'/);
  assert.deepEqual(spec.validateRequest({ ...account, body: cloudAccountEntity({ name: "a", overlordUid: "o", credentials: { NUTANIX_USER: "u" } }) }), []);
  assert.match(spec.validateRequest({ ...account, body: { metadata: { name: "a" }, spec: { credentials: { NUTANIX_PORT: 9440 } } } }).join(), /credentials\/NUTANIX_PORT must be string/);
  const search = { method: "POST", path: "/v1/dashboard/spectroclusters/search", query: { limit: "50" }, headers, body: clusterNameSearch("c1") };
  assert.deepEqual(spec.validateRequest(search), []);
});

test("responses: a declared status and schema, or a V1Error", () => {
  assert.deepEqual(spec.validateResponse("GET", "/v1/overlords", 200, { items: [] }), []);
  assert.match(spec.validateResponse("GET", "/v1/overlords", 200, {}).join(), /must have required property 'items'/);
  assert.match(spec.validateResponse("GET", "/v1/overlords", 201, { items: [] }).join(), /status not declared/);
  assert.deepEqual(spec.validateResponse("GET", "/v1/overlords/x", 404, { code: "ResourceNotFound", message: "m", ref: "r" }), []);
  assert.match(spec.validateResponse("GET", "/v1/overlords/x", 404, "nope").join(), /not \{code, message, details, ref\}/);
  assert.match(spec.validateResponse("GET", "/v1/overlords/x", 200, { metadata: { uid: 1 } }).join(), /\/metadata\/uid must be string/);
});

test("pure helpers: error bodies, redaction, backoff, kubeconfig decoding", () => {
  assert.deepEqual(parseErrorBody(404, '{"code":"ResourceNotFound","message":"m","ref":"r"}'), { code: "ResourceNotFound", message: "m", ref: "r" });
  assert.deepEqual(parseErrorBody(502, "<html>bad gateway</html>"), { code: "BadGateway", message: "", details: "<html>bad gateway</html>" });
  assert.deepEqual(parseErrorBody(500, ""), { code: "InternalServerError", message: "" });
  const r = new Redactor();
  r.add("api-key-123456");
  r.addCredentials({ NUTANIX_USER: "admin", NUTANIX_PASSWORD: "hunter22" });
  assert.equal(r.text("key api-key-123456 pw hunter22 user admin"), "key *** pw *** user admin");
  assert.deepEqual(r.value({ a: ["hunter22"], b: 1 }), { a: ["***"], b: 1 });
  const p = new PaletteRetryPolicy({ baseDelayMs: 2000, maxDelayMs: 30_000 }, () => 0.999);
  assert.deepEqual([1, 2, 3, 5].map((n) => p.delay(n, undefined)), [2999, 5998, 11996, 44985]);
  assert.equal(new PaletteRetryPolicy({ baseDelayMs: 2000 }, () => 0).delay(1, undefined), 2000);
  assert.equal(p.delay(1, 1500), 1500);
  const kc = "apiVersion: v1\nkind: Config\nclusters: []\n";
  assert.equal(decodeKubeconfig(Buffer.from(kc).toString("base64")), kc);
  assert.equal(decodeKubeconfig(kc), kc);
});
