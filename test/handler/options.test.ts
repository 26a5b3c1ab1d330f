/**
 * The one run-settings schema (RunSettingsSchema): defaults, and a clear HandlerInputError naming the
 * flag, what was expected and what was given, for the programmatic API and the CLI alike.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRunSettings } from "../../lib/handler/options";
import { HandlerInputError } from "../../lib/handler/errors";
import { DEFAULT_ENDPOINT_POLL } from "../../lib/handler/endpoints";

test("run settings: defaults fill every field", () => {
  const s = parseRunSettings({});
  assert.deepEqual(s, {
    parallelism: 10,
    prune: true,
    waitEndpoints: false,
    endpointTimeoutMs: 600_000,
    endpointReadiness: "auto",
    endpointPoll: DEFAULT_ENDPOINT_POLL,
    checkReachability: false,
    allowExternalProbes: false,
    probeTimeoutMs: 5000,
    requestTimeoutMs: 30_000,
    taskTimeoutMs: 1_800_000,
    nodeReadyTimeoutMs: 1_200_000,
    drainTimeoutMs: 600_000,
    kubePollMs: 500,
    gatewayTimeoutMs: 1_800_000,
    palettePollMs: 10_000,
    approveRepave: false,
    yes: false,
  });
  assert.deepEqual(parseRunSettings({ endpointPoll: { initialDelayMs: 10 } }).endpointPoll, { ...DEFAULT_ENDPOINT_POLL, initialDelayMs: 10 });
  assert.equal(parseRunSettings({ parallelism: 1000, prune: false }).parallelism, 1000);
});

test("run settings: each bad value is a HandlerInputError naming the flag, the expectation and the value", () => {
  const rows: Array<[Record<string, unknown>, RegExp]> = [
    [{ parallelism: 0 }, /^--parallelism: expected a whole number from 1 to 1000, got 0$/],
    [{ gatewayTimeoutMs: 0 }, /^--gateway-timeout: expected a positive duration such as 30m, got 0 ms$/],
    [{ approveRepave: "yes" }, /^--approve-repave: expected true or false, got "yes"$/],
    [{ parallelism: 1.5 }, /^--parallelism: expected a whole number from 1 to 1000, got 1\.5$/],
    [{ parallelism: 1001 }, /^--parallelism: expected a whole number from 1 to 1000, got 1001$/],
    [{ parallelism: "10" }, /^--parallelism: expected a whole number from 1 to 1000, got "10"$/],
    [{ endpointTimeoutMs: 0 }, /^--endpoint-timeout: expected a positive number of seconds, got 0$/],
    [{ endpointTimeoutMs: -1500 }, /^--endpoint-timeout: expected a positive number of seconds, got -1\.5$/],
    [{ endpointReadiness: "ping" }, /^--endpoint-readiness: expected one of auto, emulator, tcp, got "ping"$/],
    [{ generation: "abc" }, /^--generation: expected 64 hex characters \(a plan generation\), got "abc"$/],
    [{ waitEndpoints: "yes" }, /^--wait-endpoints: expected true or false, got "yes"$/],
    [{ probeTimeoutMs: -1 }, /^probeTimeoutMs: expected a positive number of milliseconds$/],
  ];
  for (const [input, re] of rows) {
    assert.throws(() => parseRunSettings(input), (e: unknown) => e instanceof HandlerInputError && re.test(e.message), JSON.stringify(input));
  }
});

test("run settings: several bad values are all reported", () => {
  assert.throws(() => parseRunSettings({ parallelism: 0, endpointReadiness: "x" }), (e: unknown) => e instanceof HandlerInputError && /--parallelism/.test(e.message) && /--endpoint-readiness/.test(e.message));
});
