/**
 * npm run demo: the whole path on a bare machine, against the embedded Prism Central emulator.
 *
 *  1. starts the emulator on a loopback port (the embedded default target);
 *  2. synthesizes examples/pcg-on-nutanix (cdk.tf.json, nutanix-plan.json, manifests/) and prints the plan;
 *  3. runs `nutanix-handler apply` on the plan, as a real child process (cdktf deploy runs the same
 *     command once per resource through the synthesized local-exec provisioners);
 *  4. lists the VMs Prism Central now has;
 *  5. re-applies and shows that nothing changes (zero API writes, counted by the emulator);
 *  6. the Palette path (examples/palette-clusters) against palette-emulator as well: the PCG registered in
 *     Palette (its Jet and Ally manifests applied to its host cluster's API), its cloud account bound to it, a
 *     workload cluster created through Palette, then scaled (one machine-pool PUT), then a re-apply with no
 *     Palette write — run in this process (applyPlan) so that Palette is polled every 200 ms, not every 10 s;
 *  7. stops the emulators.
 * Nothing is dialled but 127.0.0.1: the example's addresses (pc.dc1.example.com, 10.20.0.10) are data.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildApp } from "../examples/pcg-on-nutanix/main";
import { buildApp as buildPaletteApp } from "../examples/palette-clusters/main";
import { applyPlan } from "../lib/handler";
import { startPaletteEmulator, type LoggedRequest, type PaletteEmulator } from "../lib/palette-emulator";
import { generationOf } from "../lib/plan/canonical";
import { startEmulator, type RunningEmulator } from "../lib/emulator";
import { formatTable } from "../lib/handler/progress";
import { loadPlanFile } from "../lib/plan/load";
import { PrismClient } from "../lib/prism";
import { PLAN_FILE_NAME, type Plan } from "../lib/schema/plan";

/** Where the demo synthesizes and keeps the emulator's state. */
export const DEMO_DIR = path.join(__dirname, "..", ".tmp", "demo");
const HANDLER = path.join(__dirname, "..", "bin", "nutanix-handler.js");

/** Synthesizes the example into a fresh `outdir`; returns the stack's synth directory. */
export function synthesizeExample(outdir: string, build: typeof buildApp = buildApp): string {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const { app, stack } = build(outdir);
  app.synth();
  return path.join(outdir, "stacks", stack.node.id);
}

/** The plan as rows: id, kind, dependencies, short generation. */
export function planRows(plan: Plan): string[][] {
  return plan.resources.map((r) => [r.id, r.kind, r.dependsOn.map((d) => d.replace(`${plan.metadata.stack}/`, "")).join(", ") || "-", r.generation.slice(0, 12)]);
}

/** Runs the handler CLI as a child process with the emulator as target; resolves to its exit code. */
export function runHandler(args: readonly string[], emu: RunningEmulator, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HANDLER, ...args, "--endpoint", emu.url], {
      cwd,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NUTANIX_USERNAME: emu.username, NUTANIX_PASSWORD: emu.password, PALETTE_API_KEY: process.env.PALETTE_API_KEY ?? "demo-key-not-used" },
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** The VMs of Prism Central as rows: name, power, IP, PE cluster, owner (stack/resource category). */
export async function vmRows(emu: RunningEmulator): Promise<string[][]> {
  const client = new PrismClient({ endpoint: emu.url, username: emu.username, password: emu.password });
  try {
    const vms = await client.listAll("vms");
    return vms
      .map((v) => {
        const r = v.status?.resources;
        const ip = r?.nic_list?.flatMap((n) => n.ip_endpoint_list ?? []).map((e) => e.ip).join(", ") ?? "";
        const cats = v.metadata.categories ?? {};
        const owner = cats.NpcStack ? `${cats.NpcStack} / ${cats.NpcCluster ?? ""}${cats.NpcPool ? `/${cats.NpcPool}` : ""}` : "(not ours)";
        return [v.spec.name, String(r?.power_state ?? ""), ip, v.spec.cluster_reference?.name ?? v.status?.cluster_reference?.name ?? "", owner];
      })
      .sort((a, b) => ((a[0] ?? "") < (b[0] ?? "") ? -1 : 1));
  } finally {
    client.close();
  }
}

async function writes(emu: RunningEmulator): Promise<number> {
  return (await emu.counters()).writes;
}

/** The demo's Palette API key (palette-emulator accepts only it; it is never printed). */
const PALETTE_DEMO_KEY = "demo-palette-key-0b7e";

async function paletteGet<T>(pal: PaletteEmulator, p: string, project?: string): Promise<T> {
  const r = await fetch(new URL(p, pal.url), { headers: { ApiKey: PALETTE_DEMO_KEY, ...(project ? { ProjectUid: project } : {}) } });
  return (await r.json()) as T;
}

/** The Palette requests since the last clear that write (not GET, search or validate). */
async function paletteWrites(pal: PaletteEmulator): Promise<LoggedRequest[]> {
  const all = await paletteGet<LoggedRequest[]>(pal, "/_emulator/requests");
  return all.filter((r) => r.method !== "GET" && !(r.method === "POST" && (r.path.endsWith("/search") || r.path.endsWith("/validate"))));
}

async function clearPaletteLog(pal: PaletteEmulator): Promise<void> {
  await fetch(new URL("/_emulator/requests", pal.url), { method: "DELETE", headers: { ApiKey: PALETTE_DEMO_KEY } });
}

/** The plan with the PaletteCluster's `general` pool at `replicas` (its generation recomputed, as synth would). */
function scaled(plan: Plan, replicas: number): Plan {
  const resources = plan.resources.map((r) => {
    if (r.kind !== "PaletteCluster") return r;
    const spec = { ...r.spec, workers: r.spec.workers.map((w) => (w.name === "general" ? { ...w, replicas } : w)) };
    return { ...r, spec, generation: generationOf(spec) };
  });
  return { ...plan, resources };
}

/** Step 6: the Palette path against both emulators; true when every run converged as expected. */
async function palettePath(emu: RunningEmulator): Promise<boolean> {
  const pal = await startPaletteEmulator({ apiKey: PALETTE_DEMO_KEY, stepMs: 300 });
  try {
    const stackDir = synthesizeExample(path.join(DEMO_DIR, "palette.out"), buildPaletteApp);
    const plan = loadPlanFile(path.join(stackDir, PLAN_FILE_NAME));
    console.log(`\n== 6. Through Palette: palette-emulator on ${pal.url}; examples/palette-clusters (${plan.resources.length} resources)`);
    const run = {
      endpoint: emu.url,
      paletteEndpoint: pal.url,
      env: { ...process.env, NUTANIX_USERNAME: emu.username, NUTANIX_PASSWORD: emu.password, PALETTE_API_KEY: PALETTE_DEMO_KEY },
      palettePollMs: 200,
      kubePollMs: 100,
      gatewayTimeoutMs: 60_000,
      outputDir: stackDir,
      // Both examples are stack dc1 of the same project: keep step 3's VMs (they are not in this plan).
      prune: false,
    };
    const show = (rows: readonly { id: string; result: string; detail?: string; error?: string }[]): void => {
      for (const r of rows) if (/\/(pcg|web)$/.test(r.id)) console.log(`   ${r.id}: ${r.result}: ${r.detail ?? r.error ?? ""}`);
    };
    const first = await applyPlan({ ...run, plan });
    show(first.resources);
    const gw = await paletteGet<{ items: Array<{ metadata: { name: string; uid: string }; status: { state: string; health?: { state: string } } }> }>(pal, "/v1/overlords");
    const project = (await paletteGet<{ items: Array<{ metadata: { uid: string } }> }>(pal, "/v1/dashboard/projects/metadata?name=Default")).items[0]?.metadata.uid;
    const accounts = await paletteGet<{ items: Array<{ metadata: { name: string; uid: string; annotations: Record<string, string> } }> }>(pal, "/v1/cloudaccounts/cloudTypes/nutanix", project);
    console.log(formatTable(["PALETTE GATEWAY", "UID", "STATE", "HEALTH"], gw.items.map((o) => [o.metadata.name, o.metadata.uid, o.status.state, o.status.health?.state ?? ""])));
    console.log(formatTable(["CLOUD ACCOUNT", "UID", "BOUND TO GATEWAY"], accounts.items.map((a) => [a.metadata.name, a.metadata.uid, a.metadata.annotations.overlordUid ?? ""])));

    console.log("\n   scale: pool general 3 → 4 through Palette");
    await clearPaletteLog(pal);
    const bigger = await applyPlan({ ...run, plan: scaled(plan, 4) });
    show(bigger.resources);
    const w = await paletteWrites(pal);
    console.log(`   Palette writes: ${w.map((r) => `${r.method} ${r.path}`).join(", ") || "none"}`);

    await clearPaletteLog(pal);
    const again = await applyPlan({ ...run, plan: scaled(plan, 4) });
    const extra = (await paletteWrites(pal)).length;
    console.log(`   re-apply: exit ${again.exitCode}, ${extra} Palette writes${extra === 0 ? " (converged)" : ""}`);
    return first.exitCode === 0 && bigger.exitCode === 0 && w.length === 1 && again.exitCode === 0 && extra === 0;
  } finally {
    await pal.stop();
  }
}

export async function main(): Promise<number> {
  fs.mkdirSync(DEMO_DIR, { recursive: true });
  const emu = await startEmulator({ host: "127.0.0.1", port: 0, taskMs: 300, statePath: path.join(DEMO_DIR, "prism-state.json"), logger: () => undefined });
  const stop = () => void emu.stop();
  process.once("SIGINT", stop);
  try {
    console.log(`\n== 1. Prism Central emulator on ${emu.url} (user ${emu.username})`);
    const stackDir = synthesizeExample(path.join(DEMO_DIR, "cdktf.out"));
    const planFile = path.join(stackDir, PLAN_FILE_NAME);
    const plan = loadPlanFile(planFile);
    console.log(`\n== 2. Synthesized examples/pcg-on-nutanix → ${path.relative(process.cwd(), stackDir)}`);
    console.log(`   ${PLAN_FILE_NAME} (${plan.resources.length} resources), cdk.tf.json (one null_resource each), manifests/ (CAPX export)\n`);
    console.log(formatTable(["ID", "KIND", "DEPENDS ON", "GENERATION"], planRows(plan)));

    console.log(`\n== 3. nutanix-handler apply --plan ${PLAN_FILE_NAME}`);
    const before = await writes(emu);
    const applied = await runHandler(["apply", "--plan", PLAN_FILE_NAME], emu, stackDir);
    console.log(`   exit ${applied}, ${(await writes(emu)) - before} API writes`);

    console.log("\n== 4. VMs in Prism Central");
    console.log(formatTable(["NAME", "POWER", "IP", "PE CLUSTER", "OWNER (stack / cluster/pool)"], await vmRows(emu)));

    console.log(`\n== 5. Re-apply: nothing to change`);
    const again = await writes(emu);
    const reapplied = await runHandler(["apply", "--plan", PLAN_FILE_NAME, "--quiet"], emu, stackDir);
    const extra = (await writes(emu)) - again;
    console.log(`   exit ${reapplied}, ${extra} API writes${extra === 0 ? " (converged: nothing to do)" : ""}`);
    console.log(`\nThe CAPX export for Palette or clusterctl: ${path.relative(process.cwd(), path.join(stackDir, "manifests"))}/`);
    console.log(`The PCG install bundle:                 ${path.relative(process.cwd(), path.join(stackDir, "pcg"))}/`);
    const palette = await palettePath(emu);
    return applied === 0 && reapplied === 0 && extra === 0 && palette ? 0 : 1;
  } finally {
    process.removeListener("SIGINT", stop);
    await emu.stop();
    fs.rmSync(path.join(DEMO_DIR, "prism-state.json"), { force: true });
    console.log("\n== 7. Emulators stopped.");
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
