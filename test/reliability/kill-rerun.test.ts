/**
 * Short form (npm test) of kill-and-rerun: the handler CLI as a real child process, SIGKILLed at
 * seeded random points during apply (create and scale-down) and destroy, then re-run to completion:
 * no duplicate VM, no leaked VM, unowned VMs untouched. The long form runs 100 cycles. Each cycle ends
 * with a destroy and the next one builds the cluster again at the same VIP with a new cluster CA (the
 * emulator drops a cluster whose machines are all deleted, lib/emulator/kube-side.ts). About 25 s a cycle
 * (a final apply makes the cluster PKI and waits for its nodes), so the timeout is generous (300 s).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { killAndRerun } from "./harness";

test("SIGKILL at random points during apply and destroy, then re-run: no duplicate, no leak, unowned untouched (5 cycles)", { timeout: 300_000 }, async (t) => {
  const stats = await killAndRerun({ cycles: 5, seed: 8, taskMs: 120, killWindowMs: 1200 });
  assert.equal(stats.cycles, 5);
  t.diagnostic(`kill-and-rerun: ${JSON.stringify(stats)}`);
  assert.ok(stats.killedMidRun > 0, `at least one kill landed mid-run: ${JSON.stringify(stats)}`);
});
