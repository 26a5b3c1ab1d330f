/**
 * Long form: apply of 100 VMs (10 pools × 10) under 10 % 5xx, 5 % resets, 429 bursts and 2 % failed
 * tasks, for several fault seeds; converges within 6 runs each. npm run test:reliability.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyUnderFaults } from "../harness";

for (const seed of [1, 2, 3]) {
  test(`apply of 100 VMs under faults converges (fault seed ${seed})`, { timeout: 10 * 60_000 }, async (t) => {
    const s = await applyUnderFaults({ estate: { stack: `relf${seed}`, clusters: 1, workerPools: 10, replicas: 10 }, seed, maxRuns: 6, taskMs: 200 });
    t.diagnostic(`faults: ${JSON.stringify(s)}`);
    assert.equal(s.vms, 101);
    assert.ok(s.retries > 0);
  });
}
