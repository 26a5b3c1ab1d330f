/**
 * npm run demo: synthesizes the pcg-on-nutanix example into .tmp/demo and prints its plan as a table.
 * (Later: start the Prism Central emulator and apply the plan.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildApp } from "../examples/pcg-on-nutanix/main";
import { loadPlanFile } from "../lib/plan/load";
import { PLAN_FILE_NAME, type Plan } from "../lib/schema/plan";

/** Where the demo synthesizes. */
export const DEMO_DIR = path.join(__dirname, "..", ".tmp", "demo");

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
  return plan.resources.map((r) => [r.id, r.kind, r.dependsOn.join(", ") || "-", r.generation.slice(0, 12)]);
}

/** A plain text table with a header rule. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function main(): number {
  const stackDir = synthesizeExample(DEMO_DIR);
  const planFile = path.join(stackDir, PLAN_FILE_NAME);
  const plan = loadPlanFile(planFile);
  console.log(`Synthesized examples/pcg-on-nutanix → ${path.relative(process.cwd(), stackDir)}`);
  console.log(`  ${PLAN_FILE_NAME}: ${plan.resources.length} resources, stack ${plan.metadata.stack}`);
  console.log(`  cdk.tf.json: one null_resource per resource; cdktf deploy runs nutanix-handler for each\n`);
  console.log(formatTable(["ID", "KIND", "DEPENDS ON", "GENERATION"], planRows(plan)));
  return 0;
}

if (require.main === module) process.exitCode = main();
