/** write-check.ts: a run with nothing to write never touches the Prism Central lock record. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Counters } from "../../lib/emulator";
import { applyPlan, destroyPlan } from "../../lib/handler";
import { makePlan, withTarget } from "./fixtures";

test("a destroy of a stack that owns nothing, and a converged re-apply, make 0 writes (no lock record); a writing apply takes and removes it", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan();
    const c0 = await h.admin<Counters>("GET", "/counters");
    const d = await destroyPlan({ ...base, plan, yes: true });
    assert.equal(d.exitCode, 0, JSON.stringify(d.resources));
    const c1 = await h.admin<Counters>("GET", "/counters");
    assert.equal(c1.writes, c0.writes, "nothing owned: nothing written, not even the lock record");
    assert.equal((await applyPlan({ ...base, plan })).exitCode, 0);
    const c2 = await h.admin<Counters>("GET", "/counters");
    assert.equal((c2.byRoute["DELETE /categories/{key}/{value}"] ?? 0) - (c1.byRoute["DELETE /categories/{key}/{value}"] ?? 0), 1, "the writing apply released its record");
    const state = await h.admin<{ categories: Record<string, { values: Record<string, unknown> }> }>("GET", "/state");
    assert.deepEqual(Object.keys(state.categories.NpcLock?.values ?? {}), [], "no record left behind");
    assert.equal((await applyPlan({ ...base, plan })).exitCode, 0);
    assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c2.writes, "converged: 0 writes");
  });
});
