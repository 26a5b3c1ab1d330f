/**
 * `nutanix-handler kubeconfig --cluster <PaletteCluster id>` against palette-emulator (loopback): Palette's admin
 * kubeconfig on stdout (`GET …/assets/adminKubeconfig`, only GETs and the read-only search), never on stderr;
 * a cluster Palette does not have is exit 1 saying so; an id of neither cluster kind is exit 2 listing both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../../lib/handler/cli";
import { paletteClusterKubeconfig } from "../../../lib/handler/palette/kubeconfig";
import type { Plan } from "../../../lib/schema/plan";
import { withPalette, API_KEY, clusterEntity, until, type PaletteHarness } from "../../helpers/palette";
import { tempDir } from "../../helpers/emulator";
import { addPaletteCluster, paletteStack } from "../../helpers/palette-fixtures";

function planFile(dir: string): { file: string; plan: Plan; id: string } {
  const st = paletteStack();
  addPaletteCluster(st, "web", {});
  const plan = st.stack.toPlan();
  const file = path.join(dir, "nutanix-plan.json");
  fs.writeFileSync(file, JSON.stringify(plan));
  return { file, plan, id: plan.resources.find((r) => r.kind === "PaletteCluster")!.id };
}

/** Creates cluster "web" in the emulator and waits until Palette serves its kubeconfig. */
async function runningCluster(h: PaletteHarness): Promise<string> {
  const c = h.client({ project: "Default" });
  try {
    const pcg = await c.pcg.ensureSelfHosted("pcg");
    const accountUid = await c.accounts.create({ name: "pcg", overlordUid: pcg.overlordUid, credentials: { NUTANIX_USER: "u", NUTANIX_PASSWORD: "p", NUTANIX_ENDPOINT: "pc.example.com", NUTANIX_PORT: "9440", NUTANIX_INSECURE: "false" } });
    const profile = await c.profiles.uidByName("nutanix-k8s-1.30");
    const uid = await c.clusters.create(clusterEntity("web", accountUid, profile));
    await until(async () => ((await c.clusters.get(uid))?.status?.state === "Running" ? true : undefined), 10_000, 20);
    return uid;
  } finally {
    c.close();
  }
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false });
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    process.env = saved;
  }
}

test("kubeconfig of a PaletteCluster: Palette's admin kubeconfig on stdout, reads only, nothing on stderr", { timeout: 60_000 }, async () => {
  await withPalette(async (h) => {
    const dir = await tempDir("npc-palkc-");
    const { file, id } = planFile(dir);
    const uid = await runningCluster(h);
    await h.clearRequests();
    const r = await cli(["kubeconfig", "--plan", file, "--cluster", id, "--palette-endpoint", h.emu.url], { PALETTE_API_KEY: API_KEY });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /apiVersion: v1[\s\S]*kind: Config/);
    assert.match(r.out, /server: https:\/\/10\.0\.0\.50:6443/, "the emulator's kubeconfig points at the cloud config's control-plane endpoint");
    assert.equal(r.err, "");
    const reqs = await h.requests();
    assert.ok(reqs.some((q) => q.method === "GET" && q.path === `/v1/spectroclusters/${uid}/assets/adminKubeconfig`));
    assert.ok(reqs.every((q) => q.method === "GET" || q.path.endsWith("/search")), "reads only");
    assert.ok(reqs.every((q) => Object.keys(q.headers).some((k) => k.toLowerCase() === "apikey")), "every request carries the key");
    const client = await paletteClusterKubeconfig({ plan: file, cluster: id, kind: "client", paletteEndpoint: h.emu.url, env: { PALETTE_API_KEY: API_KEY } });
    assert.match(client, /kind: Config/);
    assert.ok((await h.requests()).some((q) => q.path === `/v1/spectroclusters/${uid}/assets/kubeconfigclient`));
  });
});

test("kubeconfig of a PaletteCluster Palette does not have: exit 1 saying to apply; an unknown id: exit 2 listing both kinds", { timeout: 60_000 }, async () => {
  await withPalette(async (h) => {
    const dir = await tempDir("npc-palkc-");
    const { file, id } = planFile(dir);
    const missing = await cli(["kubeconfig", "--plan", file, "--cluster", id, "--palette-endpoint", h.emu.url], { PALETTE_API_KEY: API_KEY });
    assert.equal(missing.code, 1);
    assert.equal(missing.out, "");
    assert.match(missing.err, new RegExp(`${id}: Palette has no cluster "web": run nutanix-handler apply first`));
    assert.ok(!missing.err.includes(API_KEY));
    const unknown = await cli(["kubeconfig", "--plan", file, "--cluster", "dc1/nope", "--palette-endpoint", h.emu.url], { PALETTE_API_KEY: API_KEY });
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--cluster dc1\/nope: expected the id of a NutanixCluster or PaletteCluster in the plan; known: .*\(NutanixCluster\).*\(PaletteCluster\)/);
  });
});
