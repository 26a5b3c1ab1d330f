/**
 * Issue 15's done-when, against prism-emulator AND palette-emulator (both on loopback): a program with a PCG on a
 * directly built host cluster and a workload cluster through Palette (3 control-plane nodes, two worker pools)
 * applies — the PCG registered (`POST /v1/pcg/selfHosted`, cloud type nutanix), its Jet and Ally manifests applied to
 * the host cluster's API with the handler's own credential, the cloud account bound to it, the cluster created with
 * its cloud config, three pool configs and a profile; every request carries the API key (and ProjectUid where the
 * spec scopes it) and validates against the spec; a re-apply makes no Palette write; a scale-up PUTs the machine
 * pool; kubeconfig returns one; destroy deletes the cluster in Palette, then the cloud account and the gateway,
 * before the host cluster's VMs. No secret reaches the result, the log or the emulator's request log.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { App } from "cdktf";
import { NutanixCluster } from "../../lib";
import { gatewayProgram, MACHINE } from "./palette/gateway-program";
import { applyPlan, destroyPlan, planDiff } from "../../lib/handler";
import { kubeconfigCommand } from "../../lib/handler/palette/kubeconfig";
import { collectPlan } from "../../lib/stack/collect";
import type { Plan } from "../../lib/schema/plan";
import type { LoggedRequest } from "../../lib/palette-emulator";
import { withPalette, API_KEY } from "../helpers/palette";
import { PaletteSpec } from "../helpers/palette-spec";
import { listVms, withTarget } from "./fixtures";
import { assertLoopbackOnly, guardLoopback } from "./loopback";

before(() => guardLoopback());
after(() => assertLoopbackOnly());

const DEFAULT_SEED_PATH = path.join(__dirname, "..", "..", "lib", "emulator", "default-seed.json");
const SENTINELS = { user: "SENTINEL-user-77a1", password: "SENTINEL-pass-2c9e" };
function program(generalReplicas = 2): Plan {
  const app = new App({ outdir: "/nonexistent-never-synthesized" });
  const { stack, pc, gateway: gw } = gatewayProgram(app, "t-pal");
  new NutanixCluster(stack, "web", {
    account: pc, name: "web", kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.20" },
    controlPlane: { replicas: 3, machine: MACHINE },
    workers: [{ name: "general", replicas: generalReplicas, machine: MACHINE }, { name: "big", replicas: 1, machine: { ...MACHINE, memoryGiB: 16 } }],
    palette: { gateway: gw, profile: "nutanix-k8s-1.30" },
  });
  const { plan, issues } = collectPlan(stack);
  assert.deepEqual(issues, [], "the program is valid");
  return plan;
}

const header = (r: LoggedRequest, name: string): string | undefined => Object.entries(r.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
const writes = (rs: LoggedRequest[]): LoggedRequest[] => rs.filter((r) => r.method !== "GET" && !(r.method === "POST" && (r.path.endsWith("/search") || r.path.endsWith("/validate"))));

test("PCG on a directly built host + a cluster through Palette: apply, re-apply, scale, kubeconfig, destroy", { timeout: 180_000 }, async () => {
  await withTarget({ seedPath: DEFAULT_SEED_PATH, users: [{ username: SENTINELS.user, password: SENTINELS.password }] }, async ({ h: pc, base }) => {
    await withPalette(async (h) => {
      const env = { ...base.env, NUTANIX_USERNAME: SENTINELS.user, NUTANIX_PASSWORD: SENTINELS.password, PALETTE_API_KEY: API_KEY };
      const run = { ...base, env, paletteEndpoint: h.emu.url, kubePollMs: 20, palettePollMs: 30, gatewayTimeoutMs: 20_000 };
      const spec = new PaletteSpec();
      // plan: what would change in Palette (reads only).
      const p = await planDiff({ ...run, plan: program(), resource: "t-pal/gw" });
      const gwDiff = p.diffs.find((x) => x.id === "t-pal/gw")!;
      assert.deepEqual(gwDiff.errors, []);
      assert.deepEqual(gwDiff.changes.filter((c) => c.field.startsWith("palette.")).map((c) => c.field), ["palette.gateway", "palette.gateway.manifests", "palette.cloudAccount"]);
      assert.deepEqual(writes(await h.requests()), [], "plan writes nothing to Palette");
      await h.clearRequests();

      const lines: string[] = [];
      const r = await applyPlan({ ...run, plan: program(), log: (l) => lines.push(l) });
      assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok"), null, 2));
      assert.match(r.resources.find((x) => x.id === "t-pal/gw")!.detail ?? "", /Palette: gateway \w+ registered, Jet and Ally applied \(\d+ object\(s\)\), gateway Running and Healthy, cloud account \w+ created/);

      const reqs = await h.requests();
      const create = reqs.filter((q) => q.method === "POST" && q.path === "/v1/pcg/selfHosted");
      assert.equal(create.length, 1);
      assert.deepEqual(create[0]!.body, { name: "gw", cloudType: "nutanix" });
      const overlord = (await h.raw("GET", "/v1/overlords?name=gw")).json as { items: Array<{ metadata: { uid: string }; status: { state: string; health: { state: string } } }> };
      const uid = overlord.items[0]!.metadata.uid;
      assert.equal(overlord.items[0]!.status.state, "Running");
      assert.ok(reqs.some((q) => q.method === "GET" && q.path === `/v1/pcg/${uid}/services/jet/manifest`));
      assert.ok(reqs.some((q) => q.method === "GET" && q.path === `/v1/pcg/${uid}/services/ally/manifest`));
      const acct = reqs.filter((q) => q.method === "POST" && q.path === "/v1/cloudaccounts/cloudTypes/nutanix");
      assert.equal(acct.length, 1);
      const ab = acct[0]!.body as { metadata: { name: string; annotations: Record<string, string> }; spec: { credentials: Record<string, string> } };
      assert.equal(ab.metadata.name, "gw");
      assert.equal(ab.metadata.annotations.overlordUid, uid, "the account is bound to the gateway");
      assert.deepEqual(Object.keys(ab.spec.credentials).sort(), ["NUTANIX_ENDPOINT", "NUTANIX_INSECURE", "NUTANIX_PASSWORD", "NUTANIX_PORT", "NUTANIX_USER"]);
      assert.equal(ab.spec.credentials.NUTANIX_ENDPOINT, "pc.dc1.example.com");
      assert.equal(ab.spec.credentials.NUTANIX_USER, SENTINELS.user);
      assert.equal(ab.spec.credentials.NUTANIX_PASSWORD, "***", "the request log masks the password");
      const cl = reqs.filter((q) => q.method === "POST" && q.path === "/v1/spectroclusters/cloudTypes/nutanix");
      assert.equal(cl.length, 1);
      const cb = cl[0]!.body as { spec: { cloudType: string; cloudConfig: { values: string }; machinepoolconfig: unknown[]; profiles: Array<{ uid: string }>; cloudAccountUid: string } };
      assert.equal(cb.spec.cloudType, "nutanix");
      assert.match(cb.spec.cloudConfig.values, /kind: NutanixCluster/);
      assert.equal(cb.spec.machinepoolconfig.length, 3, "control plane + two worker pools");
      assert.equal(cb.spec.profiles.length, 1);
      for (const q of reqs) {
        assert.deepEqual(spec.validateRequest({ ...q }), [], `${q.method} ${q.path} validates against the spec`);
        assert.equal(header(q, "ApiKey"), "***", `${q.method} ${q.path} carries the ApiKey (masked in the log)`);
        const scoped = /^\/v1\/(spectroclusters|cloudconfigs|cloudaccounts)\b/.test(q.path);
        if (scoped) assert.ok(header(q, "ProjectUid"), `${q.method} ${q.path} carries ProjectUid`);
        if (/^\/v1\/(pcg|overlords)\b/.test(q.path)) assert.equal(header(q, "ProjectUid"), undefined, `${q.method} ${q.path} is tenant-level`);
      }

      // The Jet and Ally objects are in the host cluster, applied with the handler's own admin credential.
      const model = pc.emu.kube.model("10.20.0.10:6443")!;
      const cms = model.objects.list("", "configmaps").map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
      assert.deepEqual(cms, [`cluster-${uid}/ally-config`, "jet-system/jet-config"]);

      const text = JSON.stringify(r) + lines.join("\n") + JSON.stringify(reqs);
      for (const s of [SENTINELS.password, API_KEY]) assert.ok(!text.includes(s), "no secret in the result, log or request log");

      // Re-apply: no Palette write.
      await h.clearRequests();
      const again = await applyPlan({ ...run, plan: program() });
      assert.equal(again.exitCode, 0, JSON.stringify(again.resources.filter((x) => x.result !== "ok")));
      assert.deepEqual(writes(await h.requests()).map((q) => `${q.method} ${q.path}`), [], "re-apply writes nothing to Palette");

      // Scale-up: one PUT of the machine pool.
      await h.clearRequests();
      const bigger = await applyPlan({ ...run, plan: program(3) });
      assert.equal(bigger.exitCode, 0, JSON.stringify(bigger.resources.filter((x) => x.result !== "ok")));
      const w = writes(await h.requests());
      assert.equal(w.length, 1, w.map((q) => `${q.method} ${q.path}`).join(", "));
      assert.match(`${w[0]!.method} ${w[0]!.path}`, /^PUT \/v1\/cloudconfigs\/cloudTypes\/nutanix\/[^/]+\/machinePools\/web-general$/);

      const kc = await kubeconfigCommand({ plan: program(3), cluster: "t-pal/web", paletteEndpoint: h.emu.url, env });
      assert.match(kc, /apiVersion: v1[\s\S]*kind: Config/);

      // Destroy: the cluster in Palette, then the account, then the gateway; then the VMs.
      await h.clearRequests();
      const d = await destroyPlan({ ...run, plan: program(3), yes: true, palettePollMs: 30 });
      assert.equal(d.exitCode, 0, JSON.stringify(d.resources.filter((x) => x.result !== "ok"), null, 2));
      const deletes = (await h.requests()).filter((q) => q.method === "DELETE").map((q) => q.path.replace(/[0-9a-f]{24}/g, "<uid>"));
      assert.deepEqual(deletes, ["/v1/spectroclusters/<uid>", "/v1/cloudaccounts/cloudTypes/nutanix/<uid>", "/v1/overlords/<uid>"]);
      assert.equal((await listVms(pc)).filter((v) => v.metadata.categories?.NpcStack === "t-pal").length, 0, "the host cluster's VMs are gone");
    }, { stepMs: 40 });
  });
});
