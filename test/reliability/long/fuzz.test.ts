/**
 * Long form of the fuzzing: 3000 mutated plans through the CLI and 5000 random construct props, over
 * several seeds. npm run test:reliability.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fuzzPlans, fuzzProps } from "../fuzz";

for (const seed of [101, 202, 303]) {
  test(`fuzzed plans (1000 cases, seed ${seed}): exit 2, clear message, no API call`, { timeout: 10 * 60_000 }, async (t) => {
    const s = await fuzzPlans(1000, seed);
    t.diagnostic(`plan fuzz: ${JSON.stringify(s)}`);
    assert.equal(s.apiCalls, 0);
  });
}

for (const seed of [11, 22, 33, 44, 55]) {
  test(`fuzzed construct props (1000 cases, seed ${seed}): only ValidationError`, { timeout: 10 * 60_000 }, (t) => {
    const s = fuzzProps(1000, seed);
    t.diagnostic(`props fuzz: ${JSON.stringify(s)}`);
    assert.ok(s.built > 0 && s.rejected > 0);
  });
}
