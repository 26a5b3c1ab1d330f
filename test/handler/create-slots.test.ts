/**
 * A joining VM's create waits for its bootstrap secrets (which wait for the control plane) without holding
 * one of the run's reservation slots (`Writes.ahead`): when the workers' creates start before the control
 * plane's, the control plane still gets a slot. Before, the workers took every slot while they waited and
 * the run hung (seen under faults in the long reliability suite). The control plane is held back by a
 * loopback proxy that delays its pool's category value PUT.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../lib/handler";
import { listVms, makePlan, stackVmNames, withTarget } from "./fixtures";
import { startProxy, type LoopbackProxy } from "../helpers/proxy";

/** Forwards to `target`, holding back the requests `hold` names by `delayMs`. */
async function delayingProxy(target: string, hold: (method: string, path: string) => boolean, delayMs: number): Promise<LoopbackProxy & { held: () => number }> {
  let held = 0;
  const proxy = await startProxy(target, { delayMs: (m, p) => (hold(m, p) ? (held++, delayMs) : 0) });
  return { ...proxy, held: () => held };
}

test("workers that start before the control plane wait for it without taking its reservation slot", { timeout: 60_000 }, async () => {
  await withTarget({}, async ({ h, base }) => {
    const proxy = await delayingProxy(h.emu.url, (m, p) => m === "PUT" && p.endsWith("/categories/NpcPool/cp"), 1500);
    try {
      const plan = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 2 }] });
      const r = await applyPlan({ ...base, endpoint: proxy.url, plan, parallelism: 1, nodeReadyTimeoutMs: 20_000 });
      assert.equal(proxy.held(), 1, "the control plane's pool value was held back");
      assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok"), null, 2));
      assert.deepEqual(stackVmNames(await listVms(h)), ["web-cp-1", "web-md-1", "web-md-2"]);
    } finally {
      await proxy.stop();
    }
  });
});
