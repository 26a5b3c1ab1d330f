/**
 * Short form (npm test) of the fuzzing: mutated plans through the handler CLI (validate and apply:
 * exit 2, a clear message, no stack trace, no API call), a few through the real bin as a child
 * process, and random construct props (only ValidationError).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount, ValidationError } from "../../lib";
import { BENCH_IMAGE, BENCH_PE, BENCH_SUBNET, estatePlan } from "../../bench/common";
import { tempDir, withEmulator } from "../helpers/emulator";
import { assertClearMessage, fuzzPlans, fuzzProps, mutatePlan } from "./fuzz";
import { runCli } from "./harness";

test("fuzzed plans: validate and apply exit 2 with a clear message and make no API call (150 cases)", { timeout: 60_000 }, async (t) => {
  const s = await fuzzPlans(150, 42);
  t.diagnostic(`plan fuzz: ${JSON.stringify(s)}`);
  assert.equal(s.apiCalls, 0);
  assert.ok(s.rejected > s.cases / 2, "most mutations are rejected");
});

test("the real bin on broken plans: exit 2, one clear line, no stack trace, no API call", { timeout: 180_000 }, async () => {
  const plan = estatePlan({ stack: "fz", clusters: 1, workerPools: 1, replicas: 1 });
  const dir = await tempDir("npc-rel-bin-");
  try {
    await withEmulator({ taskMs: 50 }, async (h) => {
      const cases: Record<string, string> = {
        truncated: mutatePlan(plan, { op: "truncate", path: [0], value: null, regen: false, at: 200, char: "" }),
        "wrong apiVersion": JSON.stringify({ ...plan, apiVersion: "v0" }),
        "edited spec": mutatePlan(plan, { op: "set", path: [2, 0, 3, 5], value: 99, regen: false, at: 0, char: "" }),
      };
      for (const [name, text] of Object.entries(cases)) {
        const f = path.join(dir, `${name.replace(/ /g, "-")}.json`);
        await fsp.writeFile(f, text);
        for (const cmd of ["validate", "apply"]) {
          const r = await runCli(h, [cmd, "--plan", f], { timeoutMs: 20_000 });
          assert.equal(r.code, 2, `${name} ${cmd}: ${r.stderr}`);
          assertClearMessage(r.stderr, `${name} ${cmd}`);
        }
      }
      assert.equal(h.emu.counters().total, 0);
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test("fuzzed construct props: built, or a ValidationError — never a TypeError (300 cases)", { timeout: 60_000 }, (t) => {
  const s = fuzzProps(300, 7);
  t.diagnostic(`props fuzz: ${JSON.stringify(s)}`);
  assert.ok(s.rejected > 0 && s.built > 0);
  assert.deepEqual(s.knownIssues, {});
});

// Defects the fuzz found, fixed; these keep them fixed.
const MACHINE = { vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB: 4, systemDiskGiB: 40, image: BENCH_IMAGE, cluster: BENCH_PE, subnets: [BENCH_SUBNET] };
function cluster(machine: object = MACHINE): NutanixCluster {
  const stack = new NutanixStack(new App({ outdir: "/nonexistent-never-synthesized" }), "fz");
  const account = new PrismCentralAccount(stack, "pc", { endpoint: "https://pc.example.com:9440", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  return new NutanixCluster(stack, "c1", { account, name: "c1", kubernetesVersion: "1.30.5", endpoint: { address: "10.40.0.10" }, controlPlane: { replicas: 1, machine: machine as typeof MACHINE } });
}

test("addNodePool('') is a ValidationError naming the field", () => {
  assert.throws(() => cluster().addNodePool("", { replicas: 1, machine: MACHINE }), ValidationError);
});

test("a huge memoryGiB is a ValidationError, not a TypeError at toPlan", () => {
  assert.throws(() => NutanixStack.of(cluster({ ...MACHINE, memoryGiB: 1e308 })).toPlan(), ValidationError);
});
