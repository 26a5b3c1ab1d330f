/**
 * Long form: 100 kill-and-rerun cycles (each: apply, scale change, destroy; 1–2 SIGKILLs at seeded
 * points before every final run). Each kill is triggered by observed progress, not a timer: the k-th write
 * the emulator saw from that process (seeded k), so at least 90 % of the kills land mid-run.
 * npm run test:reliability.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { killAndRerun } from "../harness";

test("100 cycles of SIGKILL during apply, scale-down and destroy, then re-run: no duplicate, no leak, unowned untouched", { timeout: 40 * 60_000 }, async (t) => {
  const stats = await killAndRerun({ cycles: 100, seed: 2026, maxKills: 2, taskMs: 150, trigger: "writes", log: (l) => (/cycle (\d+)0\//.test(l) ? t.diagnostic(l) : undefined) });
  t.diagnostic(`kill-and-rerun: ${JSON.stringify(stats)}`);
  assert.equal(stats.cycles, 100);
  assert.ok(stats.killedMidRun >= 100, "most kills landed while the handler was working");
  assert.ok(stats.killedMidRun >= 0.9 * stats.kills, `at least 90 % of the kills landed mid-run: ${JSON.stringify(stats)}`);
});
