/**
 * Category key existence (issue 12, item 4): what `POST /categories/{missing key}/list` answers on a real Prism
 * Central is not documented (the emulator answers 404; CAPX and terraform-provider-nutanix ask
 * `GET /categories/{key}`, 404 ENTITY_NOT_FOUND when missing). A loopback proxy turns those 404s into a
 * 200 with no values: a first apply still creates every key it needs (asked through GET /categories/{key})
 * and converges, and a re-apply makes zero writes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../lib/handler";
import type { Counters } from "../../lib/emulator";
import { listVms, makePlan, stackVmNames, withTarget } from "./fixtures";
import { startProxy, type LoopbackProxy } from "../helpers/proxy";

/** Forwards to `target`; a 404 answer to `POST …/categories/{key}/list` becomes 200 with an empty list. */
async function emptyListProxy(target: string): Promise<LoopbackProxy & { rewritten: () => number }> {
  let rewritten = 0;
  const proxy = await startProxy(target, {
    answer: (req, up, res) => {
      if (!(up.statusCode === 404 && req.method === "POST" && /\/categories\/[^/]+\/list$/.test(req.url ?? ""))) return false;
      up.resume();
      rewritten++;
      const body = JSON.stringify({ api_version: "3.1", metadata: { kind: "category", length: 0, offset: 0, total_matches: 0 }, entities: [] });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
      return true;
    },
  });
  return { ...proxy, rewritten: () => rewritten };
}

test("a missing key's list answered 200 with no values: the keys are found missing through GET /categories/{key}, created, and the run converges", { timeout: 60_000 }, async () => {
  await withTarget({}, async ({ h, base }) => {
    const proxy = await emptyListProxy(h.emu.url);
    try {
      const plan = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
      const r = await applyPlan({ ...base, endpoint: proxy.url, plan, kubePollMs: 20 });
      assert.ok(proxy.rewritten() > 0, "the proxy answered some missing key's list with an empty one");
      assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok"), null, 2));
      assert.deepEqual(stackVmNames(await listVms(h)), ["web-cp-1", "web-md-1"]);
      const vm = (await listVms(h)).find((v) => v.spec.name === "web-md-1")!;
      for (const k of ["NpcIdentity", "NpcStack", "NpcResource", "NpcPool"]) assert.ok(vm.metadata.categories?.[k], `${k} on the VM`);
      const before = await h.admin<Counters>("GET", "/counters");
      const again = await applyPlan({ ...base, endpoint: proxy.url, plan, kubePollMs: 20 });
      const after = await h.admin<Counters>("GET", "/counters");
      assert.equal(again.exitCode, 0, JSON.stringify(again.resources, null, 2));
      assert.equal(after.writes - before.writes, 0, "a converged re-apply makes zero writes");
    } finally {
      await proxy.stop();
    }
  });
});
