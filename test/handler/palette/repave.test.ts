/** Pure: which suffix each pool's NutanixMachineTemplate takes from what Palette has (keep, next on a machine change, 0 for a new pool). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { machineTemplateOf, suffixOf, templateSuffixes } from "../../../lib/handler/palette/repave";
import type { PalettePoolTemplate, PaletteTemplates } from "../../../lib/render/palette";

const yaml = (name: string, mem: string): string => `kind: MachineDeployment\nmetadata:\n  name: x\n---\nkind: NutanixMachineTemplate\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      memorySize: ${mem}\n`;
const pool = (name: string, pl: string, values: string, cp = false): PalettePoolTemplate => ({ name, pool: pl, isControlPlane: cp, replicas: 1, values });

test("machineTemplateOf / suffixOf", () => {
  assert.deepEqual(machineTemplateOf(yaml("web-a-mt-3", "8Gi")), { name: "web-a-mt-3", spec: { template: { spec: { memorySize: "8Gi" } } } });
  assert.equal(machineTemplateOf("kind: ConfigMap\nmetadata: {name: a}\n"), undefined);
  assert.equal(machineTemplateOf(undefined), undefined);
  assert.equal(suffixOf("web-cp-12"), 12);
  assert.equal(suffixOf("web-cp"), undefined);
});

test("templateSuffixes: same spec keeps the live suffix, a changed spec takes the next, a new pool 0", () => {
  const first: PaletteTemplates = {
    cloudConfig: "",
    controlPlane: pool("web-kcp", "cp", yaml("web-cp-0", "4Gi"), true),
    workers: [pool("web-a", "a", yaml("web-a-mt-0", "16Gi")), pool("web-b", "b", yaml("web-b-mt-0", "8Gi"))],
  };
  const live = [
    { name: "web-kcp", isControlPlane: true, values: yaml("web-cp-2", "4Gi") },
    { name: "web-a", isControlPlane: false, values: yaml("web-a-mt-1", "8Gi") },
  ];
  assert.deepEqual(Object.fromEntries(templateSuffixes(first, live)), { cp: "2", a: "2", b: "0" });
});
