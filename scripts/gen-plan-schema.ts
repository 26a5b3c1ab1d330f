/**
 * Generates schema/plan.schema.json from the zod `Plan` schema (never written by hand).
 *   npm run schema             write the file
 *   npm run schema -- --check  exit 1 when the committed file is stale
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { stableStringify } from "../lib/plan/canonical";
import { Plan, PLAN_API_VERSION } from "../lib/schema/plan";

/** Where the JSON Schema lives. */
export const PLAN_SCHEMA_FILE = path.join(__dirname, "..", "schema", "plan.schema.json");

/** The JSON Schema of the plan, as deterministic text. */
export function renderPlanSchema(): string {
  const schema = z.toJSONSchema(Plan, { target: "draft-2020-12", unrepresentable: "any" });
  return stableStringify({
    ...schema,
    $id: `urn:nutanix-palette-cdk:plan:${PLAN_API_VERSION.split("/")[1]}`,
    title: `nutanix-palette-cdk plan (${PLAN_API_VERSION})`,
    description: "Generated from lib/schema/plan.ts by scripts/gen-plan-schema.ts; do not edit.",
  });
}

/** Writes or checks the schema file; returns the exit code. */
export function main(argv: readonly string[]): number {
  const text = renderPlanSchema();
  if (argv.includes("--check")) {
    const current = fs.existsSync(PLAN_SCHEMA_FILE) ? fs.readFileSync(PLAN_SCHEMA_FILE, "utf8") : "";
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), PLAN_SCHEMA_FILE)} is stale: run npm run schema`);
      return 1;
    }
    return 0;
  }
  fs.mkdirSync(path.dirname(PLAN_SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(PLAN_SCHEMA_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), PLAN_SCHEMA_FILE)}`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
