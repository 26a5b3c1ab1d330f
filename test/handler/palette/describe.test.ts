/** diffPools (pure): pools to add, resize and remove by Palette's pool name; control-plane changes are refused. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { diffPools } from "../../../lib/handler/palette/describe";
import type { PalettePoolTemplate, PaletteTemplates } from "../../../lib/render/palette";

const pool = (name: string, replicas: number, isControlPlane = false): PalettePoolTemplate => ({ name, pool: name, isControlPlane, replicas, values: `kind: x\nmetadata:\n  name: ${name}\n` });
const templates = (...workers: PalettePoolTemplate[]): PaletteTemplates => ({ cloudConfig: "", controlPlane: pool("web-kcp", 3, true), workers });

test("diffPools: same pools and sizes → nothing to do", () => {
  const d = diffPools(templates(pool("web-a", 2)), [{ name: "web-kcp", size: 3, isControlPlane: true }, { name: "web-a", size: 2, isControlPlane: false }]);
  assert.deepEqual([d.scale, d.added, d.removed, d.changes, d.problems], [[], [], [], [], []]);
});

test("diffPools: an added, a resized and a removed worker pool; removed names sorted", () => {
  const d = diffPools(templates(pool("web-a", 4), pool("web-new", 1)), [
    { name: "web-kcp", size: 3, isControlPlane: true },
    { name: "web-a", size: 2, isControlPlane: false },
    { name: "web-z", size: 1, isControlPlane: false },
    { name: "web-b", size: 1, isControlPlane: false },
  ]);
  assert.deepEqual(d.added.map((p) => p.name), ["web-new"]);
  assert.deepEqual(d.scale.map((x) => [x.template.name, x.from, x.template.replicas]), [["web-a", 2, 4]]);
  assert.deepEqual(d.removed, ["web-b", "web-z"]);
  assert.deepEqual(d.problems, []);
  assert.deepEqual(d.changes.map((c) => c.field), ["machinePools.web-a.size", "machinePools.web-new", "machinePools.web-b", "machinePools.web-z"]);
});

test("diffPools: a live control-plane pool under another name (a cluster made in the UI) is a problem, not a delete + add", () => {
  const d = diffPools(templates(), [{ name: "web-cp", size: 3, isControlPlane: true }]);
  assert.deepEqual(d.problems, [
    "machine pool web-kcp: a cluster has one control-plane pool; Palette cannot add another",
    "machine pool web-cp: the control-plane pool cannot be removed",
  ]);
});
