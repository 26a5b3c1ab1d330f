/**
 * The project half of a stack identity: from the nearest package.json's name, made an RFC 1123 label.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { nearestPackageName, projectOfPackageName } from "../../lib/stack/project";
import { ProjectName } from "../../lib/schema/plan";

test("projectOfPackageName: scoped names, dots, underscores and long names become valid labels", () => {
  const rows: [string, string][] = [
    ["shop", "shop"],
    ["@acme/dc-infra", "acme-dc-infra"],
    ["my.app", "my-app"],
    ["tmp.4iUMpByTSJ", "tmp-4iumpbytsj"],
    ["a__b..c", "a-b-c"],
    ["_private", "private"],
    ["x".repeat(70), "x".repeat(63)],
    [`${"y".repeat(62)}.z`, "y".repeat(62)],
  ];
  for (const [name, want] of rows) {
    assert.equal(projectOfPackageName(name), want, name);
    assert.ok(ProjectName.safeParse(want).success, `${want} is a valid project name`);
  }
});

test("nearestPackageName: the first package.json with a name, from the directory upward", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "npc-project-"));
  try {
    fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "outer" }));
    const inner = path.join(root, "a", "b");
    fs.mkdirSync(inner, { recursive: true });
    fs.writeFileSync(path.join(root, "a", "package.json"), JSON.stringify({ private: true }));
    assert.deepEqual(nearestPackageName(inner), { name: "outer", file: path.join(root, "package.json") });
    fs.writeFileSync(path.join(inner, "package.json"), "{not json");
    assert.equal(nearestPackageName(inner)?.name, "outer", "a broken package.json is skipped");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
