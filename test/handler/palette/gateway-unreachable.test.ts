/**
 * The gateway through Palette applies its Jet and Ally manifests through the host cluster's API. When that API
 * does not answer, the step is refused with a message naming the cluster and what was refused — never done
 * blindly — and nothing after it happens in Palette (no cloud account), while the gateway stays registered
 * for the next run to continue.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { App } from "cdktf";
import { applyPlan } from "../../../lib/handler";
import { collectPlan } from "../../../lib/stack/collect";
import type { Plan } from "../../../lib/schema/plan";
import { withPalette, API_KEY } from "../../helpers/palette";
import { withTarget } from "../fixtures";
import { gatewayProgram } from "./gateway-program";
import { assertLoopbackOnly, guardLoopback } from "../loopback";

before(() => guardLoopback());
after(() => assertLoopbackOnly());

const DEFAULT_SEED_PATH = path.join(__dirname, "..", "..", "..", "lib", "emulator", "default-seed.json");
function program(): Plan {
  const { stack } = gatewayProgram(new App({ outdir: "/nonexistent-never-synthesized" }), "t-gwu");
  const { plan, issues } = collectPlan(stack);
  assert.deepEqual(issues, [], "the program is valid");
  return plan;
}

test("gateway through Palette: the host cluster's API does not answer → the manifests step is refused, no cloud account", { timeout: 120_000 }, async () => {
  await withTarget({ seedPath: DEFAULT_SEED_PATH }, async ({ h: pc, base }) => {
    await withPalette(async (h) => {
      const env = { ...base.env, PALETTE_API_KEY: API_KEY };
      const run = { ...base, env, paletteEndpoint: h.emu.url, kubePollMs: 20, palettePollMs: 30, gatewayTimeoutMs: 20_000 };
      const plan = program();
      // The host cluster first (its resources only), then its API goes away.
      const order = ["PrismCentralAccount", "KubeVipEndpoint", "NodePool", "NutanixCluster"];
      for (const r of plan.resources.filter((x) => order.includes(x.kind)).sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))) {
        const a = await applyPlan({ ...run, plan, resource: r.id });
        assert.equal(a.exitCode, 0, `${r.id}: ${JSON.stringify(a.resources.filter((x) => x.result !== "ok"))}`);
      }
      await pc.emu.kube.stop();
      const r = await applyPlan({ ...run, plan, resource: "t-gwu/gw", nodeReadyTimeoutMs: 300 });
      assert.notEqual(r.exitCode, 0);
      const row = r.resources.find((x) => x.id === "t-gwu/gw")!;
      assert.equal(row.result, "failed");
      assert.match(row.error ?? "", /gw-host/, "names the host cluster");
      assert.match(row.error ?? "", /apply the Jet and Ally manifests of PCG gw/, "names the refused step");
      const reqs = await h.requests();
      assert.equal(reqs.filter((q) => q.method === "POST" && q.path === "/v1/pcg/selfHosted").length, 1, "the gateway is registered");
      assert.ok(!reqs.some((q) => q.path.endsWith("/services/jet/manifest") || q.path.endsWith("/services/ally/manifest")), "no manifest fetched to be applied blindly");
      assert.ok(!reqs.some((q) => q.method === "POST" && q.path.startsWith("/v1/cloudaccounts")), "no cloud account before the gateway runs");
    });
  });
});
