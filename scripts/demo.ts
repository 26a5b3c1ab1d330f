/**
 * npm run demo: the whole path on a bare machine, against the embedded Prism Central emulator.
 *
 *  1. starts the emulator on a loopback port (the embedded default target);
 *  2. synthesizes examples/pcg-on-nutanix (cdk.tf.json, nutanix-plan.json, manifests/) and prints the plan;
 *  3. runs `nutanix-handler apply` on the plan, as a real child process (cdktf deploy runs the same
 *     command once per resource through the synthesized local-exec provisioners);
 *  4. lists the VMs Prism Central now has;
 *  5. re-applies and shows that nothing changes (zero API writes, counted by the emulator);
 *  6. stops the emulator.
 * Nothing is dialled but 127.0.0.1: the example's addresses (pc.dc1.example.com, 10.20.0.10) are data.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildApp } from "../examples/pcg-on-nutanix/main";
import { startEmulator, type RunningEmulator } from "../lib/emulator";
import { formatTable } from "../lib/handler/progress";
import { loadPlanFile } from "../lib/plan/load";
import { PrismClient } from "../lib/prism";
import { PLAN_FILE_NAME, type Plan } from "../lib/schema/plan";

/** Where the demo synthesizes and keeps the emulator's state. */
export const DEMO_DIR = path.join(__dirname, "..", ".tmp", "demo");
const HANDLER = path.join(__dirname, "..", "bin", "nutanix-handler.js");

/** Synthesizes the example into a fresh `outdir`; returns the stack's synth directory. */
export function synthesizeExample(outdir: string): string {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const { app, stack } = buildApp(outdir);
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
    return applied === 0 && reapplied === 0 && extra === 0 ? 0 : 1;
  } finally {
    process.removeListener("SIGINT", stop);
    await emu.stop();
    fs.rmSync(path.join(DEMO_DIR, "prism-state.json"), { force: true });
    console.log("\n== 6. Emulator stopped.");
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
