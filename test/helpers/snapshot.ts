/**
 * A tiny snapshot helper for node:test (Node 20 has none): compares text with a committed file under
 * test/__snapshots__/ and rewrites it only when UPDATE_SNAPSHOTS=1. A missing snapshot fails (so CI
 * never passes on a snapshot nobody reviewed) unless UPDATE_SNAPSHOTS=1.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import assert from "node:assert/strict";

/** The directory of committed snapshots. */
export const SNAPSHOT_DIR = path.join(__dirname, "..", "__snapshots__");

/** Asserts that `actual` equals the snapshot `name` (e.g. `examples/pcg-on-nutanix.plan.json`). */
export function matchSnapshot(name: string, actual: string): void {
  const file = path.join(SNAPSHOT_DIR, name);
  if (process.env.UPDATE_SNAPSHOTS === "1") {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) {
    assert.fail(`snapshot ${path.relative(process.cwd(), file)} does not exist: run UPDATE_SNAPSHOTS=1 npm test and review it`);
  }
  const expected = fs.readFileSync(file, "utf8");
  if (expected !== actual) {
    assert.equal(actual, expected, `snapshot ${name} differs (UPDATE_SNAPSHOTS=1 npm test rewrites it; review the diff)`);
  }
}
