/**
 * NPC_APPLY_FLAGS: how `cdktf deploy` (whose environment the local-exec provisioners inherit) opts in to
 * the apply-only flags, without touching destroy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyFlagsFromEnv } from "../../lib/handler/cli";

test("NPC_APPLY_FLAGS is appended to apply, whatever the order of the arguments", () => {
  const env = { NPC_APPLY_FLAGS: " --wait-endpoints  --endpoint-timeout 900 " };
  assert.deepEqual(applyFlagsFromEnv(["apply", "--plan", "p.json"], env), ["apply", "--plan", "p.json", "--wait-endpoints", "--endpoint-timeout", "900"]);
  assert.deepEqual(applyFlagsFromEnv(["--plan", "p.json", "apply"], env).slice(-3), ["--wait-endpoints", "--endpoint-timeout", "900"]);
});

test("NPC_APPLY_FLAGS leaves destroy, plan and validate alone, and nothing changes when it is unset", () => {
  const env = { NPC_APPLY_FLAGS: "--wait-endpoints" };
  for (const cmd of ["destroy", "plan", "validate"]) assert.deepEqual(applyFlagsFromEnv([cmd, "--plan", "apply"], env), [cmd, "--plan", "apply"]);
  assert.deepEqual(applyFlagsFromEnv(["apply"], {}), ["apply"]);
});
