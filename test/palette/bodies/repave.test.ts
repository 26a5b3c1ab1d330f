import assert from "node:assert/strict";
import { test } from "node:test";
import { repaveApprovalRequest, repaveDecision } from "../../../lib/palette";
import { writeErrors } from "./spec";

test("the repave approval is a body-less PATCH …/repave/approve that validates against the spec", () => {
  const w = repaveApprovalRequest("0123456789abcdef01234567");
  assert.deepEqual(w, { method: "PATCH", path: "/v1/spectroclusters/0123456789abcdef01234567/repave/approve", scope: "project", what: "cluster 0123456789abcdef01234567 repave" });
  assert.deepEqual(writeErrors(w), []);
  assert.equal(writeErrors({ ...w, body: { approve: true } }).length, 1, "the operation takes no body");
});

test("only a Pending repave is approved, and only with the operator's consent", () => {
  assert.deepEqual(
    [repaveDecision("Pending", true), repaveDecision("Pending", false), repaveDecision("Approved", true), repaveDecision("Reverted", true), repaveDecision(undefined, true)],
    ["approve", "wait-for-approval", "none", "none", "none"],
  );
});
