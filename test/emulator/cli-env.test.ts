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

test("--create-task-ms, --update-task-ms, --delete-task-ms set the VM task durations per operation type", () => {
  const r = parseCli(["--task-ms", "100", "--create-task-ms", "5000", "--update-task-ms", "2000", "--delete-task-ms", "2000"], {});
  assert.ok(!r.help);
  assert.equal(r.options.taskMs, 100);
  assert.deepEqual(r.options.taskMsByOperation, { create_vm_intentful: 5000, update_vm_intentful: 2000, delete_vm_intentful: 2000 });
  assert.throws(() => parseCli(["--create-task-ms", "-1"], {}), /create-task-ms/);
  const none = parseCli([], {});
  assert.ok(!none.help);
  assert.equal(none.options.taskMsByOperation, undefined);
});
