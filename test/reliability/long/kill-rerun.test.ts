/**
 * Long form: 100 kill-and-rerun cycles (each: apply, scale change, destroy; 1–2 SIGKILLs at seeded
 * random points before every final run). npm run test:reliability.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { killAndRerun } from "../harness";

test("100 cycles of SIGKILL during apply, scale-down and destroy, then re-run: no duplicate, no leak, unowned untouched", { timeout: 40 * 60_000 }, async (t) => {
  const stats = await killAndRerun({ cycles: 100, seed: 2026, maxKills: 2, taskMs: 150, killWindowMs: 1500, log: (l) => (/cycle (\d+)0\//.test(l) ? t.diagnostic(l) : undefined) });
  t.diagnostic(`kill-and-rerun: ${JSON.stringify(stats)}`);
  assert.equal(stats.cycles, 100);
  assert.ok(stats.killedMidRun >= 100, "most kills landed while the handler was working");
});
