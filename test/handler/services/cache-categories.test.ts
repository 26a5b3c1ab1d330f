/**
 * The run's one cache (RunCache) and the Categories service on it, against the emulator on loopback:
 * each key listed once, each missing key and value PUT exactly once however many callers ask at once,
 * a failed PUT retried by the next caller.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunCache } from "../../../lib/handler/services/cache";
import { Categories } from "../../../lib/handler/services/categories";
import { withEmulator } from "../../helpers/emulator";
import type { Counters } from "../../../lib/emulator";

test("RunCache: one computation per key; a failure is kept unless retryOnFailure", async () => {
  const cache = new RunCache();
  let calls = 0;
  const fn = async (): Promise<number> => ++calls;
  assert.equal(await cache.once("a", fn), 1);
  assert.equal(await cache.once("a", fn), 1);
  assert.equal(calls, 1);
  let failures = 0;
  const failing = (): Promise<number> => Promise.reject(new Error(`boom ${++failures}`));
  await assert.rejects(cache.once("kept", failing), /boom 1/);
  await assert.rejects(cache.once("kept", failing), /boom 1/, "the rejection is the run's answer");
  await assert.rejects(cache.once("retry", failing, { retryOnFailure: true }), /boom 2/);
  await new Promise((r) => setImmediate(r));
  await assert.rejects(cache.once("retry", failing, { retryOnFailure: true }), /boom 3/, "forgotten, so tried again");
  cache.set("a", Promise.resolve(42));
  assert.equal(await cache.once("a", fn), 42);
});

test("Categories: lists each key once, PUTs each missing key and value once, a second ensure writes nothing", async () => {
  await withEmulator({ taskMs: 20 }, async (h) => {
    const client = h.client();
    try {
      const cats = new Categories(new RunCache(), client);
      const route = (c: Counters, r: string): number => c.byRoute[r] ?? 0;
      const c0 = await h.admin<Counters>("GET", "/counters");
      assert.equal(await cats.has("NpcTestKey", "v1"), false);
      await Promise.all([cats.ensure({ NpcTestKey: "v1" }), cats.ensure({ NpcTestKey: "v1", NpcOther: "x" }), cats.ensure({ NpcTestKey: "v2" })]);
      const c1 = await h.admin<Counters>("GET", "/counters");
      const d = (r: string): number => route(c1, r) - route(c0, r);
      assert.equal(d("POST /categories/{key}/list"), 2, "each key listed once");
      assert.equal(d("PUT /categories/{key}"), 2, "each missing key PUT once");
      assert.equal(d("PUT /categories/{key}/{value}"), 3, "each missing value PUT once");
      assert.equal(await cats.has("NpcTestKey", "v2"), true, "the run knows what it created");
      await cats.ensure({ NpcTestKey: "v1", NpcOther: "x" });
      assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c1.writes, "nothing left to write");
    } finally {
      client.close();
    }
  });
});
