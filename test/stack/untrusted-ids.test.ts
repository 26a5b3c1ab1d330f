/**
 * The plan a stack synthesizes passes the checks a plan file is held to, so a construct id the handler
 * would refuse (whitespace, shell metacharacters) is refused at synth, naming the construct.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "cdktf";
import { Credentials, NutanixStack, PrismCentralAccount, ValidationError } from "../../lib";
import { tempDir } from "../helpers/nutanix-fixtures";

test("synth: a construct id with shell metacharacters is refused with the rule a plan file is held to", () => {
  const app = new App({ outdir: tempDir() });
  const stack = new NutanixStack(app, "dc1");
  new PrismCentralAccount(stack, "pc;reboot", { endpoint: "pc.example.com", credentials: Credentials.fromEnv("U", "P") });
  assert.throws(
    () => stack.toPlan(),
    (e: unknown) => ValidationError.isValidationError(e) && /dc1\/pc;reboot: id: the plan would not pass the checks a plan file is held to: expected a resource id: construct ids joined by '\/', without whitespace or shell metacharacters/.test(e.message),
  );
});
