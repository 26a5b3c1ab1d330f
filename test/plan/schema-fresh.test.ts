import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import { PLAN_SCHEMA_FILE, renderPlanSchema } from "../../scripts/gen-plan-schema";
import { buildApp } from "../../examples/pcg-on-nutanix/main";
import { tempDir } from "../helpers/nutanix-fixtures";

test("schema/plan.schema.json is generated from the zod Plan and is fresh (npm run schema)", () => {
  assert.equal(fs.readFileSync(PLAN_SCHEMA_FILE, "utf8"), renderPlanSchema(), "schema/plan.schema.json is stale: run npm run schema");
});

test("the example's plan validates against the JSON Schema", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(PLAN_SCHEMA_FILE, "utf8")));
  const plan = buildApp(tempDir()).stack.toPlan();
  assert.ok(validate(JSON.parse(JSON.stringify(plan))), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...plan, apiVersion: "v0" }));
});
