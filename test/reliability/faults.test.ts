/**
 * Short form (npm test) of apply under injected faults: 10 % 5xx, 5 % resets, 429 bursts, 2 % failed
 * tasks. Apply converges (re-run at most 4 times, as a user would), exactly the desired VMs exist,
 * no duplicates, unowned VMs untouched, and a re-apply writes nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyUnderFaults } from "./harness";

test("apply under 10 % 5xx, 5 % resets, 429 bursts and 2 % failed tasks converges (16 VMs)", { timeout: 60_000 }, async (t) => {
  const s = await applyUnderFaults({ estate: { stack: "relf", clusters: 1, workerPools: 3, replicas: 5 }, seed: 5, maxRuns: 4, failNextTasks: 1 });
  t.diagnostic(`faults: ${JSON.stringify(s)}`);
  assert.equal(s.vms, 16);
  assert.ok(s.faults.taskFailed >= 1, "a task failed and the re-run recovered");
  assert.ok(s.runs >= 1 && s.runs <= 4);
  assert.ok(s.retries > 0, "faults were injected and retried");
  assert.ok(s.faults["500"] + s.faults["503"] + s.faults.reset > 0);
});
