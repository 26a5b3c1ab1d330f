/** prism-emulator options: the password from the environment, the real-behaviour switches. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCli } from "../../lib/emulator/cli";

test("the emulator's password can come from PRISM_EMULATOR_PASSWORD (not visible in ps)", () => {
  const r = parseCli(["--port", "0"], { PRISM_EMULATOR_PASSWORD: "from-env" });
  assert.ok(!r.help);
  assert.deepEqual(r.options.users, [{ username: "admin", password: "from-env" }]);
  const strict = parseCli(["--strict-versions", "--accept-unreserved-uuids", "--allow-hot-remove", "--exact-filters", "--no-404-window"], {});
  assert.ok(!strict.help);
  assert.equal(strict.options.strictVersions, true);
  assert.equal(strict.options.requireReservedUuids, false);
  assert.equal(strict.options.refuseHotRemove, false);
  assert.equal(strict.options.looseFilters, false);
  assert.equal(strict.options.notFoundAfterCreate, false);
  assert.throws(() => parseCli(["--username", "u"], {}), /needs a password/);
});
