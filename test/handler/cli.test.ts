/**
 * parseCli is pure: a command line in, the command and the programmatic options out (no file read, no
 * network). Its option object is the one applyPlan/planDiff/destroyPlan take.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCli } from "../../lib/handler/cli";
import { HandlerInputError } from "../../lib/handler/errors";

test("parseCli: flags become the API's options", () => {
  const p = parseCli(["apply", "--plan", "p.json", "--parallelism", "4", "--wait-endpoints", "--endpoint-timeout", "1.5", "--endpoint-readiness", "tcp", "--no-prune", "--json"]);
  assert.ok(!p.help);
  assert.equal(p.command, "apply");
  assert.equal(p.planFile, "p.json");
  assert.equal(p.json, true);
  assert.deepEqual(p.options, { parallelism: 4, prune: false, waitEndpoints: true, endpointTimeoutMs: 1500, endpointReadiness: "tcp" });
  const d = parseCli(["destroy", "--resource", "dc1/x", "--generation", "a".repeat(64), "--yes", "--quiet"]);
  assert.ok(!d.help);
  assert.deepEqual(d.options, { resource: "dc1/x", generation: "a".repeat(64), yes: true });
  assert.equal(d.quiet, true);
  assert.equal(d.planFile, undefined, "the nearest plan file is found later, not by the pure parse");
  assert.deepEqual(parseCli(["-h"]), { help: true });
});

test("parseCli: bad command lines throw with the flag named", () => {
  const rows: Array<[string[], RegExp]> = [
    [["plan", "--generation", "x"], /--generation is for destroy only/],
    [["apply", "--yes"], /--yes is for destroy only/],
    [["plan", "--wait-endpoints"], /--wait-endpoints is for apply only/],
    [["apply", "--endpoint-readiness", "tcp"], /--endpoint-readiness needs --wait-endpoints/],
    [["apply", "--allow-external-probes"], /--allow-external-probes needs --check-reachability/],
    [["apply", "--parallelism", "zero"], /--parallelism: expected a whole number, got "zero"/],
    [["apply", "--wait-endpoints", "--endpoint-timeout", "soon"], /--endpoint-timeout: expected a positive number of seconds, got "soon"/],
  ];
  for (const [argv, re] of rows) assert.throws(() => parseCli(argv), (e: unknown) => e instanceof HandlerInputError && re.test(e.message), argv.join(" "));
  assert.throws(() => parseCli(["frobnicate"]), /expected one command \(validate, plan, apply, destroy, status, kubeconfig\), got frobnicate/);
  assert.throws(() => parseCli(["apply", "--no-such-flag"]), /no-such-flag/);
});
