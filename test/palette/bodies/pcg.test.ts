import assert from "node:assert/strict";
import { test } from "node:test";
import { PaletteBodyError, selfHostedPcgBody, selfHostedPcgRequest } from "../../../lib/palette";
import { writeErrors } from "./spec";

test("the self-hosted PCG create is {name, cloudType: nutanix} at POST /v1/pcg/selfHosted, tenant-level, and validates against the spec", () => {
  const w = selfHostedPcgRequest("pcg-1");
  assert.deepEqual(w, { method: "POST", path: "/v1/pcg/selfHosted", body: { name: "pcg-1", cloudType: "nutanix" }, scope: "tenant", what: 'PCG "pcg-1"' });
  assert.deepEqual(writeErrors(w), []);
  assert.deepEqual(writeErrors({ ...w, body: { ...w.body, kind: "x" } }).length, 1, "the check is not vacuous");
});

test("a PCG name that is not a DNS label is refused, naming the PCG and the field", () => {
  assert.throws(() => selfHostedPcgBody("PCG_1"), (e: unknown) => e instanceof PaletteBodyError && /PCG "PCG_1": name: expected a lowercase RFC 1123 label/.test(e.message));
});
