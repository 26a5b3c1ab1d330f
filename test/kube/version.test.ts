/** Version steps of an upgrade as a table. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { lowestVersion, parseKubeVersion, versionChange } from "../../lib/kube";

const rows: Array<[string, string, string, RegExp?]> = [
  ["v1.30.2", "v1.30.2", "same"],
  ["v1.30.2", "v1.30.5", "patch"],
  ["1.30.2", "v1.31.0", "minor"],
  ["v1.30.2", "v1.32.0", "refuse", /skips 1 minor.*next: v1\.31\.x/],
  ["v1.30.2", "v1.30.1", "refuse", /downgrade from v1\.30\.2 to v1\.30\.1/],
  ["v1.30.2", "v1.29.9", "refuse", /downgrade/],
  ["v1.30.2", "v2.0.0", "refuse", /major version change/],
  ["v1.30.2", "latest", "refuse", /desired version "latest" is not vMAJOR\.MINOR\.PATCH/],
];
for (const [from, to, kind, reason] of rows) {
  test(`versionChange ${from} -> ${to}: ${kind}`, () => {
    const c = versionChange(from, to);
    assert.equal(c.kind, kind);
    if (reason) assert.match((c as { reason: string }).reason, reason);
  });
}

test("parseKubeVersion and lowestVersion", () => {
  assert.deepEqual(parseKubeVersion("v1.29.0+k3s1"), { major: 1, minor: 29, patch: 0 });
  assert.equal(parseKubeVersion("1.29"), undefined);
  assert.equal(lowestVersion(["v1.30.2", "v1.29.10", undefined, "junk", "v1.29.9"]), "v1.29.9");
  assert.equal(lowestVersion([]), undefined);
});
